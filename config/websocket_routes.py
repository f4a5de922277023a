"""Every WebSocket endpoint of the site, gathered from the apps."""

from channels.generic.websocket import WebsocketConsumer
from django.urls import re_path

from classroom.routing import websocket_urlpatterns as classroom_routes
from simulator.routing import websocket_urlpatterns as simulator_routes


class NoSuchEndpoint(WebsocketConsumer):
    """Refuses the handshake for a path nobody serves, instead of the router raising (and the
    server logging a traceback) for every mistyped or probing URL."""

    def connect(self):
        self.close()


websocket_urlpatterns = [
    *simulator_routes,
    *classroom_routes,
    re_path(r"", NoSuchEndpoint.as_asgi()),
]
