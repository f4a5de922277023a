import pytest

from systems.design import QUEUE, TOPIC
from systems.loading import DocumentError, load
from systems.mapping import to_design
from tests.systems.helpers import read


def routes_by_message(design):
    return {route.message: route for route in design.routes}


def test_v3_send_and_receive_are_read_from_the_applications_point_of_view():
    design = to_design(load(read("streetlights-kafka-3.1.yml")))
    routes = routes_by_message(design)
    assert design.application == "Streetlights Kafka API"
    assert routes["lightMeasured"].receivers == ("Streetlights Kafka API",)
    assert routes["lightMeasured"].sender == "lightingMeasured sender"
    assert routes["dimLight"].sender == "Streetlights Kafka API"
    assert routes["dimLight"].receivers == ("lightsDim receiver",)
    assert routes["dimLight"].delivery == TOPIC
    assert any("does not say who sends" in a for a in design.assumptions)
    assert any("does not say how it delivers" in a for a in design.assumptions)


def test_v2_publish_means_the_application_receives():
    design = to_design(load(read("streetlights-kafka-2.6.yml")))
    routes = routes_by_message(design)
    assert routes["lightMeasured"].receivers == ("Streetlights Kafka API",)
    assert routes["dimLight"].sender == "Streetlights Kafka API"
    assert any("in AsyncAPI 2, publish means others send" in a for a in design.assumptions)
    assert any("in AsyncAPI 2, subscribe means" in a for a in design.assumptions)


def test_an_amqp_queue_binding_is_a_queue_and_no_guess():
    design = to_design(load(read("rpc-server-3.1.yml")))
    assert {route.delivery for route in design.routes} == {QUEUE}
    assert not any(a.startswith("Channel ") for a in design.assumptions)


def test_v2_one_of_gives_every_message():
    design = to_design(load(read("slack-rtm-2.6.yml")))
    names = [route.message for route in design.routes]
    assert len(names) > 40
    assert "channelArchive" in names
    assert "outgoingMessage" in names


def test_a_v3_reply_goes_back_from_the_handler_to_the_sender(reply_document):
    design = to_design(load(reply_document))
    routes = routes_by_message(design)
    request = routes["ChargeCard"]
    assert request.receivers == ("Payments",)
    assert request.delivery == QUEUE
    reply = routes["CardCharged"]
    assert reply.reply_to == "ChargeCard"
    assert reply.sender == "Payments"
    assert reply.receivers == (request.sender,)
    assert any("get a reply" in a for a in design.assumptions)


def test_a_circular_reference_is_refused_not_followed_forever():
    text = """
asyncapi: 2.6.0
info: {title: T, version: '1'}
channels:
  a: {$ref: '#/channels/b'}
  b: {$ref: '#/channels/a'}
"""
    with pytest.raises(DocumentError, match="circle"):
        to_design(load(text))


def test_a_reference_to_the_wrong_kind_of_thing_maps_to_nothing_rather_than_crashing():
    text = """
asyncapi: 2.6.0
info: {title: T, version: '1'}
tags: [{name: x}]
channels:
  a: {$ref: '#/tags'}
  b:
    publish:
      message: {$ref: '#/tags'}
"""
    design = to_design(load(text))
    assert design.routes == []
    assert "no operation" in design.assumptions[-1]


def test_a_reference_to_nothing_is_refused():
    text = """
asyncapi: 3.0.0
info: {title: T, version: '1'}
channels: {a: {address: a}}
operations:
  o:
    action: send
    channel: {$ref: '#/channels/missing'}
"""
    with pytest.raises(DocumentError, match="points at nothing"):
        to_design(load(text))
