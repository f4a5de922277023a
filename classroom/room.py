"""A classroom room: a log of records and the state they fold into. Pure Python, no Django.

The room is event-sourced, like the learner's sandbox. Every change is a record appended to the
room's log; the state is what the records fold into, so a learner who reconnects, a second server
process or the teacher's later review all rebuild the same room from the same log.

Requests to the room are themselves commands in the sense the course teaches: `act` may refuse
one with a reason (`RoomRefused`) and then appends nothing. What it accepts comes back as records
named in the past tense (`published`, `acknowledged`, `timed_out`), facts that cannot be refused.

Time is passed in (`now`, wall-clock milliseconds), never read here, so tests can drive a room's
clock and a command's wait can time out deterministically.

It is longer than the house's 500 lines on purpose: `act` decides each request against the state
that `fold` builds, and the two must agree record by record (a record `act` appends is folded the
moment it is written, and again on every reload); keeping both in one module keeps that pairing
checkable at a glance. What follows an answer (`judge`) and polls about the room's own run
(`room_questions`) are already modules of their own.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from classroom import judge, room_questions
from classroom.names import NameRefused, clean, looks_alike
from naming.shared import course_classifier
from simulator.engine import load_scenario
from simulator.engine.order_flow import ORDER_FLOW
from simulator.engine.world import World

TEACHER = "teacher"
COMMAND_TIMEOUT_MS = 30_000
MAX_PARTICIPANTS = 300
MAX_MESSAGES = 500
NAME_MAX = 30
REASON_MAX = 200
# A learner may take or leave roles this often in a minute: enough to try every role, too few
# for a script to flood the room's log and every screen with role changes.
ROLE_CHANGES_PER_MINUTE = 10
MESSAGE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,59}$")
# Records only the teacher and the learner concerned receive; the rest go to the whole room.
PRIVATE_RECORDS = {"acknowledged", "poll_answered"}


class RoomRefused(ValueError):
    """The room would not do what was asked; the message says why, in a learner's words.

    `records` holds what happened anyway before the refusal (time-outs that fell due).
    """

    records: list[dict] | tuple = ()


@dataclass(frozen=True)
class Catalogue:
    """What the room's world offers: topics and their subscribers, commands and their handlers."""

    topics: dict[str, tuple[str, ...]]
    events: dict[str, str]  # event name -> topic
    commands: dict[str, str]  # command name -> handling service
    publishers: dict[str, str]  # event name -> usual publisher
    senders: dict[str, str]  # command name -> usual sender

    @classmethod
    def from_world(cls, world: World, senders: Mapping[str, str] | None = None) -> Catalogue:
        topics = {t: s for t, s in world.topics.items() if s}
        events = {name: spec.topic for name, spec in world.events.items()}
        return cls(
            topics=topics,
            events=events,
            commands={name: spec.handler for name, spec in world.commands.items()},
            publishers={n: s.publisher or "Teacher" for n, s in world.events.items()},
            senders=dict(senders or {}),
        )

    @property
    def handlers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.commands.values()))

    def subscriptions(self) -> list[tuple[str, str]]:
        """Every (topic, service) pair a learner can play as a subscriber."""
        return [(topic, service) for topic, subs in self.topics.items() for service in subs]


@cache
def world_for(scenario_name: str) -> World:
    """The world the scenario's engine runs: the judge of what the room's flow does next."""
    return load_scenario(scenario_name).world() or World.from_data(ORDER_FLOW)


def opening_of(script: tuple[dict[str, str], ...]) -> list[dict[str, str]]:
    """The script's steps up to its first command: what the room starts from. Everything after
    that follows from what the learners do, as the judge decides."""
    opening = []
    for step in script:
        opening.append(dict(step))
        if step["verb"] == "send":
            break
    return opening


