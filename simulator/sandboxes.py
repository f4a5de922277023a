"""Reading and writing learners' sandboxes. The engine is rebuilt from the stored inputs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils import timezone

from learners.identity import Learner
from naming.shared import course_classifier
from simulator.engine import DomainError, Engine, Scenario, World, load_scenario
from simulator.engine.errors import WorldError
from simulator.models import PREDICTION_SKIPPED, Sandbox

# A sandbox is a list of inputs replayed on every connect; past this many, the learner resets.
MAX_INPUTS = 500


@dataclass(frozen=True)
class WorldChoice:
    """A world other than the order flow that a sandbox plays: a learner's own system.

    `key` names where it came from ("system:<token>"); `version` changes whenever its data
    does, so inputs made on one version are never replayed on another.
    """

    key: str
    title: str
    world: World
    version: str
    link: str = ""  # the page the world came from, for the way back

    @classmethod
    def of(cls, key: str, title: str, data: Mapping[str, Any], link: str = "") -> WorldChoice:
        try:
            world = World.from_data(data)
        except WorldError:
            raise DomainError("This system cannot be played in the simulator.") from None
        text = json.dumps(world.to_data(), sort_keys=True)
        return cls(key, title, world, hashlib.sha256(text.encode()).hexdigest()[:10], link)


# Where the worlds of a WorldChoice come from, by the prefix of their key. Each source maps the
# rest of the key to (title, world data, link) and raises DomainError for a key it does not
# know. Apps register theirs in ready(), so the simulator imports none of them.
WorldSource = Callable[[str], tuple[str, Mapping[str, Any], str]]
WORLD_SOURCES: dict[str, WorldSource] = {}


def register_world_source(prefix: str, lookup: WorldSource) -> None:
    WORLD_SOURCES[prefix] = lookup


def world_choice(key: str) -> WorldChoice:
    """The world a key names; DomainError when nobody knows it."""
    prefix, _, rest = key.partition(":")
    source = WORLD_SOURCES.get(prefix)
    if source is None or not rest:
        raise DomainError("There is no such system to open in the simulator.")
    title, data, link = source(rest)
    return WorldChoice.of(key, title, data, link)


def check_scenario(sandbox: Sandbox, name: str | None) -> None:
    """Refuses a scenario the sandbox cannot load, before anything is stopped or changed."""
    if name is None:
        return
    load_scenario(name)
    if sandbox.world_choice is not None:
        raise DomainError(
            "Guided scenarios play the order flow, not your system: open them from the"
            " simulator's own page."
        )


def sandbox_for(learner: Learner | None, world: str | None = None) -> Sandbox:
    """The learner's sandbox; an unsaved one, owned by nobody, for a visitor without a key.

    With `world` (a WorldChoice key), the learner's sandbox of that world, one per version of it:
    each system a learner runs keeps its own inputs, and the order flow's sandbox is untouched.
    """
    choice = world_choice(world) if world is not None else None
    name = f"{choice.key}@{choice.version}" if choice is not None else ""
    if learner is None:
        sandbox = Sandbox(world=name)
    else:
        sandbox, _ = Sandbox.objects.of(learner).get_or_create(world=name, defaults=learner.fields)
    sandbox.world_choice = choice
    return sandbox


def scenario_of(sandbox: Sandbox) -> Scenario | None:
    return load_scenario(sandbox.scenario) if sandbox.scenario else None


def engine_for(sandbox: Sandbox) -> Engine:
    """Replays the sandbox's inputs; the learner sees exactly what they saw before."""
    return Engine.from_inputs(
        sandbox.inputs,
        seed=sandbox.seed,
        world=world_of(sandbox),
        until=sandbox.until,
        classify_name=course_classifier,
    )


def world_of(sandbox: Sandbox) -> World | None:
    """The world the sandbox plays: its own system's, its scenario's, or (None) the order flow."""
    if sandbox.world_choice is not None:
        return sandbox.world_choice.world
    scenario = scenario_of(sandbox)
    return scenario.world() if scenario else None


def engine_at(engine: Engine, instant: int) -> Engine:
    """A copy of `engine` as it stood at `instant`: its inputs up to then, replayed."""
    return Engine.from_inputs(
        [i for i in engine.inputs if i["at"] <= instant],
        seed=engine.seed,
        world=engine.world,
        until=instant,
        classify_name=course_classifier,
    )


SHARE_SALT = "simulator.share"


