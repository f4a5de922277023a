"""A socket that sends every text frame straight back, for bench/ws.py's baseline.

It does no parsing, no database work and no rendering, so the time a frame takes to come back
through it is the cost of daphne, Channels and the network alone: what the simulator's own
latency is held against. It is routed only when `settings.BENCH_ECHO` is on (see routing.py).
"""

from __future__ import annotations

from channels.generic.websocket import AsyncWebsocketConsumer


class EchoConsumer(AsyncWebsocketConsumer):
    # Off the channel layer, as the simulator's consumer is: the baseline should pay for nothing
    # the simulator does not.
    channel_layer_alias = None

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is not None:
            await self.send(text_data=text_data)
