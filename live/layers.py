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


_REFUSED_READ = "called while another coroutine is already waiting for incoming data"


def is_layer_failure(error: BaseException) -> bool:
    # redis-py's own errors do not all derive from OSError.
    if isinstance(error, OSError) or type(error).__module__.startswith("redis"):
        return True
    # When a connection drops, redis-py reconnects from whichever coroutine notices first, and
    # reconnecting reads the socket; if another coroutine (the pub/sub reader) is already reading
    # it, asyncio's stream refuses the second read with this RuntimeError. Only that refusal,
    # and only under redis-py, counts: redis-py's other RuntimeErrors are mistakes in our use.
    return (
        isinstance(error, RuntimeError)
        and _REFUSED_READ in str(error)
        and raised_inside_redis(error)
    )


def raised_inside_redis(error: BaseException) -> bool:
    """The error passed through redis-py's code on its way up.

    The refused read is asyncio's plain RuntimeError, so its type cannot tell a reconnecting
    redis-py from a bug of ours; the frames it came through can.
    """
    frame = error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_globals.get("__name__", "").startswith("redis."):
            return True
        frame = frame.tb_next
    return False


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
