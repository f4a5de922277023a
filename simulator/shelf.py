"""A small bounded cache shared by every socket of a server process.

The engine is deterministic: sandboxes of one scenario, seed and list of inputs hold the same
trace at the same length, and so draw the same panels. A class that opens one guided scenario is
hundreds of sockets passing through the same few dozen states of one run; rendering each panel
once for all of them, instead of once per socket, is what lets one process keep pace with them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class Shelf:
    """Keeps the `size` most recently used values; `get` makes a missing one and keeps it.

    Values are shared between sockets, so whatever is put here must never be changed in place.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        try:
            value = self._items[key]
        except KeyError:
            self.misses += 1
            value = make()
            self.put(key, value)
            return value
        self.hits += 1
        self._items.move_to_end(key)
        return value

    def peek(self, key: Hashable) -> object | None:
        """The value kept for `key`, if any, without making one."""
        value = self._items.get(key)
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        self._items.move_to_end(key)
        return value

    def put(self, key: Hashable, value: object) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self.size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        self._items.clear()
