from django.conf import settings
from django.urls import path

from simulator.consumers import SimulatorConsumer
from simulator.echo import EchoConsumer

websocket_urlpatterns = [
    path("ws/simulator/", SimulatorConsumer.as_asgi()),
]

if settings.BENCH_ECHO:
    # The benchmark's baseline only: a public echo socket would be a free relay for anyone.
    websocket_urlpatterns.append(path("ws/echo/", EchoConsumer.as_asgi()))
