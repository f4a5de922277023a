"""The simulator's WebSocket: frames in, frames out, and nothing else.

connect finds the learner (or the shared replay asked for) and opens a `SandboxSession`
(simulator/session.py), which holds the run; every frame is rate-limited and decoded
(simulator/frames.py), then handed to the session; disconnect closes the session, which stops
the runner and saves how far the clock went. The frame catalogue is in docs/protocol.md.
"""

from __future__ import annotations

from urllib.parse import unquote

from autobahn.exception import Disconnected
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from live.boundary import Guarded
from live.dispatch import DirectDispatch
from live.limits import RateLimited
from simulator import sandboxes
from simulator.frames import FrameError, decode
from simulator.session import SandboxSession, error_frame

# What sending on a socket the browser has already closed raises: an OSError where the server
# follows the ASGI spec, autobahn's own error under daphne.
SOCKET_GONE = (OSError, Disconnected)


class SimulatorConsumer(Guarded, DirectDispatch, RateLimited, AsyncJsonWebsocketConsumer):
    # A sandbox talks to nobody else, so it stays off the channel layer: a Redis outage, which
    # closes classroom sockets, then leaves the simulator untouched.
    channel_layer_alias = None
    session: SandboxSession | None = None

    async def connect(self):
        self.session = SandboxSession(self._send_text)
        replay = self._query("replay")
        if replay is not None:
            await self.accept()
            await self.session.open_replay(replay)
            return
        await self.session.load(sandboxes.owner_for_scope(self.scope))
        await self.accept()
        await self.session.open(self._query("scenario"))

    async def disconnect(self, code):
        await self.clean_once()

    async def cleanup(self):
        """Runs once, however the socket ends: closed, failed, or cancelled by a server shutting
        down (which runs no `disconnect`)."""
        if self.session is not None:
            await self.session.close()

    async def receive(self, text_data=None, bytes_data=None):
        if await self.over_limit():
            return
        try:
            frame = decode(text_data, bytes_data)
        except FrameError as error:
            await self.send_error(error.code, error.message)
            return
        await self.session.handle(frame)

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json(error_frame(code, message))

    async def send(self, text_data=None, bytes_data=None, close=False):
        # A busy server can still be answering frames from a tab that has just closed; the
        # disconnect is queued behind them. Those answers have nobody to go to: drop them
        # rather than fail the whole consumer with a traceback. Every frame goes out here.
        if self.session is not None and self.session.gone:
            return
        try:
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)
        except SOCKET_GONE:
            if self.session is not None:
                self.session.gone = True

    async def _send_text(self, text: str) -> bool:
        await self.send(text_data=text)
        return not self.session.gone

    def _query(self, wanted: str) -> str | None:
        query = self.scope.get("query_string", b"").decode(errors="replace")
        for part in query.split("&"):
            key, _, value = part.partition("=")
            if key == wanted:
                return unquote(value)
        return None
