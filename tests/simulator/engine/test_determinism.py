"""Same world, seed and inputs: the same trace, record for record."""

import pytest

from simulator.engine import Engine, load_scenario

from .conftest import fake_classify, place_order

INPUTS = [
    {"action": "set_instances", "service": "Payment", "count": 3},
    {"action": "send", "name": "PlaceOrder", "payload": {"amount": 40}},
    {"action": "duplicate_next", "at": 15},
    {"action": "set_online", "service": "Email", "online": False, "at": 20},
    {"action": "send", "name": "PlaceOrder", "payload": {"amount": 400}, "at": 35},
    {"action": "fail_next", "service": "Inventory", "count": 2, "at": 60},
    {"action": "set_online", "service": "Email", "online": True, "at": 900},
]


def dicts(engine):
    return [r.to_dict() for r in engine.trace]


def test_same_seed_same_inputs_same_trace():
    a = Engine.from_inputs(INPUTS, seed=11, classify_name=fake_classify)
    b = Engine.from_inputs(INPUTS, seed=11, classify_name=fake_classify)
    a.run()
    b.run()
    assert dicts(a) == dicts(b)
    assert a.counters() == b.counters()


def test_the_seed_matters_where_the_world_is_random():
    a = Engine.from_inputs(INPUTS, seed=1, classify_name=fake_classify)
    b = Engine.from_inputs(INPUTS, seed=2, classify_name=fake_classify)
    a.run()
    b.run()
    assert [r["t"] for r in dicts(a)] != [r["t"] for r in dicts(b)]


def test_a_live_session_is_rebuilt_exactly_from_its_recorded_inputs():
    live = Engine(seed=5, classify_name=fake_classify)
    place_order(live)
    live.step()
    live.step()
    live.run(until=70)
    live.apply({"action": "set_online", "service": "Fraud", "online": False})
    for _ in range(5):
        live.step()
    place_order(live, amount=10)
    live.run(until=2000)
    live.apply({"action": "set_online", "service": "Fraud", "online": True})
    live.run()
    assert all("at" in i for i in live.inputs)
    rebuilt = Engine.from_inputs(live.inputs, seed=5, classify_name=fake_classify)
    rebuilt.run()
    assert dicts(rebuilt) == dicts(live)


def test_every_scenario_is_deterministic():
    for name in ("payment-down", "competing-consumers", "replay"):
        scenario = load_scenario(name)
        first = scenario.run(classify_name=fake_classify)
        second = scenario.run(classify_name=fake_classify)
        assert dicts(first) == dicts(second)


def test_step_and_run_produce_the_same_trace():
    stepped = Engine.from_inputs(INPUTS, seed=3, classify_name=fake_classify)
    ran = Engine.from_inputs(INPUTS, seed=3, classify_name=fake_classify)
    produced = []
    while (records := stepped.step()) is not None:
        produced.extend(records)
    ran.run()
    assert dicts(stepped) == dicts(ran)
    assert stepped.step() is None
    assert not stepped.pending()


def test_a_sealed_trace_reads_exactly_like_an_open_one(monkeypatch):
    import simulator.engine.agenda as agenda

    open_engine = Engine.from_inputs(INPUTS, seed=4, classify_name=fake_classify)
    open_engine.run()
    monkeypatch.setattr(agenda, "SEAL_EVERY", 5)
    sealed = Engine.from_inputs(INPUTS, seed=4, classify_name=fake_classify)
    sealed.run()
    assert len(sealed.trace._sealed) > 3
    assert dicts(sealed) == dicts(open_engine)
    assert sealed.trace[-1] == open_engine.trace[-1]
    assert sealed.trace[3:40:4] == open_engine.trace[3:40:4]
    assert list(sealed.trace.since(10)) == open_engine.trace[10:]


def test_the_history_key_follows_the_inputs_and_their_times():
    from simulator.engine import Engine

    def keyed(*inputs):
        engine = Engine(seed=1)
        for item in inputs:
            engine.apply(item)
        return engine.history_key()

    order = {"action": "send", "name": "PlaceOrder"}
    assert keyed(order) == keyed(order)
    assert keyed(order) != keyed()
    assert keyed(order) != keyed(dict(order, at=50))
    assert keyed(order, order) != keyed(order)
    assert keyed() == ""


def test_engines_of_the_order_flow_share_its_world():
    from simulator.engine import Engine, load_scenario

    assert Engine(seed=1).world is Engine(seed=2).world
    scenario = load_scenario("order-flow")
    assert scenario.engine().world is scenario.engine().world


def _played_to_the_end(scenario):
    scenario.run()


def _dropped_mid_run(scenario):
    # Timeouts and deliveries are still on the agenda when a learner resets or a sandbox parks.
    engine = scenario.engine()
    for item in scenario.inputs:
        engine.apply(item)
    engine.run(until=engine.next_time() + 1)
    assert engine.next_time() is not None


@pytest.mark.parametrize("drop", [_played_to_the_end, _dropped_mid_run])
def test_a_dropped_engine_is_freed_without_the_garbage_collector(drop):
    import gc

    from simulator.engine import load_scenario

    scenario = load_scenario("order-flow")
    drop(scenario)
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        for _ in range(20):
            drop(scenario)  # made, played and dropped
        left = len(gc.get_objects()) - before
    finally:
        gc.enable()
    assert left < 20 * 10, f"{left} objects of dropped engines wait for the collector"
