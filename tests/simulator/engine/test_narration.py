"""Each record reads as one sentence, from the object or from its dict."""

from simulator.engine import STEP_KINDS, load_scenario, narrate
from simulator.engine.narration import _SENTENCES

from .conftest import fake_classify


def test_every_step_kind_has_its_own_sentence():
    assert set(_SENTENCES) == set(STEP_KINDS)


def test_a_sentence_starts_with_the_time_and_names_the_message():
    engine = load_scenario("order-flow").run(classify_name=fake_classify)
    for record in engine.trace:
        sentence = narrate(record)
        assert sentence.startswith(f"t={record.t} ")
        assert sentence.endswith(".")
        assert narrate(record.to_dict()) == sentence
        if record.message:
            assert record.message in sentence


def test_the_delivery_sentence_says_what_went_where():
    engine = load_scenario("order-flow").run(classify_name=fake_classify)
    delivered = next(r for r in engine.trace if r.step == "delivered" and r.to == "Email")
    assert narrate(delivered) == "t=41 OrderPlaced (event) from Order delivered to Email."
