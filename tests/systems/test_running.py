"""A saved system opened in the live simulator: the page, its socket and a shared replay."""

import re
from urllib.parse import quote

import pytest
from channels.testing import WebsocketCommunicator
from django.urls import reverse

from config.asgi import application
from learners.identity import Learner
from simulator import sandboxes
from simulator.engine import DomainError
from simulator.models import Sandbox
from systems.design import Design
from systems.examples import REFUND_FLOW
from systems.services import system_save, world_key

ORIGIN = (b"origin", b"http://127.0.0.1:8000")
ANNA = Learner(session_key="a" * 32)


@pytest.fixture
def refund(db):
    return system_save(learner=ANNA, design=REFUND_FLOW)


def page_of(client, saved):
    return client.get(reverse("simulator"), {"world": world_key(saved)})


def test_the_simulator_page_draws_the_systems_world(client, refund):
    response = page_of(client, refund)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Refund flow" in body
    # The diagram, the palette and the socket are the system's, not the order flow's.
    assert 'id="svc-refunds"' in body or 'data-node="svc-refunds"' in body
    assert "svc-checkout" not in body
    assert "<option>RequestRefund</option>" in body
    assert "<option>PlaceOrder</option>" not in body
    assert f"/ws/simulator/?world={quote(world_key(refund))}" in body
    assert f'href="/systems/s/{refund.token}/"' in body


def test_the_order_flow_sandbox_is_left_alone(client, refund):
    page_of(client, refund)
    client.get(reverse("simulator"))
    rows = sorted(Sandbox.objects.values_list("session_key", "world"))
    assert len(rows) == 2
    assert rows[0][0] == rows[1][0]
    assert rows[0][1] == ""
    assert rows[1][1].startswith("system:")


def test_an_unknown_system_gets_a_clear_error_and_the_order_flow(client, db):
    response = client.get(reverse("simulator"), {"world": "system:AAAAAAAAAAAAAAAA"})
    assert response.status_code == 404
    assert "There is no saved system at this link" in response.content.decode()
    assert "<option>PlaceOrder</option>" in response.content.decode()


@pytest.mark.parametrize("key", ["", "system:", "nothing:abc", "system:../x", "x" * 5000])
def test_a_malformed_world_key_is_refused(client, db, key):
    response = client.get(reverse("simulator"), {"world": key})
    assert response.status_code == 404
    assert Sandbox.objects.exclude(world="").count() == 0


def test_a_guided_scenario_is_refused_in_a_systems_sandbox(refund):
    sandbox = sandboxes.sandbox_for(Learner(session_key="x"), world_key(refund))
    with pytest.raises(DomainError, match="Guided scenarios play the order flow"):
        sandboxes.check_scenario(sandbox, "email-down")
    sandboxes.check_scenario(sandbox, None)  # a reset is fine


def test_a_changed_system_starts_a_fresh_sandbox(refund):
    first = sandboxes.sandbox_for(Learner(session_key="x"), world_key(refund))
    first.inputs = [{"action": "send", "name": "RequestRefund", "at": 0}]
    first.save()
    changed = Design(title="Refund flow", application="Refunds", routes=REFUND_FLOW.routes[:2])
    system_save(learner=ANNA, design=changed, token=refund.token)
    second = sandboxes.sandbox_for(Learner(session_key="x"), world_key(refund))
    assert second.pk != first.pk
    assert second.inputs == []
    assert sorted(second.world_choice.world.commands) == ["RequestRefund"]


def test_a_shared_run_of_a_system_replays_its_world_even_after_deletion(refund):
    sandbox = sandboxes.sandbox_for(Learner(session_key="x"), world_key(refund))
    engine = sandboxes.engine_for(sandbox)
    engine.apply({"action": "send", "name": "RequestRefund"})
    token = sandboxes.share_token(sandbox, engine)
    refund.delete()
    replayed = sandboxes.engine_of_share(token)
    assert "RequestRefund" in replayed.world.commands
    assert any(step.step == "handled" for step in replayed.trace)


