"""Every WebSocket endpoint of the site, gathered from the apps."""

from simulator.routing import websocket_urlpatterns as simulator_routes

websocket_urlpatterns = [*simulator_routes]