def share_token(sandbox: Sandbox, engine: Engine, scheduled: list[dict] = ()) -> str:
    """A signed, compressed text that rebuilds exactly this run: scenario, seed and inputs.

    Signed so that a replay page only ever plays what this site produced. The inputs are those
    the engine applied (the scenario's own among them) and the scenario's still to come, each
    with its virtual time, so a run shared before its end replays to the same end.
    """
    inputs = [*engine.inputs, *(dict(i) for i in scheduled)]
    data = {"scenario": sandbox.scenario, "seed": sandbox.seed, "inputs": inputs}
    choice = sandbox.world_choice
    if choice is not None:
        # The world itself travels in the link, so the replay plays what was shared even after
        # the system is changed or deleted.
        data["world"] = {"key": choice.key, "title": choice.title, "data": choice.world.to_data()}
    return signing.dumps(data, salt=SHARE_SALT, compress=True)


def sandbox_from_share(token: str) -> Sandbox:
    """An unsaved sandbox that plays a shared run from its start; DomainError for a bad link."""
    try:
        data = signing.loads(token, salt=SHARE_SALT)
    except signing.BadSignature:
        raise DomainError("This replay link is incomplete or was changed.") from None
    inputs = data.get("inputs") if isinstance(data, dict) else None
    if not isinstance(inputs, list) or not isinstance(data.get("seed"), int):
        raise DomainError("This replay link is incomplete or was changed.")
    scenario = load_scenario(data["scenario"]) if data.get("scenario") else None
    sandbox = Sandbox(
        scenario=scenario.name if scenario else "",
        seed=data["seed"],
        inputs=[],
        until=0,
        scheduled=[dict(i) for i in inputs],
        prediction=PREDICTION_SKIPPED,
    )
    world = data.get("world")
    if isinstance(world, dict):
        sandbox.world_choice = WorldChoice.of(
            str(world.get("key")), str(world.get("title")), world.get("data") or {}
        )
    return sandbox


def engine_of_share(token: str) -> Engine:
    """The whole shared run, played to its end."""
    sandbox = sandbox_from_share(token)
    engine = Engine.from_inputs(
        sandbox.scheduled,
        seed=sandbox.seed,
        world=world_of(sandbox),
        classify_name=course_classifier,
    )
    engine.run()
    return engine


def _store(sandbox: Sandbox, values: dict, *, unless_changed_elsewhere: bool = False) -> bool:
    """Writes what play changes, and never the owner. False when nothing was written.

    At sign-in the row may be handed to the account, or deleted, while a tab of the anonymous
    session is still open. That tab's next save must neither take the row back nor fail: an
    update by primary key of these fields only does neither. `unless_changed_elsewhere` writes
    only if no other socket has written the row since this copy was read or saved; asking in the
    update itself takes one query where a look first took two.
    """
    rows = Sandbox.objects.filter(pk=sandbox.pk)
    if unless_changed_elsewhere:
        rows = rows.filter(updated_at=sandbox.updated_at)
    now = timezone.now()
    written = rows.update(**values, updated_at=now) > 0
    if written or not unless_changed_elsewhere:
        _take(sandbox, {**values, "updated_at": now})
    return written


def _take(sandbox: Sandbox, values: dict) -> None:
    """The in-memory copy takes what was written (or, unstored, what would have been)."""
    for name, value in values.items():
        setattr(sandbox, name, value)


@dataclass(frozen=True, slots=True)
class Progress:
    """What a sandbox's save writes, copied from its engine and runner at one moment.

    Taken on the socket's own thread, so that a save waiting its turn for the database writes
    what the learner had then, while the engine goes on playing.
    """

    inputs: list[dict]
    until: int
    scheduled: list[dict]

    @classmethod
    def of(cls, engine: Engine, scheduled: list[dict]) -> Progress:
        return cls(engine.inputs, engine.now, [dict(i) for i in scheduled])


def sandbox_save(*, sandbox: Sandbox, engine: Engine, scheduled: list[dict]) -> Sandbox:
    return save_progress(sandbox, Progress.of(engine, scheduled))


def save_progress(sandbox: Sandbox, progress: Progress, *, chosen: bool = False) -> Sandbox:
    """Stores how far the learner got, unless that would undo what another tab did.

    Two tabs of one learner each replay their own copy of the sandbox. A tab that made no input
    of its own since it last read or wrote the sandbox has only its clock to add; if another tab
    has written in the meantime, writing that stale copy back would erase the other tab's inputs,
    so it is skipped and the next connect shows the other tab's work. A tab that did make an
    input saves it: the latest thing the learner did wins. So does a rewind (`chosen`), which
    the caller has already written into `sandbox` and which may discard no input at all.
    """
    clock_only = progress.inputs == sandbox.inputs and not chosen
    if clock_only and sandbox.until == progress.until and sandbox.scheduled == progress.scheduled:
        return sandbox  # nothing happened since the last save: nothing to write
    values = {"inputs": progress.inputs, "until": progress.until, "scheduled": progress.scheduled}
    if sandbox.learner is None:
        _take(sandbox, values)
        return sandbox
    _store(sandbox, values, unless_changed_elsewhere=clock_only and sandbox.pk is not None)
    return sandbox


