"""The diagram draws every route a message takes, in both the wide and the tall layout."""

import pytest

from diagram import layout, layouts, queue_id, service_id
from simulator.engine import list_scenarios, load_scenario
from simulator.engine.world import MAX_INSTANCES, World
from simulator.presenter import log_lines

TRAVELS = {"sent", "published", "delivered", "redelivered", "replied", "rejected"}


def routes_of(name: str) -> list[dict]:
    scenario = load_scenario(name)
    engine = scenario.run()
    records = [step.to_dict() for step in engine.trace]
    return [line["route"] for line in log_lines(records, engine.world)]


@pytest.mark.parametrize("name", list_scenarios())
@pytest.mark.parametrize("shape", ["wide", "tall"])
def test_every_route_a_scenario_animates_is_drawn(name, shape):
    scenario = load_scenario(name)
    world = scenario.engine().world
    diagram = layout(world, shape, scenario.inputs)
    drawn = {(e.source, e.target) for e in diagram.edges}
    drawn |= {(target, source) for source, target in drawn}
    missing = [
        (r["step"], r["source"], r["target"])
        for r in routes_of(name)
        if r["step"] in TRAVELS
        and r["source"]
        and r["target"]
        and (r["source"], r["target"]) not in drawn
    ]
    assert missing == []


def test_each_kind_of_route_has_its_own_line():
    world = load_scenario("order-flow").engine().world
    kinds = {}
    edges = layout(world).edges
    for edge in edges:
        if not edge.later:
            kinds.setdefault(edge.kind, set()).add((edge.source, edge.target))
    assert ("svc-checkout", queue_id("Order")) in kinds["send"]
    assert ("svc-order", queue_id("Payment")) in kinds["send"]
    assert (queue_id("Payment"), "svc-payment") in kinds["endpoint"]
    assert ("svc-payment", "topic-payment-events") in kinds["publish"]
    assert ("svc-payment", "svc-order") in kinds["reply"]
    assert ("svc-order", "svc-checkout") in kinds["reply"]
    subscriptions = {t for s, t in kinds["subscription"] if s == "topic-order-events"}
    assert subscriptions == {service_id(s) for s in world.topics["order-events"]}
    # Loyalty has rules for OrderPlaced but no subscription yet: its line waits, hidden.
    later = {(e.source, e.target) for e in edges if e.later}
    assert ("topic-order-events", "svc-loyalty") in later


def test_handlers_have_a_slot_for_every_instance_they_can_run():
    world = load_scenario("order-flow").engine().world
    for diagram in layouts(world):
        payment = diagram.node("svc-payment")
        slots = payment.instance_slots
        assert [s["number"] for s in slots] == list(range(1, MAX_INSTANCES + 1))
        for slot in slots:
            assert payment.x <= slot["x"]
            assert slot["x"] + slot["w"] <= payment.x + payment.w
            assert payment.y <= slot["y"]
            assert slot["y"] + slot["h"] <= payment.y + payment.h
        assert diagram.node("svc-email").instance_slots == []


@pytest.mark.parametrize("shape", ["wide", "tall"])
def test_no_two_boxes_overlap(shape):
    diagram = layout(load_scenario("order-flow").engine().world, shape)
    boxes = [(n.id, n.x, n.y, n.x + n.w, n.y + n.h) for n in diagram.nodes]
    for i, (a, ax1, ay1, ax2, ay2) in enumerate(boxes):
        assert ax1 >= 0, a
        assert ax2 <= diagram.width, a
        assert ay2 <= diagram.height, a
        for b, bx1, by1, bx2, by2 in boxes[i + 1 :]:
            assert ax2 <= bx1 or bx2 <= ax1 or ay2 <= by1 or by2 <= ay1, (a, b)


def test_the_order_flow_is_drawn_whole():
    from diagram import drawable
    from simulator.engine import default_world

    world = default_world()
    assert drawable(world) == (world, "")


# A world as a learner's own system becomes one: it never names the engine's default topic.
DINER = {
    "name": "diner",
    "default_sender": "Till",
    "services": {"Till": {}, "Kitchen": {}, "Waiter": {}},
    "topics": {"kitchen-events": ["Waiter"]},
    "events": {"MealCooked": {"topic": "kitchen-events", "publisher": "Kitchen"}},
    "commands": {"CookMeal": {"handler": "Kitchen"}},
    "rules": [
        {"service": "Kitchen", "on": "CookMeal", "then": [{"publish": "MealCooked"}]},
        {"service": "Waiter", "on": "MealCooked"},
    ],
}


def topics_drawn(diagram) -> list[str]:
    return [n.id for n in diagram.nodes if n.kind == "topic"]


@pytest.mark.parametrize("shape", ["wide", "tall"])
def test_a_default_topic_nothing_uses_is_not_drawn(shape):
    world = World.from_data(DINER)
    assert world.default_topic in world.topics
    assert topics_drawn(layout(world, shape)) == ["topic-kitchen-events"]


@pytest.mark.parametrize("shape", ["wide", "tall"])
def test_the_default_topic_is_drawn_once_something_uses_it(shape):
    published = [{"action": "publish", "name": "TableCleared", "from": "Waiter"}]
    diagram = layout(World.from_data(DINER), shape, published)
    assert topics_drawn(diagram) == ["topic-kitchen-events", "topic-custom-events"]
    assert ("svc-waiter", "topic-custom-events") in {(e.source, e.target) for e in diagram.edges}
    listening = World.from_data({**DINER, "topics": {**DINER["topics"], "custom-events": ["Till"]}})
    assert "topic-custom-events" in topics_drawn(layout(listening, shape))
    declared = World.from_data(
        {**DINER, "events": {**DINER["events"], "TableCleared": {"publisher": "Waiter"}}}
    )
    assert "topic-custom-events" in topics_drawn(layout(declared, shape))


def test_the_order_flow_keeps_the_topic_a_learners_own_events_go_to():
    world = load_scenario("order-flow").engine().world
    for diagram in layouts(world):
        assert "topic-custom-events" in topics_drawn(diagram)
    # Where nobody can publish a name of their own (the classroom), it is left out.
    for diagram in layouts(world, own_names=False):
        assert "topic-custom-events" not in topics_drawn(diagram)