async def open_socket(path):
    communicator = WebsocketCommunicator(application, path, headers=[ORIGIN])
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def frame_of(communicator, kind):
    for _ in range(50):
        frame = await communicator.receive_json_from(timeout=5)
        if frame["type"] == kind:
            return frame
    raise AssertionError(f"no {kind} frame came")


@pytest.mark.django_db(transaction=True)
async def test_the_socket_plays_the_systems_messages_and_faults():
    from channels.db import database_sync_to_async

    saved = await database_sync_to_async(system_save)(learner=ANNA, design=REFUND_FLOW)
    communicator = await open_socket(f"/ws/simulator/?world={quote(world_key(saved))}")
    state = await frame_of(communicator, "state")
    assert "Refunds" in state["content"]
    await communicator.send_json_to({"action": "send", "name": "RequestRefund"})
    steps = await frame_of(communicator, "steps")
    assert re.search(r"Support desk sends the command RequestRefund to Refunds", steps["content"])
    assert steps["routes"][0]["target"] == "queue-refunds"
    for frame in (
        {"action": "set_online", "service": "Analytics", "online": False},
        {"action": "duplicate_next"},
        {"action": "publish", "name": "RefundRequested"},
    ):
        await communicator.send_json_to(frame)
        answer = await communicator.receive_json_from(timeout=5)
        assert answer["type"] != "error", answer
    await communicator.send_json_to({"action": "scenario", "name": "email-down"})
    error = await frame_of(communicator, "error")
    assert "Guided scenarios play the order flow" in error["message"]
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_socket_for_a_missing_system_says_so_and_stays_open():
    communicator = await open_socket("/ws/simulator/?world=system%3AAAAAAAAAAAAAAAAA")
    error = await frame_of(communicator, "error")
    assert error["code"] == "unknown_system"
    await communicator.send_json_to({"action": "ping"})
    assert (await frame_of(communicator, "pong"))["count"] == 1
    await communicator.disconnect()


def big_design(n: int) -> Design:
    from systems.design import QUEUE, TOPIC, Route

    routes = []
    for i in range(n):
        if i % 2:
            routes.append(Route(f"Order{i}Placed", f"events-{i}", TOPIC, "Shop", (f"Reader {i}",)))
        else:
            routes.append(Route(f"Ship{i}", f"jobs-{i}", QUEUE, "Shop", (f"Worker {i}",)))
    return Design(title="Big", application="Shop", routes=routes)


def test_a_large_system_is_drawn_in_part_and_says_so(client, db):
    saved = system_save(learner=ANNA, design=big_design(100))
    response = page_of(client, saved)
    body = response.content.decode()
    assert response.status_code == 200
    assert "The diagram shows the first 16 of 101 services and 10 of 50 topics" in body
    wide = body[body.index('class="diagram diagram--wide"') : body.index("diagram--tall")]
    assert wide.count('class="node node--service"') == 16
    # The controls still offer every message.
    assert body.count("<option>Ship") == 50


def test_the_trace_download_is_the_systems_run(client, refund):
    body = page_of(client, refund).content.decode()
    assert f"/simulator/trace.jsonl?world=system%3A{refund.token}" in body
    response = client.get("/simulator/trace.jsonl", {"world": world_key(refund)})
    assert response.status_code == 200
    bad = client.get("/simulator/trace.jsonl", {"world": "system:AAAAAAAAAAAAAAAA"})
    assert bad.status_code == 400
    assert b"There is no saved system" in bad.content


def test_the_default_topic_is_drawn_only_once_the_learner_publishes_there(client, refund):
    assert "topic-custom-events" not in page_of(client, refund).content.decode()
    sandbox = Sandbox.objects.get(world__startswith="system:")
    sandbox.inputs = [{"action": "publish", "name": "RefundNoted", "at": 0}]
    sandbox.save()
    assert 'data-node="topic-custom-events"' in page_of(client, refund).content.decode()
