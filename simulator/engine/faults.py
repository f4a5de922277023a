"""Faults a learner can arm for the next message: drop it, duplicate it, or delay it.

Faults that belong to a service (offline, slow, fail the next N) live on the service itself; the
ones here wait for the next message that fits them and are used up by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Fault:
    """One armed fault. ``service`` narrows it to deliveries to that service."""

    kind: str  # "drop", "duplicate" or "delay"
    service: str | None = None
    by: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "service": self.service, "by": self.by}


class Faults:
    """The armed faults, used up first come first served."""

    __slots__ = ("armed",)

    def __init__(self) -> None:
        self.armed: list[Fault] = []

    def __bool__(self) -> bool:
        return bool(self.armed)

    def arm(self, fault: Fault) -> None:
        self.armed.append(fault)

    def take_in_transit(self, kind: str) -> Fault | None:
        """A fault that hits a message on its way to a topic or an endpoint.

        Only faults without a service apply here: a fault aimed at one service waits for a
        delivery to that service instead.
        """
        for i, fault in enumerate(self.armed):
            if fault.kind == kind and fault.service is None:
                return self.armed.pop(i)
        return None

    def take_on_delivery(self, kind: str, service: str, *, unaimed: bool) -> Fault | None:
        """A fault that hits the next delivery to ``service``; ``unaimed`` lets a fault without
        a service match too."""
        for i, fault in enumerate(self.armed):
            if fault.kind == kind and (
                fault.service == service or (unaimed and fault.service is None)
            ):
                return self.armed.pop(i)
        return None

    def to_list(self) -> list[dict[str, Any]]:
        return [fault.to_dict() for fault in self.armed]