@transaction.atomic
def write_together(writes: list[Callable[[], Sandbox]]) -> list[Sandbox | Exception]:
    """Several sockets' writes (saves, resets) in one transaction; see live/group_commit.py.

    Each write has a savepoint of its own: one that fails is rolled back alone and its exception
    goes to its own socket, and the others are committed. Without it, one bad row (a NUL, which
    PostgreSQL refuses) failed the whole batch, every 50 ms, for everybody.
    """
    results: list[Sandbox | Exception] = []
    for write in writes:
        try:
            with transaction.atomic():
                results.append(write())
        except Exception as error:
            results.append(error)
    return results


def scenario_inputs_after(sandbox: Sandbox, instant: int) -> list[dict]:
    """The scenario's inputs still to come after `instant`; a learner's own are not replayed."""
    scenario = scenario_of(sandbox)
    if scenario is None:
        return []
    timed = [dict(i, at=i.get("at", 0)) for i in scenario.inputs]
    return [i for i in timed if i["at"] > instant]


RESTART_FIELDS = ("scenario", "seed", "inputs", "until", "scheduled", "prediction")


def sandbox_load_scenario(*, sandbox: Sandbox, name: str | None) -> Sandbox:
    """Starts over, empty or with a scenario whose inputs wait for their virtual time."""
    restart(sandbox, name)
    return store_restart(sandbox)


def restart(sandbox: Sandbox, name: str | None) -> Sandbox:
    """sandbox_load_scenario's change, made in memory only; store_restart writes it."""
    scenario = load_scenario(name) if name else None
    if sandbox.scenario != (scenario.name if scenario else ""):
        # A prediction belongs to one scenario's question; replaying the same one keeps it.
        sandbox.prediction = None
    sandbox.scenario = scenario.name if scenario else ""
    sandbox.seed = scenario.seed if scenario else 0
    sandbox.inputs = []
    sandbox.until = 0
    sandbox.scheduled = [dict(i, at=i.get("at", 0)) for i in scenario.inputs] if scenario else []
    return sandbox


def store_restart(sandbox: Sandbox) -> Sandbox:
    if sandbox.learner is not None:
        _store(sandbox, {name: getattr(sandbox, name) for name in RESTART_FIELDS})
    return sandbox


def store_prediction(sandbox: Sandbox, prediction: int) -> Sandbox:
    """Keeps the learner's prediction (or their choice to skip it) with the sandbox."""
    if sandbox.learner is not None:
        _store(sandbox, {"prediction": prediction})
    else:
        sandbox.prediction = prediction
    return sandbox


def _has_work(sandbox: Sandbox) -> bool:
    """Something was played or done in it; a scenario merely opened does not count."""
    return bool(sandbox.inputs) or sandbox.until > 0


@transaction.atomic
def sandbox_merge_into_user(*, learner_key: str, user) -> Sandbox | None:
    """At sign-in, keeps the better of the anonymous sandbox and the account's; drops the other.

    An account has one sandbox per world, so the two cannot be combined input by input (they
    may even be different scenarios). A sandbox with work in it beats an empty one; between two
    that both have work, or both have none, the one used last wins, which in practice is what
    the learner was doing just before signing in. Each world is settled on its own. Returns the
    account's sandbox of the simulator's own world after the merge, if any.
    """
    if not learner_key:
        return None
    account = Learner(user_id=user.pk)
    rows = Sandbox.objects.select_for_update()
    mine = {s.world: s for s in rows.of(account)}
    for anonymous in rows.of(Learner(session_key=learner_key)):
        kept = mine.get(anonymous.world)
        if kept is not None and (_has_work(kept), kept.updated_at) >= (
            _has_work(anonymous),
            anonymous.updated_at,
        ):
            anonymous.delete()
            continue
        if kept is not None:
            kept.delete()
        anonymous.give_to(account)
        anonymous.save(update_fields=["user", "session_key"])
        mine[anonymous.world] = anonymous
    return mine.get("")
