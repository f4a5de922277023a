"""Reading who sends what to whom out of an AsyncAPI document.

AsyncAPI describes one application from its own point of view, so the other side of each
operation is implied, never named. In 3.x an operation says the application *sends* or
*receives* on a channel; in 2.x ``subscribe`` means the application sends and ``publish`` means
others send to it (the inverted reading the specification chose, and a well-known trap). This
module names the implied applications after their channel and writes down every guess as an
assumption the learner can correct.

The course's export adds three extensions (``x-application``, ``x-sender``/``x-receivers`` on an
operation, ``x-delivery`` on a channel) so that a document it wrote reads back without guesses.
"""

from __future__ import annotations

import re
from typing import Any

from .design import QUEUE, TOPIC, Design, Route, channel_name, message_name, service_name
from .loading import Document, DocumentError


def to_design(document: Document) -> Design:
    """The design a validated document describes, with its assumptions."""
    data = document.data
    info = data.get("info") or {}
    title = str(info.get("title") or "Untitled system")
    declared = data.get("x-application")
    application = service_name(str(declared) if isinstance(declared, str) else title)
    design = Design(title=title, application=application)
    if document.major == 2:
        _read_v2(document, design)
    else:
        _read_v3(document, design)
    if not design.routes:
        design.assumptions.append(
            "The document describes no operation, so there is no message to judge."
        )
    return design


# --------------------------------------------------------------------------------------------
# Shared helpers


def _delivery(channel: dict, has_reply: bool, label: str, design: Design) -> str:
    """Whether a channel fans out (topic) or hands each message to one receiver (queue)."""
    declared = channel.get("x-delivery")
    if declared in (TOPIC, QUEUE):
        return declared
    amqp = (channel.get("bindings") or {}).get("amqp") or {}
    if amqp.get("is") == "queue":
        return QUEUE
    exchange = (amqp.get("exchange") or {}).get("type")
    if exchange in ("fanout", "topic"):
        return TOPIC
    if has_reply:
        design.assumptions.append(
            f"Channel {label}: its messages get a reply, so it is taken as a queue where one"
            " receiver handles each message."
        )
        return QUEUE
    design.assumptions.append(
        f"Channel {label}: the document does not say how it delivers, so it is taken as a"
        " topic that any number of applications may subscribe to."
    )
    return TOPIC


def _peer(kind: str, channel: str) -> str:
    """A name for the application on the other side, from the channel's last words: a 2.x
    channel is keyed by its whole address, far too long to read as a name."""
    words = [w for w in re.split(r"[./_\-]+", channel) if w and not w.isdigit()]
    short = " ".join(words[-2:]) if len(channel) > 24 else channel
    return service_name(f"{short} {kind}")


def _message_label(message: dict, fallback: str) -> str:
    for key in ("name", "messageId", "title"):
        value = message.get(key)
        if isinstance(value, str) and value.strip():
            return message_name(value)
    return message_name(fallback)


def _receivers(raw: Any) -> tuple[str, ...] | None:
    if isinstance(raw, list) and raw and all(isinstance(r, str) for r in raw):
        return tuple(service_name(r) for r in raw)
    return None


# --------------------------------------------------------------------------------------------
# AsyncAPI 3


def _table(node: Any, what: str) -> dict:
    """``node`` when it is a mapping; a reference may point anywhere the schema cannot see."""
    if node is None:
        return {}
    if not isinstance(node, dict):
        raise DocumentError(f"{what} should be a map, but a reference points at something else.")
    return node


def _ref_key(node: Any) -> str | None:
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        return node["$ref"].rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
    return None


def _channel_messages(document: Document, channel: dict) -> list[tuple[str, dict]]:
    messages = _table(document.resolve(channel.get("messages")), "a channel's messages")
    found = []
    for key, raw in messages.items():
        message = document.resolve(raw)
        if isinstance(message, dict):
            found.append(
                (_message_label(message, key) if "name" in message else message_name(key), message)
            )
    return found


def _operation_messages(document: Document, operation: dict, channel: dict) -> list[str]:
    listed = operation.get("messages")
    if isinstance(listed, list) and listed:
        names = []
        for raw in listed:
            message = document.resolve(raw)
            if not isinstance(message, dict):
                raise DocumentError("an operation lists a message that is not a message object.")
            key = _ref_key(raw) or "message"
            names.append(_message_label(message, key) if "name" in message else message_name(key))
        return names
    return [name for name, _ in _channel_messages(document, channel)]


def _channel_key(document: Document, raw: Any) -> tuple[str, dict]:
    channel = document.resolve(raw)
    if not isinstance(channel, dict):
        raise DocumentError("an operation's channel is not a channel object.")
    key = _ref_key(raw) or "channel"
    return channel_name(key), channel


