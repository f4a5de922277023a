"""A design written back as an AsyncAPI 3 document.

AsyncAPI speaks for one application, the design's own: an operation is ``send`` when that
application sends and ``receive`` when it is among the receivers. The whole picture (who sends,
who receives, topic or queue) rides along in ``x-`` extensions, which the schema allows, so
importing the export rebuilds the same design without a single assumption.
"""

from __future__ import annotations

from typing import Any

import yaml

from .design import Design, Route, channel_name

VERSION = "3.0.0"


def _operation_id(route: Route, taken: set[str]) -> str:
    base = channel_name(f"{route.sender}.{route.message}.{route.channel}".replace(" ", "-"))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}.{n}"
    taken.add(candidate)
    return candidate


def _ref(*parts: str) -> dict[str, str]:
    escaped = [p.replace("~", "~0").replace("/", "~1") for p in parts]
    return {"$ref": "#/" + "/".join(escaped)}


def to_asyncapi(design: Design) -> dict[str, Any]:
    """The document as data; :func:`to_yaml` gives the text."""
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for route in design.routes:
        channel = channels.setdefault(
            route.channel,
            {
                "address": route.address,
                "x-delivery": route.delivery,
                "messages": {},
            },
        )
        channel["messages"][route.message] = _ref("components", "messages", route.message)
        messages.setdefault(route.message, {"name": route.message, "payload": {"type": "object"}})

    operations: dict[str, Any] = {}
    taken: set[str] = set()
    for route in design.routes:
        if route.reply_to is not None:
            continue
        own_receives = design.application in route.receivers and route.sender != design.application
        operation: dict[str, Any] = {
            "action": "receive" if own_receives else "send",
            "channel": _ref("channels", route.channel),
            "messages": [_ref("channels", route.channel, "messages", route.message)],
            "x-sender": route.sender,
            "x-receivers": list(route.receivers),
        }
        replies = design.replies_to(route.message)
        if replies:
            reply_channel = replies[0].channel
            operation["reply"] = {
                "channel": _ref("channels", reply_channel),
                "messages": [
                    _ref("channels", reply_channel, "messages", r.message)
                    for r in replies
                    if r.channel == reply_channel
                ],
            }
        operations[_operation_id(route, taken)] = operation

    document: dict[str, Any] = {
        "asyncapi": VERSION,
        "info": {
            "title": design.title,
            "version": "1.0.0",
            "description": "Written by the course's system designer.",
        },
        "x-application": design.application,
        "channels": channels,
        "operations": operations,
    }
    if messages:
        document["components"] = {"messages": messages}
    return document


def to_yaml(design: Design) -> str:
    return yaml.safe_dump(to_asyncapi(design), sort_keys=False, allow_unicode=True, width=100)
