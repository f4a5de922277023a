"""Claims about the order flow in lessons and the cheat sheet are held against the engine.

Each kind of contradiction has its own check id; planting one in a copy of the real content must
raise exactly that id, and changing the engine's world under unchanged text must fail too.
"""

import copy
import shutil
from pathlib import Path

import pytest

from courseware.checks import check_content
from courseware.content import CONTENT_DIR
from courseware.flow import generated_blocks, order_flow_facts
from courseware.lesson_pages import markdown_html
from simulator.engine import Engine, load_scenario
from simulator.engine.facts import flow_facts
from simulator.engine.order_flow import ORDER_FLOW
from simulator.engine.world import World

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "simulator" / "scenarios"


@pytest.fixture
def content(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def plant(content: Path, sentence: str) -> list[str]:
    lesson = content / "lessons" / "10-order-flow.md"
    lesson.write_text(lesson.read_text() + "\n\n" + sentence + "\n")
    return [e.id for e in check_content(content_dir=content, scenarios_dir=SCENARIOS)]


@pytest.mark.parametrize(
    ("sentence", "error_id"),
    [
        ("[Checkout](flow:sender/ProcessPayment) asks for the money.", "courseware.E021"),
        ("It goes to [Fulfillment](flow:handler/ProcessPayment).", "courseware.E022"),
        (
            "Copies go to [Email, Inventory, Analytics and Fraud](flow:subscribers/OrderPlaced).",
            "courseware.E023",
        ),
        (
            "Copies go to [Order, Email, Inventory, Analytics, Fraud and Customer App]"
            "(flow:subscribers/OrderPlaced).",
            "courseware.E023",
        ),
        ("The topic makes [six](flow:copies/OrderPlaced) copies.", "courseware.E024"),
        ("It is published to [order-events](flow:topic/PaymentCompleted).", "courseware.E025"),
        ("Order sends it because of [PlaceOrder](flow:cause/ProcessPayment).", "courseware.E026"),
        ("[Someone](flow:sender/ChargeCard) sends it.", "courseware.E020"),
        ("[Order](flow:landlord/OrderPlaced) owns it.", "courseware.E020"),
        ("[many](flow:copies/OrderPlaced) copies.", "courseware.E020"),
        ("[Order](flow:handler/OrderPlaced) handles it.", "courseware.E020"),
        ("::: order-flow-sideways", "courseware.E027"),
    ],
)
def test_each_kind_of_contradiction_has_its_own_id(content, sentence, error_id):
    assert plant(content, sentence) == [error_id]


@pytest.mark.parametrize(
    "sentence",
    [
        "[Order](flow:sender/ProcessPayment) asks for the money.",
        "To [Fraud, Analytics, Inventory, Email and Order](flow:subscribers/OrderPlaced).",
        "The topic makes [5](flow:copies/OrderPlaced) copies.",
        "The topic makes [**five**](flow:copies/OrderPlaced) copies.",
        "Order acts on [OrderPlaced](flow:cause/ProcessPayment).",
    ],
)
def test_claims_that_agree_with_the_run_pass(content, sentence):
    assert plant(content, sentence) == []


def facts_of(world_data: dict):
    """The facts of the order-flow scenario played in another world."""
    scenario = load_scenario("order-flow")
    engine = Engine(World.from_data(world_data), seed=scenario.seed)
    for item in scenario.inputs:
        engine.apply(dict(item))
    engine.run()
    return flow_facts(engine.world, engine)


def test_changing_a_subscription_in_the_world_without_the_text_fails_the_check():
    world = copy.deepcopy(ORDER_FLOW)
    world["topics"]["payment-events"].remove("Email")
    errors = check_content(content_dir=CONTENT_DIR, scenarios_dir=SCENARIOS, facts=facts_of(world))
    assert "courseware.E023" in {e.id for e in errors}
    assert any("PaymentCompleted" in e.msg for e in errors)


def test_changing_who_sends_a_command_without_the_text_fails_the_check():
    world = copy.deepcopy(ORDER_FLOW)
    # Checkout, not Order, asks for the money: the design the lessons once described.
    for rule in world["rules"]:
        if rule["service"] == "Order" and rule["on"] == "OrderPlaced":
            rule["then"] = []
    world["rules"].append(
        {"service": "Checkout", "on": "OrderPlaced", "then": [{"send": "ProcessPayment"}]}
    )
    world["topics"]["order-events"].append("Checkout")
    errors = check_content(content_dir=CONTENT_DIR, scenarios_dir=SCENARIOS, facts=facts_of(world))
    found = {e.id for e in errors}
    assert {"courseware.E021", "courseware.E023"} <= found


def test_the_lesson_table_is_drawn_from_the_run():
    table = generated_blocks()["order-flow-steps"]
    facts = order_flow_facts()
    assert facts.played == (
        "PlaceOrder",
        "OrderPlaced",
        "ProcessPayment",
        "PaymentCompleted",
        "ShipOrder",
        "OrderShipped",
    )
    row = next(line for line in table.splitlines() if "| ProcessPayment |" in line)
    assert "| Order, on hearing OrderPlaced |" in row
    html = markdown_html("Intro\n\n::: order-flow-steps\n")
    assert html.count("<tr>") == 7
    assert "topic <code>payment-events</code>: Order, Email, Accounting, Analytics" in html


def test_a_claim_reads_as_plain_text():
    html = str(markdown_html("Sent by [Order](flow:sender/ProcessPayment) today."))
    assert "flow:" not in html
    assert "<span>Order</span>" in html