def _read_v3(document: Document, design: Design) -> None:
    data = document.data
    operations = _table(document.resolve(data.get("operations")), "the operations")
    parsed = []
    for op_id, raw in operations.items():
        operation = document.resolve(raw)
        if not isinstance(operation, dict):
            continue
        chan_label, channel = _channel_key(document, operation.get("channel"))
        reply = document.resolve(operation.get("reply"))
        parsed.append(
            (op_id, operation, chan_label, channel, reply if isinstance(reply, dict) else None)
        )

    replied = {chan_label for _, _, chan_label, _, reply in parsed if reply}
    deliveries: dict[str, str] = {}

    def delivery_of(label: str, channel: dict) -> str:
        if label not in deliveries:
            deliveries[label] = _delivery(channel, label in replied, label, design)
        return deliveries[label]

    for op_id, operation, chan_label, channel, reply in parsed:
        action = operation.get("action")
        sender = operation.get("x-sender")
        receivers = _receivers(operation.get("x-receivers"))
        if isinstance(sender, str) and receivers:
            sender = service_name(sender)
        elif action == "send":
            sender = design.application
            receivers = (_peer("receiver", chan_label),)
            design.assumptions.append(
                f"Operation {op_id}: {design.application} sends on {chan_label}; the document"
                f" does not say who receives, so one application, {receivers[0]}, is assumed."
            )
        else:
            sender = _peer("sender", chan_label)
            receivers = (design.application,)
            design.assumptions.append(
                f"Operation {op_id}: {design.application} receives on {chan_label}; the"
                f" document does not say who sends, so one application, {sender}, is assumed."
            )
        delivery = delivery_of(chan_label, channel)
        address = channel.get("address") if isinstance(channel.get("address"), str) else None
        requests = _operation_messages(document, operation, channel)
        for name in requests:
            design.routes.append(
                Route(name, chan_label, delivery, sender, receivers, None, address)
            )
        if reply is None:
            continue
        if reply.get("channel") is not None:
            reply_label, reply_channel = _channel_key(document, reply.get("channel"))
        else:
            reply_label, reply_channel = channel_name(f"{chan_label}.reply"), {}
        reply_delivery = reply_channel.get("x-delivery") if reply_channel else None
        if reply_delivery not in (TOPIC, QUEUE):
            reply_delivery = QUEUE
        reply_address = reply_channel.get("address") if reply_channel else None
        replies = (
            _operation_messages(document, reply, reply_channel)
            if reply_channel or reply.get("messages")
            else []
        )
        for name in replies:
            for request in requests[:1]:
                design.routes.append(
                    Route(
                        name,
                        reply_label,
                        reply_delivery,
                        receivers[0],
                        (sender,),
                        request,
                        reply_address if isinstance(reply_address, str) else None,
                    )
                )


# --------------------------------------------------------------------------------------------
# AsyncAPI 2


def _v2_messages(document: Document, operation: dict, fallback: str) -> list[str]:
    raw = operation.get("message")
    message = document.resolve(raw)
    if not isinstance(message, dict):
        return []
    options = message.get("oneOf")
    if isinstance(options, list):
        names = []
        for index, option in enumerate(options):
            resolved = document.resolve(option)
            if isinstance(resolved, dict):
                key = _ref_key(option) or f"{fallback}{index + 1}"
                names.append(_message_label(resolved, key))
        return names
    return [_message_label(message, _ref_key(raw) or fallback)]


def _read_v2(document: Document, design: Design) -> None:
    channels = _table(document.resolve(document.data.get("channels")), "the channels")
    for address, raw in channels.items():
        channel = document.resolve(raw)
        if not isinstance(channel, dict):
            continue
        label = channel_name(address)
        delivery = None
        for verb in ("subscribe", "publish"):
            operation = document.resolve(channel.get(verb))
            if not isinstance(operation, dict):
                continue
            if delivery is None:
                delivery = _delivery(channel, False, label, design)
            op_id = operation.get("operationId") or f"{verb} on {label}"
            fallback = operation.get("operationId") or f"{label}.message"
            if verb == "subscribe":
                sender, receivers = design.application, (_peer("receiver", label),)
                design.assumptions.append(
                    f"Operation {op_id}: in AsyncAPI 2, subscribe means {design.application}"
                    f" sends on {label} for others to subscribe to; who receives is not said,"
                    f" so one application, {receivers[0]}, is assumed."
                )
            else:
                sender, receivers = _peer("sender", label), (design.application,)
                design.assumptions.append(
                    f"Operation {op_id}: in AsyncAPI 2, publish means others send on {label} and"
                    f" {design.application} receives; who sends is not said, so one"
                    f" application, {sender}, is assumed."
                )
            for name in _v2_messages(document, operation, fallback):
                design.routes.append(Route(name, label, delivery, sender, receivers, None, address))
