import pytest

from systems.design import QUEUE, TOPIC, Design, Route
from systems.export import to_asyncapi, to_yaml
from systems.loading import load, schema_validator
from systems.mapping import to_design
from systems.worlds import world_data
from tests.systems.helpers import PUBLIC, read


@pytest.mark.parametrize("name", PUBLIC)
def test_the_export_is_valid_asyncapi_3_and_reimports_to_the_same_world(name):
    design = to_design(load(read(name)))
    exported = to_yaml(design)
    again = to_design(load(exported))
    assert load(exported).version == "3.0.0"
    assert again.routes == design.routes
    assert world_data(again) == world_data(design)
    assert again.assumptions == []


def test_a_reply_survives_the_round_trip(reply_document):
    design = to_design(load(reply_document))
    again = to_design(load(to_yaml(design)))
    assert world_data(again) == world_data(design)
    assert [r.reply_to for r in again.routes] == [r.reply_to for r in design.routes]


def test_a_corrected_design_exports_what_the_learner_said():
    design = Design(
        title="Refunds",
        application="Refunds",
        routes=[
            Route("RefundPayment", "refund-requests", QUEUE, "Support desk", ("Refunds",)),
            Route("PaymentRefunded", "refund-events", TOPIC, "Refunds", ("Email", "Ledger")),
        ],
    )
    document = to_asyncapi(design)
    assert not list(schema_validator("3.0.0").iter_errors(document))
    operations = list(document["operations"].values())
    assert [op["action"] for op in operations] == ["receive", "send"]
    assert document["channels"]["refund-requests"]["x-delivery"] == "queue"
    assert to_design(load(to_yaml(design))).routes == design.routes
