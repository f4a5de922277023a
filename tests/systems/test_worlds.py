import pytest

from simulator.engine.core import Engine
from simulator.engine.world import World
from systems.design import QUEUE, TOPIC, Design, Route
from systems.loading import load
from systems.mapping import to_design
from systems.worlds import to_world, world_data
from tests.systems.helpers import PUBLIC, read


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_document_maps_to_a_valid_engine_world(name):
    world = to_world(to_design(load(read(name))))
    assert isinstance(world, World)
    assert world.events or world.commands


def test_events_become_topics_and_commands_get_one_handler(reply_document):
    design = to_design(load(reply_document))
    world = to_world(design)
    assert world.commands["ChargeCard"].handler == "Payments"
    assert world.events["CardCharged"].topic == "payment-results"
    assert world.rule_for("Payments", "ChargeCard").then


def test_a_name_used_twice_keeps_its_first_route_and_says_so():
    design = Design(
        title="T",
        application="Shop",
        routes=[
            Route("PlaceOrder", "a", QUEUE, "Shop", ("Orders",)),
            Route("PlaceOrder", "b", TOPIC, "Shop", ("Email",)),
        ],
    )
    data, notes = world_data(design)
    assert data["commands"] == {"PlaceOrder": {"handler": "Orders"}}
    assert "only its first use" in notes[0]
    World.from_data(data)


def test_the_mapped_world_runs_in_the_engine(reply_document):
    world = to_world(to_design(load(reply_document)))
    engine = Engine(world=world, seed=1)
    engine.apply({"action": "send", "name": "ChargeCard", "payload": {}})
    steps = [(s.step, s.message) for s in engine.run(until=5_000)]
    assert ("handled", "ChargeCard") in steps
    assert ("published", "CardCharged") in steps
