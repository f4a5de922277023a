"""Snapshots are plain data, and restoring one gives back the same engine."""

import json

import pytest

from simulator.engine import Engine, InvalidInput, World

from .conftest import fake_classify, place_order


def busy_engine():
    engine = Engine(seed=9, classify_name=fake_classify)
    engine.apply({"action": "set_online", "service": "Email", "online": False})
    place_order(engine)
    engine.run(until=150)
    engine.step()
    engine.step()
    return engine


def test_a_snapshot_is_json_and_restores_the_same_state():
    engine = busy_engine()
    data = json.loads(json.dumps(engine.snapshot()))
    restored = Engine.restore(data, classify_name=fake_classify)
    assert restored.now == engine.now
    assert [r.to_dict() for r in restored.trace] == [r.to_dict() for r in engine.trace]
    assert restored.state_view() == engine.state_view()
    assert restored.counters() == engine.counters()
    assert restored.snapshot() == engine.snapshot()


def test_a_restored_engine_continues_exactly_like_the_original():
    engine = busy_engine()
    restored = Engine.restore(engine.snapshot(), classify_name=fake_classify)
    for e in (engine, restored):
        e.apply({"action": "set_online", "service": "Email", "online": True, "at": 1500})
        e.run()
    assert [r.to_dict() for r in restored.trace] == [r.to_dict() for r in engine.trace]


def test_a_snapshot_carries_a_custom_world():
    world = World.from_data(
        {
            "services": {"A": {}, "B": {}},
            "topics": {"t": ["B"]},
            "events": {"ThingHappened": {"topic": "t", "publisher": "A"}},
            "rules": [{"service": "B", "on": "ThingHappened", "effects": {"seen": 1}}],
        }
    )
    engine = Engine(world, seed=1, classify_name=fake_classify)
    engine.apply({"action": "publish", "name": "ThingHappened"})
    engine.run()
    restored = Engine.restore(engine.snapshot(), classify_name=fake_classify)
    assert restored.counters()["B"]["seen"] == 1


@pytest.mark.parametrize("bad", [{}, {"format": 1}, {"format": 99, "inputs": []}, "nope"])
def test_a_broken_snapshot_is_refused_clearly(bad):
    with pytest.raises(InvalidInput, match="snapshot"):
        Engine.restore(bad)
