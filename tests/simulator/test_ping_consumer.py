import json

import pytest
from channels.testing import WebsocketCommunicator

from config.asgi import application

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


async def connect(origin=ORIGIN):
    communicator = WebsocketCommunicator(application, "/ws/simulator/", headers=[origin])
    connected, _ = await communicator.connect()
    return communicator, connected


@pytest.mark.django_db(transaction=True)
async def test_ping_is_answered_with_a_pong_fragment():
    communicator, connected = await connect()
    assert connected
    await communicator.send_json_to({"action": "ping"})
    reply = await communicator.receive_json_from()
    assert reply["type"] == "pong"
    assert reply["count"] == 1
    assert reply["target"] == "#ping-result"
    assert "ping number 1" in reply["content"]
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_foreign_origin_is_refused():
    communicator, connected = await connect((b"origin", b"http://evil.example.com"))
    assert not connected
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "bad_json"),
        ("[1, 2]", "bad_frame"),
        (json.dumps({"action": "launch"}), "unknown_action"),
        (json.dumps({"action": 7}), "unknown_action"),
        (json.dumps({"action": "ping", "pad": "x" * 70_000}), "too_large"),
    ],
)
async def test_bad_frames_get_an_error_frame_and_the_socket_stays_usable(frame, code):
    communicator, connected = await connect()
    assert connected
    await communicator.send_to(text_data=frame)
    reply = await communicator.receive_json_from()
    assert reply == {"type": "error", "code": code, "message": reply["message"]}
    assert reply["message"]
    await communicator.send_json_to({"action": "ping"})
    assert (await communicator.receive_json_from())["type"] == "pong"
    await communicator.disconnect()
