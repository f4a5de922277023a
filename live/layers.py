"""A socket that lives on the channel layer, and what it does when the layer goes away.

With Redis gone, the channel layer raises from deep inside a consumer's receive loop, or before
the socket is even accepted (a pub/sub layer subscribes each new socket). `ClosesOnLostLayer`
closes the socket then with `layer_down_code`, which makes the page reconnect and read what it
missed from the server's own records; a socket refused at the handshake would look to the page
like a visitor turned away. Mix it in before `Guarded`, whose `passes_through` it answers.
"""

from __future__ import annotations

import contextlib
import logging

logger = logging.getLogger(__name__)


def is_layer_failure(error: Exception) -> bool:
    # redis-py's own errors do not all derive from OSError.
    return isinstance(error, (ConnectionError, OSError, TimeoutError)) or type(
        error
    ).__module__.startswith("redis")


class ClosesOnLostLayer:
    layer_down_code: int

    async def __call__(self, scope, receive, send):
        accepted = False

        async def watched_send(message):
            nonlocal accepted
            if message["type"] == "websocket.accept":
                accepted = True
            await send(message)

        try:
            await super().__call__(scope, receive, watched_send)
        except Exception as error:
            if not is_layer_failure(error):
                raise
            logger.warning("%s lost its channel layer: %s", type(self).__name__, error)
            with contextlib.suppress(Exception):
                if not accepted:
                    await send({"type": "websocket.accept"})
                await send({"type": "websocket.close", "code": self.layer_down_code})

    def passes_through(self, error: Exception) -> bool:
        """A lost channel layer closes the socket (above) rather than becoming an error frame."""
        return is_layer_failure(error)
