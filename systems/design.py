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

    def to_data(self) -> dict:
        """Plain JSON data, for storing; ``Design.from_data`` reads it back."""
        return {
            "title": self.title,
            "application": self.application,
            "assumptions": list(self.assumptions),
            "routes": [
                {
                    "message": r.message,
                    "channel": r.channel,
                    "delivery": r.delivery,
                    "sender": r.sender,
                    "receivers": list(r.receivers),
                    "reply_to": r.reply_to,
                    "address": r.address,
                }
                for r in self.routes
            ],
        }

    @classmethod
    def from_data(cls, data: object) -> Design:
        """The design ``to_data`` stored; ``ValueError`` for anything else, so a row edited by
        hand cannot become a world the engine refuses."""
        if not isinstance(data, dict) or not isinstance(data.get("routes"), list):
            raise ValueError("not a stored design")
        title, application = data.get("title"), data.get("application")
        if not isinstance(title, str) or not isinstance(application, str):
            raise ValueError("a design has a title and an application")
        if not SERVICE_NAME.match(application):
            raise ValueError(f"bad application name {application!r}")
        design = cls(title=title, application=application)
        design.assumptions = [str(line) for line in data.get("assumptions") or []]
        for raw in data["routes"]:
            if not isinstance(raw, dict):
                raise ValueError("a route is a table")
            receivers = raw.get("receivers")
            if not isinstance(receivers, list) or len(receivers) > MAX_RECEIVERS:
                raise ValueError("a route's receivers are a short list")
            route = Route(
                message=str(raw.get("message")),
                channel=str(raw.get("channel")),
                delivery=str(raw.get("delivery")),
                sender=str(raw.get("sender")),
                receivers=tuple(str(r) for r in receivers),
                reply_to=None if raw.get("reply_to") is None else str(raw["reply_to"]),
                address=None if raw.get("address") is None else str(raw["address"]),
            )
            if (
                not MESSAGE_NAME.match(route.message)
                or not CHANNEL_NAME.match(route.channel)
                or route.delivery not in DELIVERIES
                or not all(SERVICE_NAME.match(s) for s in (route.sender, *route.receivers))
            ):
                raise ValueError(f"route {route.message!r} breaks the naming rules")
            design.routes.append(route)
        return design


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
