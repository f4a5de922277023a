"""The frame decoder both sockets share: every limit refuses with a FrameError, nothing else."""

import json
import logging

import pytest
from channels.exceptions import StopConsumer

from live.boundary import MAX_DEPTH, FrameError, Guarded, log_failure, parse_object


def refused(text: str) -> str:
    with pytest.raises(FrameError) as caught:
        parse_object(text, None)
    return caught.value.code


def test_an_ordinary_frame_is_read():
    frame = {"action": "send", "name": "PlaceOrder", "payload": {"n": [1, 2.5, "tab\there"]}}
    assert parse_object(json.dumps(frame), None) == frame


@pytest.mark.parametrize(
    "text",
    [
        '{"action": "send", "payload": {"n": "\\u0000"}}',
        '{"action": "send", "name": "Place\\u0007Order"}',
        '{"action": "send", "payload": {"a": {"b": ["\\u009b"]}}}',
        '{"action": "send", "payload": {"\\u0000": 1}}',
        '{"action": "send", "payload": {"n": "\\ud800"}}',
        '{"action": "reject", "reason": "no\\u007fway"}',
    ],
)
def test_control_characters_are_refused_at_any_depth(text):
    assert refused(text) == "control_character"


def test_deep_nesting_is_refused_however_deep():
    assert refused('{"a": ' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1)) == "too_deep"
    assert refused("[" * 30_000 + "]" * 30_000) == "too_deep"


@pytest.mark.parametrize(
    "number", ["1" * 5000, "-" + "9" * 4301, "NaN", "Infinity", "-Infinity", "1e999"]
)
def test_numbers_past_the_limits_are_refused(number):
    assert refused(f'{{"action": "speed", "value": {number}}}') == "bad_number"


def test_size_binary_and_shape_are_refused():
    assert refused('{"a": "' + "x" * 70_000 + '"}') == "too_large"
    assert refused("[1, 2]") == "bad_frame"
    assert refused("{nope") == "bad_json"
    with pytest.raises(FrameError):
        parse_object(None, b"{}")


def test_a_failure_is_logged_in_one_line_without_its_text(caplog):
    try:
        raise ValueError("learner typed SECRET-TEXT")
    except ValueError as error:
        with caplog.at_level(logging.ERROR, logger="live"):
            log_failure(object(), "websocket.receive", error)
    assert len(caplog.records) == 1
    line = caplog.records[0].getMessage()
    assert "ValueError" in line
    assert "test_boundary.py" in line
    assert "SECRET" not in line
    assert caplog.records[0].exc_info is None


class Base:
    def __init__(self):
        self.sent = []

    async def dispatch(self, message):
        if message["type"] == "boom":
            raise RuntimeError("boom with learner text")
        if message["type"] == "stop":
            raise StopConsumer()

    async def base_send(self, message):
        self.sent.append(message)


class Socket(Guarded, Base):
    connected = True
    cleanups = 0

    async def send_error(self, code, message):
        self.sent.append({"error": code})

    async def cleanup(self):
        self.cleanups += 1


async def test_a_failing_handler_becomes_an_error_frame_and_the_socket_stays():
    socket = Socket()
    await socket.dispatch({"type": "boom"})
    assert socket.sent == [{"error": "server_error"}]
    with pytest.raises(StopConsumer):
        await socket.dispatch({"type": "stop"})


async def test_a_socket_failing_while_connecting_closes_with_its_own_code():
    socket = Socket()
    socket.connected = False
    with pytest.raises(StopConsumer):
        await socket.dispatch({"type": "boom"})
    assert socket.sent == [{"type": "websocket.accept"}, {"type": "websocket.close", "code": 4500}]


async def test_cleanup_runs_once():
    socket = Socket()
    await socket.clean_once()
    await socket.clean_once()
    assert socket.cleanups == 1


async def test_cleanup_finishes_even_when_the_consumer_is_cancelled_meanwhile():
    import asyncio

    finished = []

    class Slow(Socket):
        async def cleanup(self):
            await asyncio.sleep(0.05)  # a save on its way to the database
            finished.append(True)

    socket = Slow()
    task = asyncio.ensure_future(socket.clean_once())
    await asyncio.sleep(0.01)
    task.cancel()  # what daphne does to every consumer at shutdown
    with pytest.raises(asyncio.CancelledError):
        await task
    assert finished == [True]
