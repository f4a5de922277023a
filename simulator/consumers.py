"""The simulator's WebSocket: parse a frame, dispatch on its action, answer with a frame."""

from __future__ import annotations

import json
import logging

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024


class SimulatorConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.pings = 0
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None or text_data is None:
            await self.send_error("bad_frame", "Frames must be JSON text.")
            return
        if len(text_data.encode()) > MAX_FRAME_BYTES:
            await self.send_error("too_large", "Frames must be at most 64 KiB.")
            return
        try:
            content = json.loads(text_data)
        except json.JSONDecodeError:
            await self.send_error("bad_json", "That frame is not valid JSON.")
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            await self.send_error("bad_frame", "A frame must be a JSON object with an 'action'.")
            return
        action = content.get("action")
        handler = ACTIONS.get(action) if isinstance(action, str) else None
        if handler is None:
            await self.send_error("unknown_action", f"Unknown action {action!r}.")
            return
        await handler(self, content)

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})

    async def on_ping(self, content):
        self.pings += 1
        html = render_to_string("simulator/_pong.html", {"count": self.pings})
        await self.send_json(
            {"type": "pong", "count": self.pings, "target": "#ping-result", "content": html}
        )


ACTIONS = {
    "ping": SimulatorConsumer.on_ping,
}
