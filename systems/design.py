"""A system as the course sees it: who sends which message over which channel to whom.

A :class:`Design` is what an imported AsyncAPI document, the designer form and a correction all
produce, and what the judge, the world builder and the exporter read. It is plain data with no
Django in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TOPIC = "topic"
QUEUE = "queue"
DELIVERIES = (TOPIC, QUEUE)

# The engine's own limits on names (simulator/engine/world.py), so every design is a valid world.
MESSAGE_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,200}$")
SERVICE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9 _.\-]{0,59}$")
CHANNEL_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,200}$")
MAX_RECEIVERS = 20


@dataclass(frozen=True)
class Route:
    """One message on one channel: its sender, its receivers and, for a reply, its request."""

    message: str
    channel: str
    delivery: str
    sender: str
    receivers: tuple[str, ...]
    reply_to: str | None = None
    address: str | None = None


@dataclass
class Design:
    title: str
    application: str
    routes: list[Route] = field(default_factory=list)
    # Sentences saying what the document left open and what was taken for it.
    assumptions: list[str] = field(default_factory=list)

    def services(self) -> list[str]:
        """Every application, the design's own first, in the order they appear."""
        seen = {self.application: None}
        for route in self.routes:
            seen.setdefault(route.sender, None)
            for receiver in route.receivers:
                seen.setdefault(receiver, None)
        return list(seen)

    def replies_to(self, message: str) -> list[Route]:
        return [r for r in self.routes if r.reply_to == message]


def message_name(text: str) -> str:
    """``text`` made into a name the engine accepts: other characters become underscores."""
    cleaned = re.sub(r"[^A-Za-z0-9_.\-]+", "_", text.strip()).strip("_") or "message"
    return cleaned[:200]


def channel_name(text: str) -> str:
    return message_name(text) if text.strip() else "channel"


def service_name(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9 _.\-]+", " ", text).strip()
    cleaned = re.sub(r"\s+", " ", cleaned)
    if not cleaned or not cleaned[0].isalpha():
        cleaned = ("App " + cleaned).strip()
    return cleaned[:60].rstrip()
