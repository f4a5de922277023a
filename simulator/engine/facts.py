"""What the order flow *is*, read off the world and one run of it, for text that describes it.

Lessons, the cheat sheet and the glossary state facts about the order flow: who sends
ProcessPayment, who receives PaymentCompleted, how many copies OrderPlaced makes. Those facts are
the engine's, not the author's. ``flow_facts`` reads them from a world and a finished engine run;
``check_claim`` compares one claim made in prose with them; ``steps_table`` renders the flow's
messages, in the order the run sent them, as a Markdown table.

A claim is written in content as a link whose target names the fact, for example
``[Email, Accounting and Analytics](flow:subscribers/PaymentCompleted)``. The link text is what
the reader sees; the target says what the text claims. Kinds of claim (``CLAIM_KINDS``):

``sender``
    the one service that sends the command or publishes the event in the run
``handler``
    the one service that handles the command
``subscribers``
    every service that receives the event (its topic's subscriptions), in any order
``copies``
    how many copies of the event the topic hands out (a numeral or a number word)
``topic``
    the topic the event is published to
``cause``
    the message whose handling led to this one in the run (its causation)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .core import Engine
from .messages import COMMAND, EVENT
from .world import World

CLAIM_KINDS = ("sender", "handler", "subscribers", "copies", "topic", "cause")
CLAIM_TARGET = re.compile(r"^(?P<kind>[a-z]+)/(?P<message>[A-Za-z][A-Za-z0-9]*)$")

NUMBER_WORDS = {
    word: n
    for n, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
}
# Words that join names in prose and carry no name of their own.
_JOINERS = re.compile(r",|\band\b|\bor\b|&|\bplus\b|\bitself\b|\bthe\b|\bservices?\b", re.I)


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """One message of the flow as the world defines it and the run played it."""

    name: str
    kind: str
    senders: tuple[str, ...]
    receivers: tuple[str, ...]
    topic: str | None = None
    cause: str | None = None
    result_field: str | None = None


@dataclass(frozen=True, slots=True)
class FlowFacts:
    """Every message of a world, and the order in which one run sent the ones it played."""

    messages: dict[str, MessageFacts]
    played: tuple[str, ...] = field(default=())


def _emitters(world: World) -> dict[str, set[str]]:
    """Which services a world makes emit each message: rules, reply rules and give-up policies."""
    found: dict[str, set[str]] = {}

    def add(service: str, emits: Iterable) -> None:
        for emit in emits:
            found.setdefault(emit.name, set()).add(service)

    for (service, _on), rule in world.rules.items():
        add(service, rule.then)
        add(service, rule.on_reject)
        for _status, emits in rule.if_status:
            add(service, emits)
    for (service, _command, _outcome), emits in world.replies.items():
        add(service, emits)
    for (service, _command), policy in world.policies.items():
        add(service, policy.on_give_up)
    return found


def flow_facts(world: World, engine: Engine | None = None) -> FlowFacts:
    """The facts of every message ``world`` knows; ``engine``'s finished run adds who actually
    sent what, what caused it, and the order the messages were played in."""
    emitters = _emitters(world)
    sent_by: dict[str, set[str]] = {}
    cause: dict[str, str] = {}
    played: list[str] = []
    if engine is not None:
        names_by_id: dict[str, str] = {}
        for record in engine.trace:
            if record.step in ("sent", "published") and record.message:
                names_by_id[record.id] = record.message
                if record.message not in sent_by:
                    played.append(record.message)
                sent_by.setdefault(record.message, set()).add(record.from_)
                caused_by = names_by_id.get(record.causation_id or "")
                if caused_by and record.message not in cause:
                    cause[record.message] = caused_by
    messages: dict[str, MessageFacts] = {}
    for name, spec in world.events.items():
        senders = sent_by.get(name) or ({spec.publisher} if spec.publisher else set())
        messages[name] = MessageFacts(
            name=name,
            kind=EVENT,
            senders=tuple(sorted(senders)),
            receivers=world.topics.get(spec.topic, ()),
            topic=spec.topic,
            cause=cause.get(name),
        )
    for name, spec in world.commands.items():
        senders = sent_by.get(name) or emitters.get(name, set())
        if not senders and name in world.commands and world.default_sender:
            senders = {world.default_sender}
        rule = world.rule_for(spec.handler, name)
        messages[name] = MessageFacts(
            name=name,
            kind=COMMAND,
            senders=tuple(sorted(s for s in senders if s)),
            receivers=(spec.handler,),
            cause=cause.get(name),
            result_field=rule.result_field if rule else None,
        )
    return FlowFacts(messages, tuple(played))


def claimed_names(text: str) -> list[str]:
    """The service or message names a piece of prose lists: "Email, Accounting and Analytics"."""
    cleaned = re.sub(r"[*_`]", "", text)
    parts = _JOINERS.split(cleaned)
    return [p.strip(" .;:()") for p in parts if p.strip(" .;:()")]


def claimed_number(text: str) -> int | None:
    words = re.sub(r"[*_`]", "", text).strip().lower().split()
    for word in words:
        if word.isdigit():
            return int(word)
        if word in NUMBER_WORDS:
            return NUMBER_WORDS[word]
    return None


def check_claim(facts: FlowFacts, kind: str, message: str, text: str) -> tuple[str, str] | None:
    """What is wrong with the claim ``text`` about ``message``, as (what kind of problem, why),
    or None when the flow bears it out. The kind is the claim's own kind when the claim
    contradicts the flow, and ``"unreadable"`` when it cannot be checked at all."""
    if kind not in CLAIM_KINDS:
        return "unreadable", f"'{kind}' is not a kind of claim; use one of {', '.join(CLAIM_KINDS)}"
    fact = facts.messages.get(message)
    if fact is None:
        return "unreadable", f"the order flow has no message called {message}"
    reason = _contradiction(fact, kind, text)
    if reason is None:
        return None
    unreadable = reason.startswith("!")
    return ("unreadable" if unreadable else kind), reason.lstrip("!")


def _contradiction(fact: MessageFacts, kind: str, text: str) -> str | None:
    """Why ``text`` contradicts ``fact``; a reason starting with ``!`` means it cannot apply."""
    message = fact.name
    if kind == "copies":
        number = claimed_number(text)
        if number is None:
            return f"!'{text}' states no number"
        if fact.kind != EVENT:
            return f"!{message} is a command: it makes no copies"
        if number != len(fact.receivers):
            return f"{message} makes {len(fact.receivers)} copies, not {number}"
        return None
    if kind == "topic":
        if fact.topic is None:
            return f"!{message} is a command and goes to no topic"
        if text.strip(" `") != fact.topic:
            return f"{message} goes to {fact.topic}, not {text}"
        return None
    names = claimed_names(text)
    if kind == "cause":
        if fact.cause is None:
            return f"!nothing in the order flow's run causes {message}"
        if names != [fact.cause]:
            return f"{message} is caused by {fact.cause}, not {text}"
        return None
    if kind == "sender":
        if not names or not set(names) <= set(fact.senders):
            who = " and ".join(fact.senders) or "nobody"
            return f"{message} is sent by {who}, not {text}"
        return None
    if kind == "handler":
        if fact.kind != COMMAND:
            return f"!{message} is an event: it has subscribers, not a handler"
        if names != list(fact.receivers):
            return f"{message} is handled by {fact.receivers[0]}, not {text}"
        return None
    if fact.kind != EVENT:
        return f"!{message} is a command: it has one handler, not subscribers"
    if set(names) != set(fact.receivers) or len(names) != len(set(names)):
        return f"{message} reaches {', '.join(fact.receivers)}; the text says {text}"
    return None


def steps_table(facts: FlowFacts) -> str:
    """The messages the run played, in order, as a Markdown table for a lesson."""
    rows = [
        "| # | Message | Kind | From | To | What comes back |",
        "|---|---|---|---|---|---|",
    ]
    for n, name in enumerate(facts.played, 1):
        fact = facts.messages[name]
        sender = " and ".join(fact.senders)
        if fact.cause and fact.kind == COMMAND:
            sender += f", on hearing {fact.cause}"
        if fact.kind == EVENT:
            to = f"topic `{fact.topic}`: " + ", ".join(fact.receivers)
            back = "nothing; it is news"
        else:
            to = f"{fact.receivers[0]}, the single handler"
            result = fact.result_field.replace("_", " ") if fact.result_field else "an answer"
            back = f"accepted with {_article(result)} {result}, or refused"
        rows.append(f"| {n} | {name} | {fact.kind} | {sender} | {to} | {back} |")
    return "\n".join(rows)


def _article(words: str) -> str:
    return "an" if words[:1].lower() in "aeiou" else "a"