@cache
def script_for(scenario_name: str) -> tuple[Catalogue, tuple[dict[str, str], ...]]:
    """The room's catalogue and the messages the scenario sends and publishes, in order.

    The script comes from a real engine run of the scenario, so the room walks through the same
    flow the simulator shows; the learners in their roles stand in for the services.
    """
    scenario = load_scenario(scenario_name)
    engine = scenario.run(classify_name=course_classifier)
    world = world_for(scenario_name)
    steps: list[dict[str, str]] = []
    senders: dict[str, str] = {}
    for record in engine.trace:
        if record.step == "sent" and not record.detail.get("retry"):
            steps.append({"verb": "send", "name": record.message, "from": record.from_})
            senders.setdefault(record.message, record.from_)
        elif record.step == "published":
            steps.append({"verb": "publish", "name": record.message, "from": record.from_})
    # Cached per flow and shared by every room: callers copy the steps before keeping them.
    return Catalogue.from_world(world, senders), tuple(steps)


@dataclass
class RoomState:
    """Everything a room is at one moment; plain data so it can be stored as JSON."""

    code: str = ""
    scenario: str = "order-flow"
    title: str = ""
    status: str = "open"
    seq: int = 0
    public_seq: int = 0
    participants: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    script: list[dict[str, Any]] = field(default_factory=list)
    script_pos: int = 0
    # How many of the script's steps the room opened with; the rest came from the judge.
    opening: int = 0
    # Starting the script again begins a new run: outcomes of an earlier run branch nothing.
    run: int = 0
    # The order's status, as the world's projection reads the events published so far.
    order_status: str = ""
    poll: dict[str, Any] | None = None
    rotation: dict[str, int] = field(default_factory=dict)
    # Locked: nobody new may join. Banned: learners the teacher locked out, by their private id.
    locked: bool = False
    banned: list[str] = field(default_factory=list)
    catalogue: Catalogue | None = field(default=None, repr=False, compare=False)

    # -- reading ----------------------------------------------------------------------------

    @property
    def open(self) -> bool:
        return self.status == "open"

    def cat(self) -> Catalogue:
        if self.catalogue is None:
            self.catalogue, _ = script_for(self.scenario)
        return self.catalogue

    def name_of(self, pid: str) -> str:
        person = self.participants.get(pid)
        return person["name"] if person else "someone who left"

    def role_label(self, pid: str) -> str:
        role = (self.participants.get(pid) or {}).get("role")
        if not role:
            return ""
        if role["kind"] == "handler":
            return f"{role['service']}#{role['instance']}"
        return f"{role['service']} on {role['topic']}"

    def subscribers(self, topic: str) -> list[str]:
        return [
            pid
            for pid, p in self.participants.items()
            if p.get("role") and p["role"]["kind"] == "subscriber" and p["role"]["topic"] == topic
        ]

    def handlers(self, service: str) -> list[str]:
        found = [
            pid
            for pid, p in self.participants.items()
            if p.get("role") and p["role"]["kind"] == "handler" and p["role"]["service"] == service
        ]
        return sorted(found, key=lambda pid: self.participants[pid]["role"]["instance"])

    def pending_for(self, pid: str) -> list[dict[str, Any]]:
        """What is waiting for this learner: events to acknowledge, commands to answer."""
        waiting = []
        for message in self.messages.values():
            if message["kind"] == "event":
                due = message["deliveries"].get(pid) == "delivered"
            else:
                due = message["assignee"] == pid and message["status"] == "pending"
            if due:
                waiting.append(message)
        return waiting

    def next_step(self) -> dict[str, Any] | None:
        return self.script[self.script_pos] if self.script_pos < len(self.script) else None

    def world(self) -> World:
        return world_for(self.scenario)

    def awaited(self) -> dict[str, Any] | None:
        """The script's command of this run still waiting for its answer, if any."""
        for message in self.messages.values():
            if (
                message["kind"] == "command"
                and message["status"] == "pending"
                and message.get("scripted")
                and message.get("run", 0) == self.run
            ):
                return message
        return None

    def branch(self, message: Mapping[str, Any], outcome: str) -> dict[str, Any]:
        """What the world says follows this outcome, as fields for the outcome's record.

        Only a command the script sent in this run branches the script; one the teacher sent by
        hand, or one from before the script was started again, changes nothing that comes next.
        """
        if not message.get("scripted") or message.get("run", 0) != self.run:
            return {}
        return {"then": self.next_steps(message, outcome)}

    def next_steps(self, message: Mapping[str, Any], outcome: str) -> list[dict[str, Any]]:
        """What the world says follows `outcome` of the command `message`, in this room now."""
        return judge.after_command(
            self.world(),
            command=message["name"],
            sender=message["from"],
            handler=message["service"],
            outcome=outcome,
            attempt=message.get("attempt", 1),
            status=self.order_status,
        )

    def to_json(self) -> dict[str, Any]:
        data = {k: copy.deepcopy(v) for k, v in self.__dict__.items() if k != "catalogue"}
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RoomState:
        known = {k: copy.deepcopy(v) for k, v in data.items() if k in cls.__dataclass_fields__}
        known.pop("catalogue", None)
        return cls(**known)

    # -- changing ---------------------------------------------------------------------------

    def act(self, actor: str, action: str, fields: Mapping[str, Any], now: int) -> list[dict]:
        """Carries out one request; the records it appended (already applied), or RoomRefused.

        Commands whose wait has run out are settled first, so an answer that comes too late is
        refused as late rather than accepted.
        """
        decide = DECISIONS.get(action)
        if decide is None:
            raise RoomRefused(f"Unknown action {action!r}.")
        who, handler = decide
        if who == TEACHER and actor != TEACHER:
            raise RoomRefused("Only the teacher can do that.")
        if who == "learner" and actor == TEACHER:
            raise RoomRefused("That is for learners; the teacher runs the room.")
        records = self.settle(now)
        try:
            if not self.open:
                raise RoomRefused("This room is closed.")
            decided = handler(self, actor, dict(fields), now)
        except RoomRefused as refusal:
            # The time-outs above are already folded in: the caller must still log them.
            refusal.records = records
            raise
        for record in decided:
            records.append(self.record(record, now))
        return records

    def settle(self, now: int) -> list[dict]:
        """Times out every command whose sender has waited longer than it will.

        A closed room has stopped: nothing in it times out after its last record.
        """
        if not self.open:
            return []
        expired = [
            m
            for m in self.messages.values()
            if m["kind"] == "command" and m["status"] == "pending" and m["deadline"] <= now
        ]
        return [self.record(self._timed_out(m), now) for m in expired]

    def _timed_out(self, message: Mapping[str, Any]) -> dict[str, Any]:
        record = {"type": "timed_out", "mid": message["mid"], "pid": message["assignee"]}
        branch = self.branch(message, judge.TIMED_OUT)
        if branch:
            policy = self.world().policy_for(message["from"], message["name"])
            attempt = message.get("attempt", 1)
            record["attempt"] = attempt
            record["decision"] = (
                "retry"
                if attempt <= policy.retries
                else "compensate"
                if branch["then"]
                else "give_up"
            )
        return {**record, **branch}

    def record(self, record: dict[str, Any], now: int) -> dict[str, Any]:
        """Stamps a new record with the next sequence number and the time, and applies it.

        A record the whole room receives also carries `prev`, the sequence number of the room's
        previous such record, so a learner's socket can tell that one went missing on the way.
        """
        stamped = {"seq": self.seq + 1, "at": now, **record}
        if audience(stamped) is None:
            stamped["prev"] = self.public_seq
        self.apply(stamped)
        return stamped

    def apply(self, record: Mapping[str, Any]) -> None:
        """Folds one record into the state. Records are facts: applying one never refuses."""
        APPLY[record["type"]](self, record)
        self.seq = max(self.seq, record["seq"])
        if audience(record) is None:
            self.public_seq = max(self.public_seq, record["seq"])


