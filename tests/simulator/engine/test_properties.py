"""Invariants over random worlds and random fault schedules (hypothesis).

Each example builds a world from data (subscribers, topics, a handler with competing
instances), plays a random schedule of messages and faults, then brings every service back online
and runs until nothing is left, so every buffered message has had its chance.
"""

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.engine import Engine, World
from simulator.engine.broker import DUPLICATE_REASON

from .conftest import fake_classify

SUBSCRIBERS = ["S1", "S2", "S3", "S4"]
EVENTS = ["ThingHappened", "ThingChanged"]


@st.composite
def worlds(draw):
    subscribers = SUBSCRIBERS[: draw(st.integers(1, len(SUBSCRIBERS)))]
    topics = {
        "t1": draw(st.lists(st.sampled_from(subscribers), unique=True)),
        "t2": draw(st.lists(st.sampled_from(subscribers), unique=True)),
    }
    naive = draw(st.sets(st.sampled_from([*subscribers, "Handler"])))
    data = {
        "latency_ms": draw(st.integers(0, 10)),
        "jitter_ms": draw(st.integers(0, 8)),
        "work_ms": draw(st.integers(1, 30)),
        "slow_extra_ms": draw(st.integers(0, 600)),
        "dispatch": draw(st.sampled_from(["round_robin", "random"])),
        "default_sender": "Producer",
        "services": {
            "Producer": {},
            "Handler": {"instances": draw(st.integers(1, 4)), "idempotent": "Handler" not in naive},
            **{s: {"idempotent": s not in naive} for s in subscribers},
        },
        "topics": topics,
        "events": {"ThingHappened": {"topic": "t1"}, "ThingChanged": {"topic": "t2"}},
        "commands": {"DoThing": {"handler": "Handler"}},
        "rules": [
            {"service": "Handler", "on": "DoThing", "effects": {"done": 1}},
            *({"service": s, "on": "*", "effects": {"seen": 1}} for s in subscribers),
        ],
        "default_policy": {
            "timeout_ms": draw(st.integers(50, 400)),
            "retries": draw(st.integers(0, 2)),
            "backoff_ms": 50,
        },
    }
    return data


def inputs(services):
    service = st.sampled_from(services)
    publish = st.fixed_dictionaries({"action": st.just("publish"), "name": st.sampled_from(EVENTS)})
    send = st.fixed_dictionaries({"action": st.just("send"), "name": st.just("DoThing")})
    # Messages are listed three times so that they outnumber the faults acting on them.
    return st.one_of(
        publish,
        publish,
        publish,
        send,
        send,
        send,
        st.fixed_dictionaries(
            {"action": st.just("set_online"), "service": service, "online": st.booleans()}
        ),
        st.fixed_dictionaries(
            {"action": st.just("set_slow"), "service": service, "slow": st.booleans()}
        ),
        st.fixed_dictionaries(
            {"action": st.just("fail_next"), "service": service, "count": st.integers(0, 7)}
        ),
        st.fixed_dictionaries(
            {
                "action": st.just("set_instances"),
                "service": st.just("Handler"),
                "count": st.integers(1, 4),
            }
        ),
        st.fixed_dictionaries({"action": st.just("duplicate_next")}),
        st.fixed_dictionaries({"action": st.just("duplicate_next"), "service": service}),
        st.fixed_dictionaries({"action": st.just("drop_next")}),
        st.fixed_dictionaries({"action": st.just("drop_next"), "service": service}),
        st.fixed_dictionaries({"action": st.just("delay_next"), "by": st.integers(1, 500)}),
    )


@st.composite
def scenarios(draw):
    data = draw(worlds())
    services = ["Handler", *[s for s in SUBSCRIBERS if s in data["services"]]]
    steps = draw(st.lists(st.tuples(st.integers(0, 300), inputs(services)), max_size=25))
    t, schedule = 0, []
    for gap, item in steps:
        t += gap
        schedule.append({**item, "at": t})
    seed = draw(st.integers(0, 2**16))
    return data, schedule, seed


def play(data, schedule, seed):
    engine = Engine(World.from_data(data), seed=seed, classify_name=fake_classify)
    for item in schedule:
        engine.apply(item)
    end = max([engine.now, *(i["at"] for i in schedule)]) + 1
    for service in data["services"]:
        engine.apply({"action": "set_online", "service": service, "online": True, "at": end})
        engine.apply({"action": "set_slow", "service": service, "slow": False, "at": end})
        engine.apply({"action": "fail_next", "service": service, "count": 0, "at": end})
    engine.run()
    return engine


PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def base(label):
    return label.split("#")[0] if label else label


@PROPERTY_SETTINGS
@given(scenarios())
def test_every_event_reaches_every_subscription_once_per_copy(case):
    data, schedule, seed = case
    engine = play(data, schedule, seed)
    records = list(engine.trace)
    lost_in_transit = {r.id for r in records if r.step == "dropped" and r.to in ("t1", "t2")}
    published = [r for r in records if r.step == "published"]
    outcomes = Counter()
    copies = Counter()
    handled = Counter()
    for r in records:
        if r.kind != "event":
            continue
        key = (r.id, base(r.to))
        if r.step in ("handled", "duplicate_ignored") or (
            r.step == "dropped" and r.to not in ("t1", "t2")
        ):
            outcomes[key] += 1
        if r.step == "handled":
            handled[key] += 1
        if r.step == "redelivered" and r.get("reason") == DUPLICATE_REASON:
            copies[key] += 1
    for event in published:
        if event.id in lost_in_transit:
            assert not any(k[0] == event.id for k in outcomes)
            continue
        for subscriber in data["topics"][event.detail["topic"]]:
            key = (event.id, subscriber)
            assert outcomes[key] == 1 + copies[key], (key, outcomes[key], copies[key])
            if data["services"][subscriber]["idempotent"]:
                assert handled[key] <= 1


@PROPERTY_SETTINGS
@given(scenarios())
def test_every_command_ends_once_and_idempotent_handlers_work_once(case):
    data, schedule, seed = case
    engine = play(data, schedule, seed)
    records = list(engine.trace)
    sent = [r for r in records if r.step == "sent"]
    endings = Counter(
        r.id
        for r in records
        if r.step in ("replied", "rejected") or (r.step == "timed_out" and r.get("final"))
    )
    for command in sent:
        assert endings[command.id] == 1, command.id
        reached = [
            r
            for r in records
            if r.id == command.id and r.step in ("delivered", "redelivered", "dropped")
        ]
        assert reached, f"{command.id} vanished without a trace"
    per_command = Counter(r.id for r in records if r.kind == "command" and r.step == "handled")
    if data["services"]["Handler"]["idempotent"]:
        assert all(n == 1 for n in per_command.values())
    for r in records:
        if r.kind == "command" and r.step in ("delivered", "redelivered", "handled"):
            assert base(r.to) == "Handler"
            assert r.to.count("#") <= 1


@PROPERTY_SETTINGS
@given(scenarios())
def test_nothing_is_left_behind_and_the_books_balance(case):
    data, schedule, seed = case
    engine = play(data, schedule, seed)
    view = engine.state_view()
    for name, service in view["services"].items():
        assert service["buffered"] == 0, name
        assert service["busy"] == 0, name
    counts = engine.counters()
    for name in data["services"]:
        c = counts[name]
        assert c["handled"] + c.get("duplicates_ignored", 0) <= c["received"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_same_seed_same_trace_and_rebuild_from_inputs(case):
    data, schedule, seed = case
    first = play(data, schedule, seed)
    second = play(data, schedule, seed)
    assert [r.to_dict() for r in first.trace] == [r.to_dict() for r in second.trace]
    rebuilt = Engine.from_inputs(
        first.inputs, seed=seed, world=World.from_data(data), classify_name=fake_classify
    )
    rebuilt.run()
    assert [r.to_dict() for r in rebuilt.trace] == [r.to_dict() for r in first.trace]


@PROPERTY_SETTINGS
@given(scenarios())
def test_every_service_counts_the_messages_waiting_in_its_buffers(case):
    # The broker keeps that count itself, so an instance going idle knows whether to look for
    # work; a move between buffers it forgot would leave a message waiting for ever.
    data, schedule, seed = case
    engine = Engine(World.from_data(data), seed=seed, classify_name=fake_classify)

    def check():
        for name, service in engine.state_view()["services"].items():
            assert engine._services[name].queued == service["buffered"], name

    for item in schedule:
        while engine.next_time() is not None and engine.next_time() <= item["at"]:
            engine.step()
            check()
        engine.apply(item)
        check()
    while engine.step() is not None:
        check()
