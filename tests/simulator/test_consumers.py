"""The simulator's socket, driven frame by frame as a browser would."""

import contextlib
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


# -- the boundary: nothing a frame holds can crash the socket -----------------------------------


async def learner_socket(key: str):
    from importlib import import_module

    from django.conf import settings as django_settings

    from courseware.services import LEARNER_KEY

    @database_sync_to_async
    def session_cookie():
        store = import_module(django_settings.SESSION_ENGINE).SessionStore()
        store[LEARNER_KEY] = key
        store.create()
        return f"{django_settings.SESSION_COOKIE_NAME}={store.session_key}".encode()

    cookie = await session_cookie()
    communicator = WebsocketCommunicator(
        application, "/ws/simulator/", headers=[ORIGIN, (b"cookie", cookie)]
    )
    connected, _ = await communicator.connect()
    assert connected
    await first_state(communicator)
    return communicator


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (
            '{"action": "send", "name": "PlaceOrder", "payload": {"n": "\\u0000"}}',
            "control_character",
        ),
        ('{"action": "send", "name": "Place\\u0000Order"}', "control_character"),
        (
            '{"action": "send", "name": "PlaceOrder", "payload": {"a": [["\\u0085"]]}}',
            "control_character",
        ),
        (
            '{"action": "send", "name": "PlaceOrder", "payload": ' + "[" * 3000 + "]" * 3000 + "}",
            "too_deep",
        ),
        (
            '{"action": "send", "name": "PlaceOrder", "payload": {"n": ' + "7" * 4400 + "}}",
            "bad_number",
        ),
        ('{"action": "speed", "value": NaN}', "bad_number"),
        ('{"action": "scenario", "name": "' + "x" * 300 + '"}', "bad_field"),
    ],
)
async def test_frames_past_the_limits_get_an_error_and_store_nothing(frame, code, caplog):
    socket = await learner_socket("bounded")
    await socket.send_to(text_data=frame)
    reply = await socket.receive_json_from(timeout=5)
    assert reply["type"] == "error"
    assert reply["code"] == code
    await socket.send_json_to({"action": "ping"})
    assert (await socket.receive_json_from(timeout=5))["type"] == "pong"
    await socket.disconnect()
    stored = await database_sync_to_async(Sandbox.objects.get)(owner="learner:bounded")
    assert stored.inputs == []
    assert stored.scenario == ""
    assert "Traceback" not in caplog.text
    assert "x" * 100 not in caplog.text


async def test_a_handler_that_fails_answers_with_an_error_and_logs_one_line(monkeypatch, caplog):
    from simulator.session import SandboxSession

    async def broken(self):
        raise RuntimeError("something a learner typed")

    monkeypatch.setattr(SandboxSession, "on_sync", broken)
    socket = await learner_socket("failing")
    await socket.send_json_to({"action": "sync"})
    reply = await socket.receive_json_from(timeout=5)
    assert reply["type"] == "error"
    assert reply["code"] == "server_error"
    await socket.send_json_to({"action": "ping"})
    assert (await socket.receive_json_from(timeout=5))["type"] == "pong"
    await socket.disconnect()
    failures = [r for r in caplog.records if "failed handling" in r.getMessage()]
    assert len(failures) == 1
    assert "RuntimeError" in failures[0].getMessage()
    assert "a learner typed" not in caplog.text
    assert failures[0].exc_info is None


async def test_a_socket_cancelled_by_a_shutting_down_server_saves_and_stops_its_run():
    """Daphne cancels every consumer at shutdown and runs no disconnect."""
    import asyncio

    socket = await learner_socket("shutdown")
    await socket.send_json_to({"action": "send", "name": "PlaceOrder"})
    await frames_until(socket, lambda f: f["type"] == "steps")
    await socket.send_json_to({"action": "play"})
    await frames_until(socket, lambda f: f["type"] == "steps" and f.get("length", 0) > 3)
    runs_before = {t for t in asyncio.all_tasks() if "_loop" in repr(t.get_coro())}
    assert runs_before

    socket.future.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await socket.future

    stored = await database_sync_to_async(Sandbox.objects.get)(owner="learner:shutdown")
    assert len(stored.inputs) == 1
    assert stored.until > 0
    assert all(task.done() for task in runs_before)


async def test_an_input_is_acknowledged_only_once_it_is_stored(monkeypatch):
    from simulator import session

    monkeypatch.setattr(session, "GATHER_S", 5.0)  # a gathering write would hold it back
    socket = await learner_socket("durable")
    await socket.send_json_to({"action": "send", "name": "PlaceOrder"})
    await frames_until(socket, lambda f: f["type"] == "steps")
    stored = await database_sync_to_async(Sandbox.objects.get)(owner="learner:durable")
    assert len(stored.inputs) == 1
    await socket.disconnect()


async def test_a_scenario_name_too_long_for_the_file_system_is_refused_on_connect(caplog):
    communicator, connected = await open_socket("/ws/simulator/?scenario=" + "y" * 300)
    assert connected
    error = await communicator.receive_json_from(timeout=5)
    assert error["type"] == "error"
    assert error["code"] == "unknown_scenario"
    assert "y" * 61 not in error["message"]
    assert "y" * 61 not in caplog.text
    await communicator.disconnect()
