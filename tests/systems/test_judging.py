from systems.design import QUEUE, TOPIC, Design, Route
from systems.judging import (
    COMMAND_IN_DISGUISE,
    EVENT_IN_DISGUISE,
    LABEL_CONTRADICTION,
    MIXED_CHANNEL,
    REPLY_LIKE_COMMAND,
    judge,
)
from systems.loading import load
from systems.mapping import to_design


def design_of(*routes):
    return Design(title="T", application="Shop", routes=list(routes))


def codes(judgement):
    return [smell.code for smell in judgement.smells]


def test_an_imperative_name_on_a_topic_is_a_command_in_disguise():
    [j] = judge(design_of(Route("ShipOrder", "orders", TOPIC, "Shop", ("Warehouse",))))
    assert (j.kind_by_name, j.kind_by_shape, j.kind) == ("command", "event", "event")
    assert codes(j) == [COMMAND_IN_DISGUISE]
    assert j.rename == "OrderShipped"
    assert "published" in j.shape_reason


def test_a_past_tense_name_on_a_queue_is_an_event_in_disguise():
    [j] = judge(design_of(Route("OrderShipped", "ship", QUEUE, "Shop", ("Warehouse",))))
    assert (j.kind_by_name, j.kind_by_shape) == ("event", "command")
    assert codes(j) == [EVENT_IN_DISGUISE]
    assert j.rename == "ShipOrder"


def test_a_request_with_a_reply_is_command_shaped_and_its_reply_is_judged(reply_document):
    judgements = {j.route.message: j for j in judge(to_design(load(reply_document)))}
    assert judgements["ChargeCard"].kind_by_shape == "command"
    assert judgements["ChargeCard"].smells == []
    assert judgements["CardCharged"].kind_by_shape == "unclear"
    assert judgements["CardCharged"].kind == "event"
    assert judgements["CardCharged"].smells == []
    assert codes(judgements["RefundCard"]) == [REPLY_LIKE_COMMAND]
    assert judgements["RefundCard"].rename == "CardRefunded"


def test_a_channel_carrying_both_kinds_is_flagged_on_each_message():
    judgements = judge(
        design_of(
            Route("OrderPlaced", "orders", TOPIC, "Shop", ("Email",)),
            Route("CancelOrder", "orders", TOPIC, "Shop", ("Email",)),
            Route("PaymentTaken", "payments", TOPIC, "Shop", ("Email",)),
        )
    )
    assert MIXED_CHANNEL in codes(judgements[0])
    assert MIXED_CHANNEL in codes(judgements[1])
    assert MIXED_CHANNEL not in codes(judgements[2])


def test_a_name_that_contradicts_its_label_is_flagged():
    [j] = judge(design_of(Route("OrderPlacedCommand", "o", TOPIC, "Shop", ("Email",))))
    assert LABEL_CONTRADICTION in codes(j)


def test_a_clean_system_has_no_smells():
    judgements = judge(
        design_of(
            Route("PlaceOrder", "order-commands", QUEUE, "Checkout", ("Shop",)),
            Route("OrderPlaced", "order-events", TOPIC, "Shop", ("Email", "Analytics")),
        )
    )
    assert [j.smells for j in judgements] == [[], []]
    assert [j.kind for j in judgements] == ["command", "event"]


def test_json_line_has_the_documented_keys():
    [j] = judge(design_of(Route("ShipOrder", "orders", TOPIC, "Shop", ("Warehouse",))))
    assert j.to_json() == {
        "message": "ShipOrder",
        "channel": "orders",
        "kind_by_name": "command",
        "kind_by_shape": "event",
        "kind": "event",
        "smells": [COMMAND_IN_DISGUISE],
        "rename": "OrderShipped",
    }
