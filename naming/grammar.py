"""The naming checker: is a message name an event, a command, or neither?

The course teaches one test. An event reports a fact, so its verb is in the past
(``OrderPlaced``, ``charge.refunded``); a command asks for something, so its verb is a bare
imperative at the front (``PlaceOrder``, ``send-welcome-email``). :func:`classify` applies that
test to a name in any style and says which verb decided it and why.

How a name is read, in order:

1. Cut it into words (:mod:`naming.words`); drop version tags such as ``V2``.
2. Take off a kind label: a suffix (``Event``, ``IntegrationEvent``, ``Cmd``...) or a namespace
   segment (``Orders.Commands.PlaceOrder``). The label is remembered, not trusted.
3. Read the words with the lexicon (:mod:`naming.verb_forms`) and decide by position:

   - a past form after the subject (``FundsWithdrawn``, ``UserSignedUp``, ``ItemAddedToCart``)
     makes an event, even when the first word could also be a verb ("order", "report");
   - otherwise a base form at the front (``ShipItem``, ``SignUpUser``, ``RetryFailedPayment``)
     makes a command;
   - words spelled the same in the base and the past (set, reset, read, run, quit) take their
     reading from where they stand: first is an instruction (``ResetPassword``), after the noun is
     a finished fact (``PasswordReset``);
   - a name with no deciding verb form (``CustomerData``, ``Order``) is ``unclear``.

4. Compare the reading with the label. When they disagree (``OrderPlacedCommand``,
   ``SendEmailEvent``) the verdict keeps the kind the verb gives, because the verb is what the
   grammatical test reads and a suffix is only a tag someone typed, and it sets ``smell`` to a
   sentence naming the contradiction. An imperative name labelled as an event is the "command
   in disguise"; whether a name is *used* as the wrong kind is for the simulator to notice.

Pure Python: this module imports nothing from Django.

It is longer than the house's 500 lines on purpose: the reading of a name is one ordered cascade
of position rules (`_read_positions`), where each rule is only right because the ones before it
did not fire; split over modules, that order would be hard to see. Cutting names into words and
the lexicon are modules of their own.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from naming.verb_forms import (
    FUNCTION_WORDS,
    MODALS_OF_FUTURE,
    PARTICLES,
    PREPOSITIONS,
    WordInfo,
    lookup,
    past_participle,
)
from naming.words import ParsedName, Word, parse, render, split_words

__all__ = ["MAX_LENGTH", "InvalidName", "Verdict", "classify", "split_words", "suggest_rename"]

MAX_LENGTH = 200
EVENT = "event"
COMMAND = "command"
UNCLEAR = "unclear"

# Kind labels teams attach to names: (words, kind it claims, strong). A strong label is always a
# label; a weak one ("Request", "Notification", "Message") is often the object of a command
# ("SendPushNotification", "ApproveLoanRequest") and is read as a label only when the rest of the
# name is not a command.
_SUFFIXES: tuple[tuple[tuple[str, ...], str | None, bool], ...] = (
    (("integration", "event"), EVENT, True),
    (("domain", "event"), EVENT, True),
    (("event",), EVENT, True),
    (("evt",), EVENT, True),
    (("command",), COMMAND, True),
    (("cmd",), COMMAND, True),
    (("request",), COMMAND, False),
    (("notification",), EVENT, False),
    (("message",), None, False),
    (("msg",), None, False),
)
_NAMESPACE_LABELS = {
    ("events",): EVENT,
    ("domain", "events"): EVENT,
    ("integration", "events"): EVENT,
    ("commands",): COMMAND,
}
# What a label turns into when a name is renamed to the other kind.
_LABEL_SWAP = {
    (COMMAND, "command"): "event",
    (COMMAND, "cmd"): "evt",
    (COMMAND, "request"): "event",
    (EVENT, "event"): "command",
    (EVENT, "evt"): "cmd",
    (EVENT, "notification"): "command",
    (EVENT, "integration event"): "command",
    (EVENT, "domain event"): "command",
    (COMMAND, "commands"): "events",
    (EVENT, "events"): "commands",
    (EVENT, "domain events"): "commands",
    (EVENT, "integration events"): "commands",
}

# Words that often open a command without being its verb: "BulkUpdatePrices", "TryChargeCard".
_LEADING_MODIFIERS = frozenset({"bulk", "batch", "mass", "auto", "async", "force", "try"})

# Verbs that take an object and then a state for it: "MarkMessageRead", "SetOrderShipped",
# "MakeListPublic". The state at the end is not the main verb.
_OBJECT_COMPLEMENT_VERBS = frozenset(
    {"mark", "set", "make", "keep", "leave", "get", "flag", "declare", "render", "label"}
)

# Lifecycle verbs whose subject can be a whole action: "SendEmailFailed" is the failure of a
# send, so it is an event although it opens with an imperative.
_ACTION_OUTCOMES = frozenset(
    {
        "fail", "succeed", "complete", "start", "finish", "request", "schedule", "queue",
        "enqueue", "accept", "reject", "time", "expire", "abort", "retry", "skip", "initiate",
        "attempt", "deny", "approve", "confirm", "cancel", "trigger", "receive", "process",
        "execute", "stop", "pause", "resume", "decline", "acknowledge", "begin", "end", "error",
    }
)  # fmt: skip


# Verbs that name waiting; "for" or "until" after them introduces the awaited state. A name
# that ends in one of _ENDINGS reports how the waiting went ("WaitForPodTimedOut").
_WAITING_VERBS = frozenset({"wait", "poll"})
_ENDINGS = frozenset({"fail", "succeed", "complete", "finish", "time", "expire", "abort", "end"})


# Words that open a report of how an action ended: Kubernetes' "SuccessfulCreate",
# "FailedMount". The rest of the name is the action.
_OUTCOME_PREFIXES = frozenset({"successful", "unsuccessful", "failed", "failing"})

# States a subject can be reported in: "NodeReady", "NodeNotReady", "PodUnhealthy".
_STATES = frozenset(
    {
        "ready", "healthy", "unhealthy", "available", "unavailable", "reachable", "unreachable",
        "online", "offline", "idle", "full", "empty", "stale", "valid", "invalid", "active",
        "inactive", "degraded", "schedulable", "unschedulable", "overdue", "due", "low", "high",
        "pending",
    }
)  # fmt: skip
_STATE_VERBS = frozenset({"has", "is", "are", "was", "were", "had"})
_OUTCOME_NOUNS = frozenset({"success", "failure"})
# Present-tense verbs that report what a subject needs or is: "PaymentRequiresAction".
_STATE_PRESENT = frozenset({"requires", "needs", "awaits", "lacks", "exceeds", "remains"})
# Words that open a name as the thing it is about, hardly ever as its verb: "channel_archive"
# is about a channel, so it is never renamed "archive_channelled".
_NOUN_HEADS = frozenset({"channel", "user", "team", "member", "app", "workspace", "subteam"})

# -ing words that are mostly nouns in front of another noun ("ShippingLabel", "BillingAddress"),
# not a report of work in progress.
_NOUN_GERUNDS = frozenset(
    {
        "shipping", "billing", "booking", "shopping", "pricing", "mapping", "routing",
        "tracking", "logging", "setting", "settings", "listing", "meeting", "training", "funding",
        "marketing", "accounting", "banking", "onboarding", "parking", "packaging", "messaging",
        "streaming", "ticketing", "rating", "ranking", "hosting", "clothing", "offering",
        "recording", "reading", "writing", "building", "heading", "spending", "earning",
        "earnings", "outgoing", "incoming", "upcoming", "pending", "remaining", "existing",
        "missing", "matching", "opening", "closing", "ending", "morning", "evening", "wedding",
        "string", "thing", "nothing", "something", "anything", "everything", "king", "ring",
        "spring", "wing", "swing", "sing", "bring", "ping", "ding",
    }
)  # fmt: skip
# Outcome verbs whose command is the action itself: "PaymentFailed" came of "ProcessPayment",
# not of "FailPayment".
_OUTCOME_ONLY = frozenset({"fail", "succeed"})


class InvalidName(ValueError):
    """The input cannot be a message name (empty, too long, or without letters)."""


@dataclass(frozen=True)
class Verdict:
    """The checker's answer for one name.

    ``kind`` is ``"event"``, ``"command"`` or ``"unclear"``. When the name contradicts its own
    label (``OrderPlacedCommand``) ``kind`` follows the verb and ``smell`` explains the clash.
    """

    name: str
    kind: str
    verb: str | None
    lemma: str | None
    form: str | None  # "base" | "past" | "past_participle" | None
    explanation: str
    smell: str | None = None
    suggestion: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


# --------------------------------------------------------------------------------------------
# Reading the words


@dataclass
class _Reading:
    kind: str
    reason: str
    start: int | None = None  # index of the deciding verb in the core words
    end: int | None = None  # one past the verb, including a phrasal particle
    lemma: str | None = None
    form: str | None = None
    first: int = 0  # index of the first content word (after "Bulk", "Try"...)
    complement: int | None = None  # where the state of "MarkMessageRead" starts


@dataclass
class _Name:
    text: str
    parsed: ParsedName
    segment: int  # index of the segment that holds the core words
    core: list[Word]
    label_kind: str | None = None
    label_text: str | None = None  # as written, e.g. "Command", "IntegrationEvent"
    label_strong: bool = False
    suffix_words: list[Word] = field(default_factory=list)  # stripped from the core segment
    label_segments: list[int] = field(default_factory=list)  # namespace segments that label
    dropped: set[tuple[int, int]] = field(default_factory=set)  # version tags kept on render
    dotted: bool = False
    reading: _Reading | None = None


def _is_version(word: Word) -> bool:
    text = word.lower
    return text.isdigit() or (len(text) > 1 and text[0] == "v" and text[1:].isdigit())


def _particle_end(words: list[str], index: int) -> int:
    """One past the verb at ``index``, taking in a phrasal particle ("sign up", "checked out").
    "in" and "on" are usually prepositions, so they join only at the very end or right after
    an opening verb ("LogInUser", "UserLoggedIn", but not "CommentPostedOnIssue")."""
    following = index + 1
    if following < len(words) and words[following] in PARTICLES:
        if words[following] not in ("in", "on"):
            return following + 1
        if following == len(words) - 1 or index == 0:
            return following + 1
    return following


def _phrasal(lemma: str | None, words: list[str], start: int, end: int) -> str | None:
    """The lemma with its particle: "check" + "out" -> "check out"."""
    if lemma is None or end - start < 2 or " " in lemma:
        return lemma
    return " ".join([lemma, *words[start + 1 : end]])


def _past_form_name(info: WordInfo) -> str:
    if info.ambiguous or (info.participle and not info.past):
        return "past_participle"
    return "past"


def _read(words: list[str], dotted: bool) -> _Reading:
    reading = _read_positions(words, dotted)
    if reading.start is not None and reading.end is not None:
        reading.lemma = _phrasal(reading.lemma, words, reading.start, reading.end)
    return reading


def _read_positions(words: list[str], dotted: bool) -> _Reading:
    infos = [lookup(word) for word in words]
    count = len(words)
    if count >= 3 and words[:2] == ["out", "of"]:  # "OutOfDisk", before "out" passes as a particle
        return _Reading(EVENT, "state", 0, count, None, None, 0)
    if count >= 2 and words[0] in _NOUN_HEADS:
        infos[0] = replace(infos[0], base=False, lemma=None)
    for index in range(count - 2):  # "invoice.will_be_due": announced, before "be" is skipped
        if words[index] in MODALS_OF_FUTURE and words[index + 1] == "be":
            return _Reading(EVENT, "future", index, count, None, None, 0)
    first = 0
    while first < count and (words[first] in _LEADING_MODIFIERS or words[first] in FUNCTION_WORDS):
        first += 1
    if first == count:
        return _Reading(UNCLEAR, "no_verb")
    head = infos[first]

    # "SuccessfulCreate", "FailedScheduling": how an action turned out.
    if words[first] in _OUTCOME_PREFIXES and count - first >= 2:
        action = infos[first + 1]
        lemma = action.lemma if action.is_verb and action.lemma else None
        return _Reading(EVENT, "outcome_prefix", first, first + 1, lemma, None, first)

    # "VolumeFailedRecycle": the subject first, then how its action turned out.
    for index in range(first + 1, count - 1):
        if words[index] in _OUTCOME_PREFIXES and infos[index + 1].base:
            lemma = infos[index + 1].lemma
            return _Reading(EVENT, "outcome_middle", index, index + 1, lemma, None, first)

    # "NodeReady", "NodeNotReady", "NodeHasSufficientMemory": a state a subject has reached.
    if count - first >= 2:
        if words[-1] in _STATES and not (count - first == 2 and words[first] == "not"):
            start = count - 2 if words[-2] == "not" else count - 1
            if start > first:
                return _Reading(EVENT, "state", start, count, None, None, first)
        for index in range(first + 1, count - 1):
            if words[index] in _STATE_VERBS or (
                # "MessagesAvailableWithNoListeners": the state, then what it is about.
                words[index] in _STATES and words[index + 1] in FUNCTION_WORDS
            ):
                return _Reading(EVENT, "state", index, count, None, None, first)
            # "StreamsOutOfSync", "KeyNearExpiry"; "MoveOutOfQueue" stays an order.
            if (words[index - 1], words[index]) == ("out", "of") and not (
                head.base and index - 1 == first + 1
            ):
                return _Reading(EVENT, "state", index - 1, count, None, None, first)
            if words[index] == "near" and index == count - 2 and infos[-1].noun:
                return _Reading(EVENT, "state", index, count, None, None, first)
        # "ResourceWriteSuccess", "ResourceDeleteFailure": an action and how it ended, as a noun.
        # Three words at least: "HandleFailure" and "ReportFailure" are orders.
        if (
            words[-1] in _OUTCOME_NOUNS
            and not (head.base and not head.noun)
            and (
                (count - first >= 3 and infos[-2].base)
                # "test_clock.internal_failure": a kind of failure, not an order to handle one.
                or (count - first == 2 and head.adjective and not head.base)
            )
        ):
            return _Reading(EVENT, "outcome_noun", count - 1, count, None, None, first)
    elif (words[first] in _STATES and (words[first] != "ready" or dotted)) or (
        # "source.chargeable": a resource, then what it has become able to undergo.
        dotted and head.adjective and not head.base and words[first].endswith(("able", "ible"))
    ):  # a lone "Unhealthy"; "test_clock.ready" (a lone "Ready" may be an order)
        return _Reading(EVENT, "state", first, count, None, None, first)
    # "payment_intent.requires_action": what the subject needs now, a state.
    if words[first] in _STATE_PRESENT or any(w in _STATE_PRESENT for w in words[first + 1 :]):
        index = next(i for i in range(first, count) if words[i] in _STATE_PRESENT)
        if index > first or dotted:
            return _Reading(EVENT, "state", index, count, None, None, first)

    # "ScalingReplicaSet", "Killing": work reported while in progress. The course holds such a
    # name to be neither a fact nor a request ("ItemShipping"); reading it here keeps the
    # ambiguous "set" at the end from passing for a participle.
    if (
        head.gerund
        and head.lemma
        and not head.adjective
        and words[first] not in _NOUN_GERUNDS
        and not any(infos[i].only_past for i in range(first + 1, count))
    ):
        return _Reading(
            UNCLEAR, "progressive", first, _particle_end(words, first), head.lemma, None, first
        )

    # "TrialWillEnd": an announcement of something already decided, told to whoever cares.
    for index in range(first, count - 1):
        if words[index] in MODALS_OF_FUTURE and infos[index + 1].base:
            verb = index + 1
            return _Reading(
                EVENT, "future", verb, _particle_end(words, verb), infos[verb].lemma, "base", first
            )

    def predicative(index: int) -> bool:
        if index == count - 1:
            return True
        following = words[index + 1]
        return following in FUNCTION_WORDS or following.endswith("ly")

    pasts = [i for i in range(first + 1, count) if infos[i].is_past_form]
    predicates = [i for i in pasts if predicative(i)]
    if predicates:
        settled = [i for i in predicates if infos[i].only_past]
        verb = settled[-1] if settled else predicates[-1]
        info = infos[verb]
        opens_with_verb = head.base and verb - first >= 2  # a verb, its object, then this
        opening = _particle_end(words, first)
        if (
            words[first] in _WAITING_VERBS
            and words[first + 1] in ("for", "until")
            and info.lemma not in _ENDINGS
        ):
            # "WaitForPodScheduled": the past form is what to wait for, not what happened.
            return _Reading(COMMAND, "imperative", first, opening, head.lemma, "base", first)
        if opens_with_verb and words[first] in _OBJECT_COMPLEMENT_VERBS:
            return _Reading(
                COMMAND, "object_complement", first, opening, head.lemma, "base", first, verb
            )
        if head.base and info.ambiguous and not settled and (opens_with_verb or not head.noun):
            # "RequestPasswordReset", "CalculateCost": after an opening verb, a word like
            # "reset", "cost" or "run" is its object, not a second verb. Two words that could
            # both be nouns ("PriceSet", "CounterReset") read noun first, below.
            return _Reading(COMMAND, "imperative", first, opening, head.lemma, "base", first)
        if (
            opens_with_verb
            and not head.noun
            and not head.adjective  # "LiveEventEncoderConnected": "live" describes, not orders
            and info.lemma not in _ACTION_OUTCOMES
        ):
            # "PublishOrderPlaced": an instruction whose object is an event.
            return _Reading(COMMAND, "wraps_event", first, opening, head.lemma, "base", first)
        if opens_with_verb and info.lemma in _ACTION_OUTCOMES:
            reason = "action_outcome"  # "SendEmailFailed": how the action "send email" ended
        else:
            reason = "past_ambiguous" if info.ambiguous else "past"
        end = _particle_end(words, verb)
        return _Reading(EVENT, reason, verb, end, info.lemma, _past_form_name(info), first)

    if (
        count - first >= 2
        and not head.known
        and not head.is_verb
        and len(words[first]) >= 4
        and any(infos[i].known for i in range(first + 1, count))
    ):  # "TranscodeVideo": an unknown word where an instruction puts its verb
        return _Reading(COMMAND, "imperative_guess", first, first + 1, words[first], "base", first)

    last = infos[-1]
    if count - first == 2 and head.noun and last.base and last.is_verb and not last.noun:
        # "group_rename", "UserCreate": a thing, then the verb alone; never "RenameGrouped".
        return _Reading(COMMAND, "verb_last", count - 1, count, last.lemma, "base", first)
    if head.base and count - first >= 2:
        reason = "imperative_ambiguous" if head.ambiguous else "imperative"
        return _Reading(
            COMMAND, reason, first, _particle_end(words, first), head.lemma, "base", first
        )

    if pasts:  # "CustomerPlacedOrder": subject, past verb, object
        verb = pasts[-1]
        info = infos[verb]
        end = _particle_end(words, verb)
        form = _past_form_name(info)
        return _Reading(EVENT, "past_with_object", verb, end, info.lemma, form, first)

    if head.only_past:  # "Cancelled", "CancelledOrder"
        reason = "past" if count - first == 1 else "past_first"
        end = _particle_end(words, first)
        return _Reading(EVENT, reason, first, end, head.lemma, _past_form_name(head), first)

    if count - first == 1 and head.base:
        if head.ambiguous:
            if dotted:  # "password.reset": the resource comes first, so this is what happened
                return _Reading(
                    EVENT, "past_ambiguous", first, first + 1, head.lemma, "past_participle", first
                )
            return _Reading(UNCLEAR, "ambiguous_alone", first, first + 1, head.lemma, None, first)
        if dotted:  # "order.create": the action slot of a resource.action name
            return _Reading(COMMAND, "dotted_action", first, first + 1, head.lemma, "base", first)
        if head.noun:
            return _Reading(UNCLEAR, "noun_or_verb", first, first + 1, head.lemma, "base", first)
        return _Reading(COMMAND, "bare_verb", first, first + 1, head.lemma, "base", first)

    last = infos[-1]
    if last.base and not last.noun and last.is_verb:  # "UserCreate", "InvoiceSend"
        return _Reading(COMMAND, "verb_last", count - 1, count, last.lemma, "base", first)
    if last.base and last.is_verb:  # "OrderUpdate": "update" is as much a noun as a verb
        return _Reading(UNCLEAR, "noun_or_verb", count - 1, count, last.lemma, "base", first)
    for index in range(count - 1, first - 1, -1):
        if infos[index].gerund:
            return _Reading(UNCLEAR, "gerund", index, index + 1, infos[index].lemma, None, first)
    if last.third_person and not last.noun:
        return _Reading(UNCLEAR, "present", count - 1, count, last.lemma, None, first)
    return _Reading(UNCLEAR, "no_verb", first=first)


# --------------------------------------------------------------------------------------------
# Labels and structure


def _validate(name: object) -> str:
    if not isinstance(name, str):
        raise InvalidName("A message name must be text.")
    text = name.strip()
    if not text:
        raise InvalidName("The name is empty: type a message name such as OrderPlaced.")
    if len(text) > MAX_LENGTH:
        raise InvalidName(
            f"The name is {len(text)} characters long; message names here are limited to "
            f"{MAX_LENGTH}."
        )
    if not any(char.isalpha() for char in text):
        raise InvalidName("The name has no letters, so there is no word to read.")
    return text


def _strip_label(words: list[Word], dotted: bool) -> tuple[list[Word], list[Word], tuple]:
    """Take one kind label off the end of ``words``; returns (rest, label words, suffix entry)."""
    lowered = [word.lower for word in words]
    for suffix, kind, strong in _SUFFIXES:
        size = len(suffix)
        if len(words) <= size or tuple(lowered[-size:]) != suffix:
            continue
        rest = words[:-size]
        if strong:
            # "PublishEvent", "HandleCommand": the label word is the object of a lone verb.
            info = lookup(rest[0].lower) if len(rest) == 1 else None
            if info is not None and info.base and not info.noun:
                return words, [], ()
        elif _read([word.lower for word in rest], dotted).kind == COMMAND:
            return words, [], ()
        return rest, words[-size:], (suffix, kind, strong)
    return words, [], ()


def _understand(text: str) -> _Name:
    parsed = parse(text)
    segments = list(parsed.segments)
    label_kind: str | None = None
    label_text: str | None = None
    label_strong = False
    label_segments: list[int] = []
    dropped: set[tuple[int, int]] = set()

    content: list[int] = []
    for index, segment in enumerate(segments):
        words = tuple(word.lower for word in segment.words if not _is_version(word))
        for position, word in enumerate(segment.words):
            if _is_version(word):
                dropped.add((index, position))
        if not words:
            continue
        if words in _NAMESPACE_LABELS and index < len(segments) - 1:
            label_kind = _NAMESPACE_LABELS[words]
            label_text = ".".join(word.text for word in segment.words)
            label_strong = True
            label_segments.append(index)
            continue
        content.append(index)

    if not content:  # every segment was a label or a version tag: read the words as they are
        content = [i for i, s in enumerate(segments) if any(not _is_version(w) for w in s.words)]
        label_kind, label_text, label_strong, label_segments = None, None, False, []
    if not content:
        content = [len(segments) - 1]
    # "document.v1.updated.withAuthContext": a last segment that opens with a preposition
    # qualifies the one before it, which holds the verb.
    while len(content) > 1 and segments[content[-1]].words[0].lower in PREPOSITIONS:
        content.pop()

    # A whole last segment can be the label: "order.placed.event".
    suffix_words: list[Word] = []
    last = content[-1]
    last_words = [w for p, w in enumerate(segments[last].words) if (last, p) not in dropped]
    if len(content) > 1:
        lowered = tuple(word.lower for word in last_words)
        for suffix, kind, strong in _SUFFIXES:
            if lowered == suffix and strong:
                label_kind, label_strong = kind, True
                label_text = "".join(word.text for word in last_words)
                label_segments.append(last)
                content.pop()
                last = content[-1]
                last_words = [
                    w for p, w in enumerate(segments[last].words) if (last, p) not in dropped
                ]
                break

    dotted = len(content) > 1
    core, stripped, entry = _strip_label(last_words, dotted)
    if entry:
        suffix, kind, strong = entry
        if kind is not None or label_kind is None:
            label_kind, label_strong = kind, strong
            label_text = "".join(word.text for word in stripped) if kind is not None else None
        suffix_words = stripped
        # "OrderPlacedEventMessage": a neutral wrapper outside a real label.
        if kind is None:
            core2, stripped2, entry2 = _strip_label(core, dotted)
            if entry2 and entry2[1] is not None:
                core = core2
                suffix_words = stripped2 + suffix_words
                label_kind, label_strong = entry2[1], entry2[2]
                label_text = "".join(word.text for word in stripped2)

    name = _Name(
        text=text,
        parsed=parsed,
        segment=last,
        core=core,
        label_kind=label_kind,
        label_text=label_text,
        label_strong=label_strong,
        suffix_words=suffix_words,
        label_segments=label_segments,
        dropped=dropped,
        dotted=dotted,
    )
    name.reading = _read([word.lower for word in core], dotted)
    return name


# --------------------------------------------------------------------------------------------
# Sentences


def _quote(words: list[Word]) -> str:
    return " ".join(word.lower for word in words)


def _explain(name: _Name) -> str:
    reading = name.reading
    assert reading is not None
    core = name.core
    shown = name.text
    verb = _quote(core[reading.start : reading.end]) if reading.start is not None else ""
    lemma = reading.lemma or verb
    subject = _quote(core[reading.first : reading.start]) if reading.start is not None else ""
    rest = _quote(core[reading.end :]) if reading.end is not None else ""
    instruction = " ".join(part for part in (verb, rest) if part)
    label = f' the suffix "{name.label_text}"' if name.label_text else None

    match reading.reason:
        case "past" | "past_with_object" if reading.form == "past_participle":
            return (
                f'"{verb}" is the past participle of "{lemma}", so {shown} states something that '
                "has already been done: an event."
            )
        case "past" | "past_with_object":
            return (
                f'"{verb}" is the past tense of "{lemma}", so {shown} reports something that has '
                "already happened: an event."
            )
        case "action_outcome":
            action = _quote(core[reading.first : reading.start])
            return (
                f'"{verb}" is a past form of "{lemma}" and what it reports on is the action '
                f'"{action}", so {shown} states how that action turned out: an event.'
            )
        case "past_first":
            return (
                f'"{verb}" is a past form of "{lemma}", so {shown} describes something already '
                "done and reads as an event, though the usual order puts the noun first."
            )
        case "past_ambiguous":
            where = f'after "{subject}"' if subject else "after the resource it belongs to"
            return (
                f'"{verb}" is spelled the same as an instruction and as a past participle; here it '
                f"comes {where}, the place of a finished action, so {shown} reads as an event."
            )
        case "future":
            return (
                f'"will {verb}" announces something already known to be coming, so {shown} informs '
                "rather than asks: an event."
            )
        case "imperative":
            return (
                f'"{verb}" is the base form of the verb and opens the name, so {shown} reads as an '
                f'instruction ("{instruction}"): a command.'
            )
        case "imperative_guess":
            return (
                f'"{verb}" is not in the dictionary, but it opens the name where an instruction '
                f'puts its verb, so {shown} most likely means "{instruction}": a command.'
            )
        case "imperative_ambiguous":
            return (
                f'"{verb}" is spelled the same in the present and the past, but it opens the name, '
                f'where an instruction puts its verb, so {shown} means "{instruction}": a command.'
            )
        case "object_complement":
            state = _quote(core[reading.complement :]) if reading.complement else ""
            return (
                f'"{verb}" opens the name as an instruction to put something into a state '
                f'("{instruction}"), so {shown} is a command even though "{state}" looks past.'
            )
        case "wraps_event":
            return (
                f'"{verb}" opens the name as an instruction and "{rest}" is what it acts on, so '
                f"{shown} asks for something to be done: a command."
            )
        case "verb_last":
            return (
                f'"{verb}" is the base form of the verb and nothing in {shown} is in the past, so '
                "the name asks for an action: a command."
            )
        case "dotted_action":
            return (
                f'"{verb}" fills the action slot of the dotted name in its base form, so {shown} '
                "asks for something to happen: a command."
            )
        case "bare_verb":
            return f'"{verb}" on its own is a bare verb, an instruction: a command.'
        case "ambiguous_alone":
            return (
                f'"{verb}" is spelled the same as an instruction and as a past form, and with no '
                "noun beside it there is no position to decide which one is meant."
            )
        case "noun_or_verb":
            return (
                f'"{verb}" can be a noun as well as a verb and nothing in {shown} is in the past '
                "tense or opens with an instruction, so the name does not say whether something "
                "happened or should happen."
            )
        case "outcome_prefix" | "outcome_middle":
            action = _quote(core[reading.start + 1 :])
            return (
                f'"{verb}" says how the action "{action}" turned out, so {shown} reports a '
                "finished fact: an event."
            )
        case "state":
            state = _quote(core[reading.start :])
            subject = _quote(core[reading.first : reading.start])
            if not subject:
                return f'"{state}" is a state something is now in, so {shown} reports it: an event.'
            return (
                f'"{state}" is a state that "{subject}" is now in, so {shown} reports what the '
                "sender observed: an event."
            )
        case "progressive":
            return (
                f'"{verb}" is an -ing form: work still in progress, neither a finished fact nor '
                f"an instruction, so {shown} is unclear."
            )
        case "gerund":
            return (
                f'"{verb}" is an -ing form describing something in progress, which is neither a '
                f"finished fact nor an instruction, so {shown} is unclear."
            )
        case "present":
            return (
                f'"{verb}" is in the present tense, which describes a habit or a state rather than '
                f"a finished fact or an instruction, so {shown} is unclear."
            )
    if label:
        return (
            f"No word in {shown} is a past-tense or imperative verb, and{label} is only a tag, so "
            "the name itself neither reports a fact nor asks for anything."
        )
    return (
        f"No word in {shown} is a past-tense or imperative verb, so the name describes a thing "
        "rather than a fact or a request and the grammatical test cannot decide."
    )


def _smell(name: _Name, event_fix: str | None, command_fix: str | None) -> str | None:
    reading = name.reading
    assert reading is not None
    if name.label_kind is None or reading.kind == UNCLEAR or reading.kind == name.label_kind:
        return None
    verb = _quote(name.core[reading.start : reading.end]) if reading.start is not None else ""
    label = name.label_text
    where = f'the suffix "{label}"' if name.suffix_words else f'the namespace "{label}"'
    if reading.kind == EVENT:
        fixes = _fixes(command_fix, event_fix, "asks for an action", "reports a fact")
        return (
            f'"{verb}" says this has already happened, yet {where} calls it a command: a name '
            f"cannot be both a request and a fact{fixes}."
        )
    fixes = _fixes(event_fix, command_fix, "reports a fact", "asks for an action")
    return (
        f'"{verb}" is an instruction, yet {where} calls it an event: a command in disguise{fixes}.'
    )


def _fixes(first: str | None, second: str | None, first_use: str, second_use: str) -> str:
    if first and second:
        return f", so call it {first} if it {first_use} or {second} if it {second_use}"
    return ""


# --------------------------------------------------------------------------------------------
# Renaming


def _verb_words(phrase: str) -> list[str | Word]:
    return list(phrase.split(" "))


def _renamed_core(name: _Name, target: str) -> list[str | Word] | None:
    reading = name.reading
    assert reading is not None
    core: list[str | Word] = list(name.core)
    if reading.start is None or reading.lemma is None:
        return None
    if reading.kind == UNCLEAR and reading.reason != "progressive":
        return None
    if reading.kind == target:
        return core
    start, end = reading.start, reading.end or reading.start + 1
    lemma = reading.lemma
    lead = [w for w in core[: reading.first] if w.lower not in FUNCTION_WORDS]  # type: ignore[union-attr]

    if target == EVENT:
        participle = _verb_words(past_participle(lemma))
        if reading.reason in ("verb_last", "dotted_action", "bare_verb", "label_decides"):
            return core[:start] + participle + core[end:]
        rest = core[end:]
        if reading.reason == "object_complement" and reading.complement is not None:
            split = max(reading.complement - end, 0)
        else:
            split = next(
                (i for i, w in enumerate(rest) if w.lower in PREPOSITIONS),  # type: ignore[union-attr]
                len(rest),
            )
        return lead + rest[:split] + participle + rest[split:]

    base = _verb_words(lemma)
    if reading.reason == "outcome_prefix":  # "SuccessfulCreate" came of "Create"
        return lead + base + core[reading.first + 2 :]
    if reading.reason == "outcome_middle":  # "VolumeFailedRecycle" came of "RecycleVolume"
        return lead + base + core[start + 2 :] + core[reading.first : start]
    if lemma in _OUTCOME_ONLY and reading.reason != "action_outcome":
        # "OrderFailedToShip" came of "ShipOrder"; "PaymentFailed" of "ProcessPayment", not of
        # "FailPayment".
        after = core[end:]
        if len(after) >= 2 and after[0].lower == "to" and lookup(after[1].lower).base:  # type: ignore[union-attr]
            action = lookup(after[1].lower).lemma or after[1].lower  # type: ignore[union-attr]
            return [*lead, *_verb_words(action), *after[2:], *core[reading.first : start]]
        return [*lead, "process", *core[reading.first : start], *core[end:]]
    if reading.reason == "past_ambiguous" and len(name.core) == 1:
        return base
    if reading.reason in ("past_first",) or (reading.reason == "past" and start == reading.first):
        return core[:start] + base + core[end:]
    if reading.reason == "past_with_object":
        return lead + base + core[end:]
    if reading.reason == "future":
        return lead + base + core[reading.first : start - 1] + core[end:]
    subject = core[reading.first : start]
    if reading.reason == "action_outcome":
        return lead + subject  # "SendEmailFailed" was the outcome of "SendEmail"
    return lead + base + subject + core[end:]


def _rename(name: _Name, target: str) -> str | None:
    new_core = _renamed_core(name, target)
    if new_core is None:
        return None
    parsed = name.parsed
    replacements: dict[int, list[str | Word]] = {}

    suffix = list(name.suffix_words)
    if suffix and name.label_kind not in (None, target):
        written = " ".join(word.lower for word in suffix)
        swapped = _LABEL_SWAP.get((name.label_kind, written))
        if swapped:
            suffix = _verb_words(swapped)
    segment = parsed.segments[name.segment]
    kept_versions = [w for p, w in enumerate(segment.words) if (name.segment, p) in name.dropped]
    replacements[name.segment] = new_core + suffix + kept_versions

    for index in name.label_segments:
        words = parsed.segments[index].words
        written = " ".join(word.lower for word in words)
        swapped = _LABEL_SWAP.get((name.label_kind, written)) if name.label_kind != target else None
        if swapped:
            replacements[index] = _verb_words(swapped)
    return render(parsed, replacements)


# --------------------------------------------------------------------------------------------
# Public API


def classify(name: str) -> Verdict:
    """Read a message name and say whether it is an event, a command or unclear, and why.

    Raises :class:`InvalidName` for empty or whitespace-only text, text over 200 characters and
    text without any letter.
    """
    text = _validate(name)
    understood = _understand(text)
    reading = understood.reading
    assert reading is not None

    # An ambiguous form is decided by context, and a command label is context: in
    # "PasswordResetRequest" the reset is the thing asked for.
    if (
        reading.kind == EVENT
        and reading.reason == "past_ambiguous"
        and understood.label_kind == COMMAND
    ):
        reading.kind, reading.reason, reading.form = COMMAND, "label_decides", "base"

    verb = None
    if reading.start is not None:
        verb = _quote(understood.core[reading.start : reading.end])

    if reading.reason == "label_decides":
        explanation = (
            f'"{verb}" could be an instruction or a past participle, and the suffix '
            f'"{understood.label_text}" marks {text} as a request, so here it reads as a command.'
        )
    else:
        explanation = _explain(understood)

    if reading.reason == "progressive":
        done, asked = _rename(understood, EVENT), _rename(understood, COMMAND)
        if done and asked:
            explanation += f" Call it {done} once it is done, or {asked} to ask for it."

    smell = None
    suggestion = None
    if reading.kind != UNCLEAR:
        event_fix = _rename(understood, EVENT)
        command_fix = _rename(understood, COMMAND)
        smell = _smell(understood, event_fix, command_fix)
        if smell is not None and understood.label_kind in (EVENT, COMMAND):
            suggestion = event_fix if understood.label_kind == EVENT else command_fix
        else:
            suggestion = command_fix if reading.kind == EVENT else event_fix

    return Verdict(
        name=text,
        kind=reading.kind,
        verb=verb,
        lemma=reading.lemma if verb else None,
        form=reading.form,
        explanation=explanation,
        smell=smell,
        suggestion=suggestion if suggestion != text else None,
    )


def suggest_rename(name: str, target: str) -> str | None:
    """Rename ``name`` so that it reads as ``target`` ("event" or "command"), keeping its style.

    ``SendEmail`` -> ``EmailSent``; ``OrderPlaced`` -> ``PlaceOrder``; ``place_order`` ->
    ``order_placed``; ``charge.refunded`` -> ``charge.refund``. A kind label is swapped too
    (``PlaceOrderCommand`` -> ``OrderPlacedEvent``). Returns the name unchanged when it already
    reads as ``target``, and None when the name has no verb to work with.
    """
    if target not in (EVENT, COMMAND):
        raise ValueError('target must be "event" or "command"')
    understood = _understand(_validate(name))
    return _rename(understood, target)
