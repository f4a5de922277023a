"""The check language shared by scenarios, quizzes and levels."""

import pytest

from simulator.engine.predicates import CheckError, holds, shape_problem

from .conftest import place_order


@pytest.fixture
def engine(make_engine):
    engine = make_engine()
    engine.apply({"action": "set_online", "service": "Email", "online": False})
    place_order(engine)
    engine.run()
    return engine


def test_leaves_count_records_counters_and_funds(engine):
    assert holds({"where": {"step": "buffered", "to": "Email"}, "count": 3}, engine)
    assert holds({"where": {"step": "buffered", "to": "Email"}}, engine)
    assert not holds({"where": {"step": "dropped"}}, engine)
    assert holds({"counter": "Payment.cards_charged", "equals": 1}, engine)
    assert holds({"funds": "ada", "equals": 380}, engine)
    assert holds({"funds": "nobody", "max": 0}, engine)


def test_untouched_means_no_setting_fault_or_subscription_of_that_service(engine):
    assert holds({"untouched": "Order"}, engine)
    assert not holds({"untouched": "Email"}, engine)


def test_combinators(engine):
    yes = {"counter": "Payment.cards_charged", "equals": 1}
    no = {"counter": "Payment.cards_charged", "equals": 2}
    assert holds({"all": [yes, {"not": no}]}, engine)
    assert holds({"any": [no, yes]}, engine)
    assert holds(
        {"sequence": [{"step": "published", "message": "OrderPlaced"}, {"step": "sent"}]}, engine
    )
    assert not holds(
        {"sequence": [{"step": "published", "message": "OrderShipped"}, {"step": "sent"}]}, engine
    )


@pytest.mark.parametrize(
    "check",
    [
        [],
        {},
        {"where": {}, "counter": "a.b"},
        {"all": []},
        {"sequence": [1]},
        {"counter": "a.b", "most": 3},
        {"where": "delivered"},
        {"not": {"nothing": 1}},
    ],
)
def test_malformed_checks_are_named(check):
    assert shape_problem(check)


def test_an_unknown_leaf_raises_a_check_error(engine):
    with pytest.raises(CheckError):
        holds({"weather": "sunny"}, engine)
