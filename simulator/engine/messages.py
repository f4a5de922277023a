"""The messages that travel through the simulated broker."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["event", "command"]

EVENT: Kind = "event"
COMMAND: Kind = "command"


@dataclass(slots=True)
class Message:
    """One message, event or command.

    ``correlation_id`` names the whole flow (every message that follows from one learner action
    shares it); ``causation_id`` is the id of the message whose handling produced this one, or
    ``None`` for a message the learner sent by hand. Following causation ids backwards walks the
    chain Command -> Event -> Command -> Event; following them forwards finds the consequences.
    """

    id: str
    name: str
    kind: Kind
    sender: str
    correlation_id: str
    causation_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    # How many handlings separate this message from the learner's action; a world whose rules
    # feed each other forever is cut off at a fixed depth instead of running without end.
    depth: int = 0
    # Set on messages re-emitted while replaying a log, so a reader can tell them apart.
    replay: bool = False
    # Position in the engine's message table; trace records refer to messages by it.
    ref: int = field(default=-1, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-able form."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "from": self.sender,
            "correlation_id": self.correlation_id,
            "causation_id": self.causation_id,
            "payload": dict(self.payload),
        }