def fold(records: list[Mapping[str, Any]], state: RoomState | None = None) -> RoomState:
    state = state or RoomState()
    for record in records:
        state.apply(record)
    return state


def audience(record: Mapping[str, Any]) -> str | None:
    """None when the whole room receives the record, else the one learner it concerns."""
    return record.get("pid") if record["type"] in PRIVATE_RECORDS else None


# -- deciding: each request is checked against the state and answered with new records ----------


def _text(fields: Mapping[str, Any], key: str, label: str, limit: int) -> str:
    value = fields.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RoomRefused(f"{label} is missing.")
    value = " ".join(value.split())
    if len(value) > limit:
        raise RoomRefused(f"{label} must be at most {limit} characters.")
    return value


def _message(state: RoomState, fields: Mapping[str, Any], kind: str) -> dict[str, Any]:
    mid = fields.get("mid")
    message = state.messages.get(mid) if isinstance(mid, str) else None
    if message is None or message["kind"] != kind:
        raise RoomRefused(f"There is no such {kind} in this room.")
    return message


def decide_join(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    """`fields["was"]` is the id this learner's session had in the room before, if any."""
    raw = fields.get("name")
    try:
        name = clean(raw) if isinstance(raw, str) else ""
    except NameRefused as refusal:
        raise RoomRefused(str(refusal)) from None
    name = _text({"name": name}, "name", "Your display name", NAME_MAX)
    if actor in state.participants:
        raise RoomRefused("You are already in this room.")
    if fields.get("was") in state.banned:
        raise RoomRefused("The teacher has removed you from this room.")
    if state.locked:
        raise RoomRefused("The teacher has locked this room: nobody new can join.")
    if any(p["name"].casefold() == name.casefold() for p in state.participants.values()):
        raise RoomRefused(f"Someone in this room is already called {name}; pick another name.")
    if any(looks_alike(p["name"], name) for p in state.participants.values()):
        raise RoomRefused(
            f"Someone in this room has a name that looks like {name}; pick another name."
        )
    if len(state.participants) >= MAX_PARTICIPANTS:
        raise RoomRefused(f"This room is full ({MAX_PARTICIPANTS} people).")
    return [{"type": "joined", "pid": actor, "name": name}]


def _check_role_rate(state: RoomState, actor: str, now: int) -> None:
    recent = [t for t in state.participants[actor].get("role_times", ()) if t > now - 60_000]
    if len(recent) >= ROLE_CHANGES_PER_MINUTE:
        raise RoomRefused(
            f"You have changed role {len(recent)} times in a minute; wait a little, then try."
        )


def decide_role(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    _check_role_rate(state, actor, now)
    kind = fields.get("kind")
    service = fields.get("service")
    catalogue = state.cat()
    if kind == "subscriber":
        topic = fields.get("topic")
        if (topic, service) not in catalogue.subscriptions():
            raise RoomRefused(f"{service} does not subscribe to {topic} in this flow.")
        role = {"kind": "subscriber", "service": service, "topic": topic}
    elif kind == "handler":
        if service not in catalogue.handlers:
            raise RoomRefused(f"{service} handles no command in this flow.")
        taken = [state.participants[p]["role"]["instance"] for p in state.handlers(service)]
        instance = next(n for n in range(1, len(taken) + 2) if n not in taken)
        role = {"kind": "handler", "service": service, "instance": instance}
    else:
        raise RoomRefused("A role is either a subscriber or a handler instance.")
    if state.participants[actor].get("role"):
        current = state.participants[actor]["role"]
        if all(current.get(k) == v for k, v in role.items() if k != "instance"):
            raise RoomRefused("You already have that role.")
    return [*hand_over(state, actor), {"type": "role_taken", "pid": actor, "role": role}]


def hand_over(state: RoomState, pid: str) -> list[dict]:
    """What `pid` held in their role, passed on as they stop playing it, so nobody waits on them.

    An event they had not acknowledged goes to someone else playing the same service on the same
    topic, if anyone does and has not had it; otherwise it is settled as released, unacknowledged.
    A command they had not answered goes to another instance of its service, as a broker would
    redeliver it; with none running it stays with nobody and its sender's time-out decides.
    """
    role = (state.participants.get(pid) or {}).get("role")
    if not role:
        return []
    records = []
    for message in state.messages.values():
        if message["kind"] == "event":
            if message["deliveries"].get(pid) != "delivered":
                continue
            others = [
                other
                for other in state.subscribers(message["topic"])
                if other != pid
                and other not in message["deliveries"]
                and state.participants[other]["role"]["service"] == role["service"]
            ]
        else:
            if message["assignee"] != pid or message["status"] != "pending":
                continue
            others = [other for other in state.handlers(message["service"]) if other != pid]
        to = others[0] if others else None
        records.append(
            {
                "type": "handed_over",
                "mid": message["mid"],
                "pid": pid,
                "name": state.name_of(pid),
                "to": to,
                "instance": state.role_label(to) if to else "",
            }
        )
    return records


def decide_leave_role(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    if not state.participants[actor].get("role"):
        raise RoomRefused("You have no role to leave.")
    _check_role_rate(state, actor, now)
    return [*hand_over(state, actor), {"type": "role_left", "pid": actor}]


def decide_leave(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    """A learner leaves for good (their account is deleted); what they held is handed over."""
    return [*hand_over(state, actor), {"type": "left", "pid": actor, "name": state.name_of(actor)}]


def _removal(state: RoomState, fields: Mapping[str, Any], *, banned: bool) -> dict[str, Any]:
    pid = fields.get("pid")
    if not isinstance(pid, str) or pid not in state.participants:
        raise RoomRefused("That person is not in the room any more.")
    return {"type": "removed", "pid": pid, "name": state.name_of(pid), "banned": banned}


def decide_remove(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    """The teacher sends someone out; they may join again with the code."""
    removal = _removal(state, fields, banned=False)
    return [*hand_over(state, removal["pid"]), removal]


def decide_lock_out(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    """The teacher sends someone out for good: this browser cannot join the room again."""
    removal = _removal(state, fields, banned=True)
    return [*hand_over(state, removal["pid"]), removal]


def decide_lock(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    if state.locked:
        raise RoomRefused("The room is already locked.")
    return [{"type": "locked"}]


def decide_unlock(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    if not state.locked:
        raise RoomRefused("The room is not locked.")
    return [{"type": "unlocked"}]


def _check_room_for_message(state: RoomState) -> None:
    if len(state.messages) >= MAX_MESSAGES:
        raise RoomRefused(f"This room has carried {MAX_MESSAGES} messages; open a new room.")


def decide_publish(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    name = _text(fields, "name", "The event's name", 60)
    topic = state.cat().events.get(name)
    if topic is None:
        raise RoomRefused(f"{name} is not an event of this flow.")
    _check_room_for_message(state)
    return [_published(state, name, topic, state.cat().publishers.get(name, "Teacher"))]


def _check_may_follow(state: RoomState, name: str) -> None:
    if not judge.may_follow(state.world(), state.order_status, name):
        raise RoomRefused(
            f"{name} cannot happen now: the order is {state.order_status}. "
            "Start the script again for a new order."
        )


def _published(state: RoomState, name: str, topic: str, sender: str) -> dict:
    _check_may_follow(state, name)
    return {
        "type": "published",
        "mid": f"r{len(state.messages) + 1}",
        "name": name,
        "topic": topic,
        "from": sender,
        "deliveries": state.subscribers(topic),
        "status": judge.status_after(state.world(), state.order_status, name),
    }


def decide_send(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    name = _text(fields, "name", "The command's name", 60)
    service = state.cat().commands.get(name)
    if service is None:
        raise RoomRefused(f"{name} is not a command of this flow.")
    _check_room_for_message(state)
    return [_sent(state, name, service, state.cat().senders.get(name, "Teacher"), now)]


def _sent(state: RoomState, name: str, service: str, sender: str, now: int) -> dict:
    """Competing consumers: the command goes to exactly one instance, taking turns."""
    instances = state.handlers(service)
    assignee = None
    if instances:
        turn = state.rotation.get(service, 0)
        assignee = instances[turn % len(instances)]
    return {
        "type": "sent",
        "mid": f"r{len(state.messages) + 1}",
        "name": name,
        "service": service,
        "from": sender,
        "pid": assignee,
        "instance": state.role_label(assignee) if assignee else "",
        "deadline": now + COMMAND_TIMEOUT_MS,
    }


def decide_next(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    """The script's next step. What comes after a command depends on its answer, so while the
    script has nothing else to do, the teacher waits for that answer (or its time-out)."""
    step = state.next_step()
    if step is None:
        awaited = state.awaited()
        if awaited is not None:
            who = state.name_of(awaited["assignee"]) if awaited["assignee"] else "nobody"
            raise RoomRefused(
                f"What comes next depends on the answer to {awaited['name']}, "
                f"held by {who}: wait for it, or for its time-out."
            )
        raise RoomRefused("The script is finished; load it again to start over.")
    _check_room_for_message(state)
    catalogue = state.cat()
    if step["verb"] == "publish":
        record = _published(state, step["name"], catalogue.events[step["name"]], step["from"])
    else:
        record = _sent(state, step["name"], catalogue.commands[step["name"]], step["from"], now)
        if step.get("attempt", 1) > 1:
            record["attempt"] = step["attempt"]
    return [{**record, "script_step": state.script_pos}]


def decide_restart_script(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    return [{"type": "script_restarted"}]


def decide_ack(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    message = _message(state, fields, "event")
    status = message["deliveries"].get(actor)
    if status is None:
        raise RoomRefused("That event was not delivered to you.")
    if status == "acknowledged":
        raise RoomRefused("You have already acknowledged that event.")
    return [{"type": "acknowledged", "mid": message["mid"], "pid": actor}]


def _held_command(state: RoomState, actor: str, fields: dict) -> dict:
    message = _message(state, fields, "command")
    if message["assignee"] != actor:
        raise RoomRefused("That command went to another instance, not to you.")
    if message["status"] == "timed_out":
        raise RoomRefused("Too late: the sender stopped waiting and the command timed out.")
    if message["status"] != "pending":
        raise RoomRefused("You have already answered that command.")
    return message


def decide_accept(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    message = _held_command(state, actor, fields)
    branch = state.branch(message, judge.ACCEPTED)
    return [{"type": "accepted", "mid": message["mid"], "pid": actor, **branch}]


def decide_reject(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    message = _held_command(state, actor, fields)
    reason = _text(fields, "reason", "A reason for the rejection", REASON_MAX)
    branch = state.branch(message, judge.REJECTED)
    return [{"type": "rejected", "mid": message["mid"], "pid": actor, "reason": reason, **branch}]


def decide_poll(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    """`fields["question"]` is resolved by the caller from the quiz banks; checked again here."""
    question = fields.get("question")
    if not isinstance(question, Mapping):
        raise RoomRefused("Pick a question to ask.")
    if question.get("computed") is True:
        try:
            question = room_questions.compute(state, str(question.get("id", "")))
        except room_questions.NothingToAsk as missing:
            raise RoomRefused(str(missing)) from None
    choices = question.get("choices")
    if not isinstance(choices, list | tuple) or not 2 <= len(choices) <= 8:
        raise RoomRefused("A poll needs between two and eight answers.")
    if state.poll and not state.poll["revealed"]:
        raise RoomRefused("Reveal the current poll's answer before asking another.")
    poll = {
        "id": str(question.get("id", "")),
        "prompt": str(question.get("prompt", "")),
        "choices": [str(c) for c in choices],
        "answer": int(question.get("answer", 0)),
        "explanation": str(question.get("explanation", "")),
    }
    if question.get("computed") is True:
        poll["computed"] = True
    return [{"type": "poll_opened", "poll": poll}]


def decide_answer(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    poll = state.poll
    if poll is None or poll["revealed"]:
        raise RoomRefused("There is no open poll to answer.")
    choice = fields.get("choice")
    if not isinstance(choice, int) or isinstance(choice, bool):
        raise RoomRefused("Pick one of the answers.")
    if not 0 <= choice < len(poll["choices"]):
        raise RoomRefused("That is not one of the answers.")
    return [{"type": "poll_answered", "pid": actor, "choice": choice}]


def decide_reveal(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    if state.poll is None or state.poll["revealed"]:
        raise RoomRefused("There is no open poll to reveal.")
    return [{"type": "poll_revealed", "counts": poll_counts(state.poll)}]


def decide_close(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
    return [{"type": "closed"}]


def poll_counts(poll: Mapping[str, Any]) -> list[int]:
    counts = [0] * len(poll["choices"])
    for choice in poll["answers"].values():
        counts[choice] += 1
    return counts


Decision = Callable[[RoomState, str, dict, int], list[dict]]
DECISIONS: dict[str, tuple[str, Decision]] = {
    "join": ("learner", decide_join),
    "role": ("learner", decide_role),
    "leave_role": ("learner", decide_leave_role),
    "ack": ("learner", decide_ack),
    "accept": ("learner", decide_accept),
    "reject": ("learner", decide_reject),
    "answer": ("learner", decide_answer),
    "leave": ("learner", decide_leave),
    "publish": (TEACHER, decide_publish),
    "send": (TEACHER, decide_send),
    "next": (TEACHER, decide_next),
    "restart_script": (TEACHER, decide_restart_script),
    "poll": (TEACHER, decide_poll),
    "reveal": (TEACHER, decide_reveal),
    "close": (TEACHER, decide_close),
    "remove": (TEACHER, decide_remove),
    "lock_out": (TEACHER, decide_lock_out),
    "lock": (TEACHER, decide_lock),
    "unlock": (TEACHER, decide_unlock),
}


def _guard_learner(decide: Decision) -> Decision:
    def guarded(state: RoomState, actor: str, fields: dict, now: int) -> list[dict]:
        if actor not in state.participants:
            raise RoomRefused("Join the room first.")
        return decide(state, actor, fields, now)

    return guarded


for _action, (_who, _decide) in list(DECISIONS.items()):
    if _who == "learner" and _action != "join":
        DECISIONS[_action] = (_who, _guard_learner(_decide))


# -- applying: records are facts, folded into the state without question ------------------------


def _apply_opened(state: RoomState, r: Mapping[str, Any]) -> None:
    state.code = r["code"]
    state.scenario = r["scenario"]
    state.title = r.get("title", "")
    state.catalogue = None
    state.script = [dict(s) for s in r.get("script", ())]
    state.script_pos = 0
    state.opening = len(state.script)


def _apply_joined(state: RoomState, r: Mapping[str, Any]) -> None:
    state.participants[r["pid"]] = {"name": r["name"], "role": None, "joined": r["seq"]}


def _note_role_change(person: dict[str, Any], at: int) -> None:
    person["role_times"] = [*person.get("role_times", ()), at][-ROLE_CHANGES_PER_MINUTE:]


def _apply_role_taken(state: RoomState, r: Mapping[str, Any]) -> None:
    if r["pid"] in state.participants:
        state.participants[r["pid"]]["role"] = dict(r["role"])
        _note_role_change(state.participants[r["pid"]], r.get("at", 0))


def _apply_role_left(state: RoomState, r: Mapping[str, Any]) -> None:
    if r["pid"] in state.participants:
        state.participants[r["pid"]]["role"] = None
        _note_role_change(state.participants[r["pid"]], r.get("at", 0))


def _apply_gone(state: RoomState, r: Mapping[str, Any]) -> None:
    """Someone left or was removed. Their name stays known to the log's sentences, which were
    written when each record was made; what they held was handed over just before."""
    state.participants.pop(r["pid"], None)
    if r.get("banned") and r["pid"] not in state.banned:
        state.banned.append(r["pid"])


def _apply_locked(state: RoomState, r: Mapping[str, Any]) -> None:
    state.locked = r["type"] == "locked"


def _apply_published(state: RoomState, r: Mapping[str, Any]) -> None:
    state.messages[r["mid"]] = {
        "mid": r["mid"],
        "name": r["name"],
        "kind": "event",
        "topic": r["topic"],
        "from": r["from"],
        "seq": r["seq"],
        "at": r["at"],
        "deliveries": dict.fromkeys(r["deliveries"], "delivered"),
    }
    state.order_status = r.get("status", state.order_status)
    _advance_script(state, r)


def _apply_sent(state: RoomState, r: Mapping[str, Any]) -> None:
    state.messages[r["mid"]] = {
        "mid": r["mid"],
        "name": r["name"],
        "kind": "command",
        "service": r["service"],
        "from": r["from"],
        "seq": r["seq"],
        "at": r["at"],
        "assignee": r["pid"],
        "instance": r["instance"],
        "deadline": r["deadline"],
        "status": "pending",
        "reason": "",
    }
    if "script_step" in r:
        state.messages[r["mid"]].update(scripted=True, run=state.run, attempt=r.get("attempt", 1))
    if r["pid"] is not None:
        state.rotation[r["service"]] = state.rotation.get(r["service"], 0) + 1
    _advance_script(state, r)


def _advance_script(state: RoomState, r: Mapping[str, Any]) -> None:
    if "script_step" in r:
        state.script_pos = r["script_step"] + 1


def _apply_script_restarted(state: RoomState, r: Mapping[str, Any]) -> None:
    if state.opening:
        del state.script[state.opening :]
    state.script_pos = 0
    state.run += 1
    state.order_status = ""


def _branch(state: RoomState, r: Mapping[str, Any]) -> None:
    """The judge's steps go first in what the script has left to do."""
    if "then" in r:
        at = state.script_pos
        state.script[at:at] = [dict(step) for step in r["then"]]


def _apply_acknowledged(state: RoomState, r: Mapping[str, Any]) -> None:
    message = state.messages.get(r["mid"])
    if message is not None:
        message["deliveries"][r["pid"]] = "acknowledged"


def _outcome(status: str) -> Callable[[RoomState, Mapping[str, Any]], None]:
    def apply(state: RoomState, r: Mapping[str, Any]) -> None:
        message = state.messages.get(r["mid"])
        if message is not None:
            message["status"] = status
            message["reason"] = r.get("reason", "")
        _branch(state, r)

    return apply


def _apply_handed_over(state: RoomState, r: Mapping[str, Any]) -> None:
    message = state.messages.get(r["mid"])
    if message is None:
        return
    if message["kind"] == "event":
        message["deliveries"][r["pid"]] = "released"
        if r["to"] is not None:
            message["deliveries"][r["to"]] = "delivered"
    else:
        message["assignee"] = r["to"]
        message["instance"] = r["instance"]


def _apply_poll_opened(state: RoomState, r: Mapping[str, Any]) -> None:
    state.poll = {**r["poll"], "answers": {}, "revealed": False, "counts": None}


def _apply_poll_answered(state: RoomState, r: Mapping[str, Any]) -> None:
    if state.poll is not None:
        state.poll["answers"][r["pid"]] = r["choice"]


def _apply_poll_revealed(state: RoomState, r: Mapping[str, Any]) -> None:
    if state.poll is not None:
        state.poll["revealed"] = True
        state.poll["counts"] = list(r["counts"])


def _apply_closed(state: RoomState, r: Mapping[str, Any]) -> None:
    state.status = "closed"


APPLY: dict[str, Callable[[RoomState, Mapping[str, Any]], None]] = {
    "opened": _apply_opened,
    "joined": _apply_joined,
    "role_taken": _apply_role_taken,
    "role_left": _apply_role_left,
    "published": _apply_published,
    "sent": _apply_sent,
    "script_restarted": _apply_script_restarted,
    "acknowledged": _apply_acknowledged,
    "accepted": _outcome("accepted"),
    "rejected": _outcome("rejected"),
    "timed_out": _outcome("timed_out"),
    "poll_opened": _apply_poll_opened,
    "poll_answered": _apply_poll_answered,
    "poll_revealed": _apply_poll_revealed,
    "closed": _apply_closed,
    "left": _apply_gone,
    "removed": _apply_gone,
    "locked": _apply_locked,
    "handed_over": _apply_handed_over,
    "unlocked": _apply_locked,
}


def opened_record(code: str, scenario_name: str, title: str) -> dict[str, Any]:
    """The first record of every room: its code, its flow and the script the teacher walks."""
    _, script = script_for(scenario_name)
    return {
        "type": "opened",
        "code": code,
        "scenario": scenario_name,
        "title": title,
        "script": opening_of(script),
    }
