"""The simulator's socket, driven frame by frame as a browser would."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.asgi import application
from simulator.models import Sandbox

ORIGIN = (b"origin", b"http://127.0.0.1:8000")
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_pacing")]


async def open_socket(path="/ws/simulator/", origin=ORIGIN):
    communicator = WebsocketCommunicator(application, path, headers=[origin])
    connected, _ = await communicator.connect()
    return communicator, connected


async def first_state(communicator):
    frame = await communicator.receive_json_from()
    assert frame["type"] == "state"
    return frame


async def frames_until(communicator, predicate, limit=200):
    seen = []
    for _ in range(limit):
        frame = await communicator.receive_json_from(timeout=5)
        seen.append(frame)
        if predicate(frame):
            return seen
    raise AssertionError("the expected frame never came")


async def test_connect_sends_the_whole_state_and_ping_is_answered():
    communicator, connected = await open_socket()
    assert connected
    state = await first_state(communicator)
    assert 'id="sim-log-lines"' in state["content"]
    assert state["playing"] is False
    await communicator.send_json_to({"action": "ping"})
    assert (await communicator.receive_json_from())["type"] == "pong"
    await communicator.disconnect()


async def test_a_foreign_origin_is_refused():
    _communicator, connected = await open_socket(origin=(b"origin", b"http://evil.example.com"))
    assert not connected


async def test_sending_a_command_shows_it_in_the_log_at_once():
    communicator, _ = await open_socket()
    await first_state(communicator)
    await communicator.send_json_to({"action": "send", "name": "PlaceOrder"})
    frame = await communicator.receive_json_from()
    assert frame["type"] == "steps"
    assert "Checkout sends the command PlaceOrder to Order" in frame["content"]
    assert frame["routes"][0]["source"] == "svc-checkout"
    assert frame["routes"][0]["target"] == "queue-order"
    await communicator.disconnect()


async def test_playing_the_order_flow_fans_out_to_every_subscriber():
    communicator, _ = await open_socket("/ws/simulator/?scenario=order-flow")
    await first_state(communicator)
    await communicator.send_json_to({"action": "predict", "skip": True})
    await communicator.receive_json_from()
    await communicator.send_json_to({"action": "play"})
    text = ""
    for _ in range(300):
        frame = await communicator.receive_json_from(timeout=5)
        text += frame.get("content", "")
        if "OrderShipped (event) from Fulfillment delivered" in text:
            break
        if frame["type"] == "state" and not frame["playing"]:
            # The guided run paused at a moment that matters; carry on as a learner would.
            await communicator.send_json_to({"action": "play"})
    else:
        raise AssertionError("the order flow never reached OrderShipped")
    assert "OrderPlaced (event) from Order delivered to" in text
    for subscriber in ("Email", "Inventory", "Analytics", "Fraud"):
        assert subscriber in text
    await communicator.disconnect()


async def test_form_values_arrive_as_text_and_are_understood():
    communicator, _ = await open_socket()
    await first_state(communicator)
    await communicator.send_json_to(
        {"action": "set_instances", "service": "Payment", "count": "3", "headers": {}}
    )
    frame = await communicator.receive_json_from()
    assert frame["type"] == "steps"
    assert frame["view"]["services"]["svc-payment"]["instances"] == 3
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "bad_json"),
        ("[1, 2]", "bad_frame"),
        (json.dumps({"action": "launch"}), "unknown_action"),
        (json.dumps({"action": 7}), "unknown_action"),
        (json.dumps({"action": "ping", "pad": "x" * 70_000}), "too_large"),
        (json.dumps({"action": "speed", "value": 9}), "bad_field"),
        (json.dumps({"action": "seek", "seq": "last"}), "bad_field"),
        (json.dumps({"action": "set_online", "service": "Nobody", "online": False}), "refused"),
        (json.dumps({"action": "set_instances", "service": "Payment", "count": 9}), "refused"),
        (json.dumps({"action": "scenario", "name": "no-such-thing"}), "refused"),
        (json.dumps({"action": "answer", "choice": 0}), "refused"),
    ],
)
async def test_bad_frames_get_an_error_and_change_nothing(frame, code):
    communicator, _ = await open_socket()
    before = await first_state(communicator)
    await communicator.send_to(text_data=frame)
    reply = await communicator.receive_json_from()
    assert reply["type"] == "error"
    assert reply["code"] == code
    assert reply["message"]
    await communicator.send_json_to({"action": "sync"})
    after = await communicator.receive_json_from()
    assert after["view"] == before["view"]
    assert after["length"] == before["length"]
    await communicator.disconnect()


async def test_a_flood_of_frames_is_refused_then_closed():
    communicator, _ = await open_socket()
    await first_state(communicator)
    for _ in range(200):
        await communicator.send_json_to({"action": "ping"})
    codes = []
    while True:
        output = await communicator.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            assert output["code"] == 4008
            break
        codes.append(json.loads(output["text"]).get("code"))
    assert "rate_limited" in codes


async def test_the_sandbox_is_rebuilt_from_its_inputs_on_reconnect():
    from simulator.sandboxes import engine_for, sandbox_save

    sandbox = await database_sync_to_async(Sandbox.objects.create)(owner="learner:abc")

    engine = await database_sync_to_async(engine_for)(sandbox)
    engine.apply({"action": "set_online", "service": "Email", "online": False})
    engine.apply({"action": "send", "name": "PlaceOrder"})
    engine.run()
    await database_sync_to_async(sandbox_save)(sandbox=sandbox, engine=engine, scheduled=[])
    stored = await database_sync_to_async(Sandbox.objects.get)(pk=sandbox.pk)
    rebuilt = await database_sync_to_async(engine_for)(stored)
    assert [s.to_dict() for s in rebuilt.trace] == [s.to_dict() for s in engine.trace]
    assert rebuilt.state_view()["services"]["Email"]["online"] is False


async def test_rewinding_forks_the_run():
    communicator, _ = await open_socket()
    await first_state(communicator)
    await communicator.send_json_to({"action": "send", "name": "PlaceOrder"})
    await communicator.receive_json_from()
    await communicator.send_json_to({"action": "step"})
    stepped = await communicator.receive_json_from()
    assert stepped["length"] > 1
    await communicator.send_json_to({"action": "seek", "seq": 0})
    state = await communicator.receive_json_from()
    assert state["type"] == "state"
    assert state["length"] == 1
    await communicator.disconnect()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.text(min_size=1, max_size=50),
        st.dictionaries(
            st.sampled_from(["action", "name", "service", "count", "online", "seq", "value"]),
            st.one_of(
                st.none(),
                st.integers(),
                st.text(max_size=20),
                st.booleans(),
                st.lists(st.integers()),
            ),
        ).map(json.dumps),
    )
)
async def test_arbitrary_frames_never_break_the_socket(frame):
    communicator, _ = await open_socket()
    await first_state(communicator)
    await communicator.send_to(text_data=frame)
    while not await communicator.receive_nothing(timeout=0.05):
        reply = await communicator.receive_json_from()
        assert reply["type"] in {"error", "steps", "state", "pong"}
    await communicator.send_json_to({"action": "ping"})
    frames = await frames_until(communicator, lambda f: f["type"] == "pong")
    assert frames[-1]["type"] == "pong"
    await communicator.disconnect()
