"""The benchmark's echo socket: it echoes, and only a server started for the bench has it."""

import importlib

from channels.testing import WebsocketCommunicator

from config.asgi import application
from simulator import routing
from simulator.echo import EchoConsumer

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


def routed_paths(patterns):
    return {str(p.pattern) for p in patterns}


async def test_every_text_frame_comes_back_unchanged():
    communicator = WebsocketCommunicator(EchoConsumer.as_asgi(), "/ws/echo/", headers=[ORIGIN])
    connected, _ = await communicator.connect()
    assert connected
    for text in ('{"action": "play"}', "not json at all", "é" * 100):
        await communicator.send_to(text_data=text)
        assert await communicator.receive_from() == text
    await communicator.disconnect()


async def test_binary_frames_are_ignored():
    communicator = WebsocketCommunicator(EchoConsumer.as_asgi(), "/ws/echo/", headers=[ORIGIN])
    await communicator.connect()
    await communicator.send_to(bytes_data=b"\x00\x01")
    assert await communicator.receive_nothing()
    await communicator.disconnect()


def test_the_site_does_not_route_the_echo_socket_by_default(settings):
    assert settings.BENCH_ECHO is False
    assert "ws/echo/" not in routed_paths(routing.websocket_urlpatterns)
    assert "ws/simulator/" in routed_paths(routing.websocket_urlpatterns)


async def test_a_socket_to_the_echo_path_is_refused_by_default():
    communicator = WebsocketCommunicator(application, "/ws/echo/", headers=[ORIGIN])
    connected, _ = await communicator.connect()
    assert connected is False


async def test_any_unknown_socket_path_is_refused_at_the_handshake():
    communicator = WebsocketCommunicator(application, "/ws/no-such-thing/", headers=[ORIGIN])
    connected, _ = await communicator.connect()
    assert connected is False


def test_the_bench_setting_adds_the_route(settings):
    settings.BENCH_ECHO = True
    try:
        assert "ws/echo/" in routed_paths(importlib.reload(routing).websocket_urlpatterns)
    finally:
        settings.BENCH_ECHO = False
        importlib.reload(routing)
