"""The broker's moving parts: services, their running instances, buffers and buffered items.

Plain slotted objects with no behaviour of their own beyond sizing: the broker (broker.py) moves
items between them, and the engine's façade reads them for ``state_view`` and ``counters``.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from .messages import Message


class _Item:
    """A message waiting in (or taken from) a buffer, with its delivery history."""

    __slots__ = ("attempt", "catch_up", "duplicate", "msg", "order", "redelivery")

    def __init__(self, msg: Message, order: int) -> None:
        self.msg = msg
        self.order = order  # global arrival order: an instance serves the oldest message first
        self.attempt = 1
        self.duplicate = False
        self.catch_up = False
        self.redelivery = False


class _Buffer:
    """A subscription's buffer (``topic`` set) or a handler's command buffer (``topic`` None)."""

    __slots__ = ("items", "topic")

    def __init__(self, topic: str | None) -> None:
        self.topic = topic
        self.items: deque[_Item] = deque()


class _Instance:
    """One running copy of a service. It handles one message at a time.

    When its service crashes, the instance object is retired (``dead``) and replaced, so that
    completions it had scheduled are recognised as stale and ignored.
    """

    __slots__ = ("buffer", "busy", "code", "dead", "index", "item", "label", "svc")

    def __init__(self, svc: _Service, index: int, label: str) -> None:
        self.svc = svc
        self.index = index
        self.label = label
        self.code = -2  # the label's code in the trace, looked up on first use
        self.busy = False
        self.dead = False
        self.item: _Item | None = None
        self.buffer: _Buffer | None = None


class _Service:
    __slots__ = (
        "buffers",
        "capacity",
        "commands",
        "counters",
        "fail_next",
        "idempotent",
        "instances",
        "name",
        "online",
        "plain",
        "queued",
        "results",
        "rr",
        "rules",
        "seen",
        "slow",
    )

    def __init__(self, name: str, instances: int, idempotent: bool) -> None:
        self.name = name
        self.online = True
        self.slow = False
        self.fail_next = 0
        self.idempotent = idempotent
        self.capacity = instances
        self.instances: list[_Instance] = []
        # The command buffer is created on the first command, so pure subscribers keep one
        # buffer per subscription and nothing else to look at.
        self.commands: _Buffer | None = None
        self.buffers: list[_Buffer] = []
        # Items waiting in all of ``buffers``, kept by the broker, so that an instance going idle
        # learns whether to look for work without walking the buffers.
        self.queued = 0
        self.seen: set[str] = set()
        # Remembered replies, so an idempotent handler answers a repeated command the same way.
        self.results: dict[str, tuple[str, Any]] = {}
        self.counters: dict[str, int] = {"received": 0, "handled": 0}
        # event name -> what ``Broker._compile_rule`` says about it, filled on first use
        self.rules: dict[str, tuple[Any, int]] = {}
        # event name -> (detail position, effects) for the rules that only count side effects
        self.plain: dict[str, tuple[int, Any]] = {}
        self.rr = 0
        self.resize(instances)

    def resize(self, count: int) -> None:
        self.capacity = count
        while len(self.instances) < count:
            self.instances.append(_Instance(self, len(self.instances), ""))
        for inst in self.instances:
            inst.label = self.name if count == 1 else f"{self.name}#{inst.index + 1}"
            inst.code = -2

    def command_buffer(self) -> _Buffer:
        if self.commands is None:
            self.commands = _Buffer(None)
            self.buffers.append(self.commands)
        return self.commands
