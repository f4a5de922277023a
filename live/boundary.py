"""The edge of every WebSocket: what a frame may hold, and what a failure may do.

Both sockets read their frames through `parse_object`, which refuses, with a FrameError naming the
problem, anything the rest of the code was never meant to meet: a frame over 64 KiB, nesting
deeper than MAX_DEPTH, a number of more than MAX_NUMBER_DIGITS digits (Python refuses to read
integers past 4,300 digits, with an error of its own), NaN or an infinity, and text holding
control characters. NUL in particular cannot be stored by PostgreSQL, so letting one through
makes a later save fail.

`Guarded` is a consumer mix-in: an exception escaping a handler becomes an error frame and one
log line that carries no learner text, and the socket stays open; and the consumer's `cleanup`
runs exactly once however the consumer ends (a close, a crash, or the server cancelling it at
shutdown, when daphne runs no `disconnect`). On SIGTERM every open socket cleans up (its sandbox
saved) and is closed before the server's own handler stops the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import re
import signal
import threading
import traceback
import weakref
from pathlib import Path
from typing import Any

from channels.exceptions import StopConsumer

logger = logging.getLogger("live")

MAX_FRAME_BYTES = 64 * 1024
MAX_DEPTH = 8
MAX_NUMBER_DIGITS = 30
# C0 controls but tab, line feed and carriage return; DEL; C1 controls; and lone surrogates,
# which no UTF-8 text can carry (PostgreSQL refuses them in JSON as it refuses NUL).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
CONTROL_MESSAGE = (
    "Text may not contain control characters (such as NUL); remove them and try again."
)
# A close code of our own for a socket that failed while connecting (docs/protocol.md); after
# the connection is up, a failure is an error frame and the socket stays open.
CLOSE_SERVER_ERROR = 4500
SERVER_ERROR_MESSAGE = "The server could not do that; nothing you did before was lost."
# Sent to every socket once it has saved, when the process is told to stop: the page reconnects,
# to another process or to this one restarted (docs/protocol.md).
CLOSE_RESTARTING = 1012
# How long a stopping process waits for its sockets to save before it lets the server stop.
SHUTDOWN_S = 10.0


# Added by the browser's WebSocket helper to every frame; never part of the action.
TRANSPORT_FIELDS = frozenset({"headers"})
# A whole number written as text (form fields arrive as text): plain ASCII digits, and few of
# them, because str.isdigit() also passes "²", which int() refuses.
INT_TEXT = re.compile(r"^-?[0-9]{1,12}$")


class FrameError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def has_control(text: str) -> bool:
    return CONTROL.search(text) is not None


def _number(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise FrameError("bad_number", "Numbers in a frame must be at most 30 digits long.")
    return int(text)


def _decimal(text: str) -> float:
    value = float(text)
    if len(text) > MAX_NUMBER_DIGITS * 2 or not math.isfinite(value):
        raise FrameError("bad_number", "Numbers in a frame must be ordinary finite numbers.")
    return value


def _constant(name: str) -> float:
    raise FrameError("bad_number", f"{name} is not a number a frame may carry.")


def parse_object(text: str | None, data: bytes | None) -> dict[str, Any]:
    """A text frame within the limits above holding one JSON object, or a FrameError."""
    if text is None or data is not None:
        raise FrameError("bad_frame", "Frames must be JSON text, not binary.")
    if len(text) > MAX_FRAME_BYTES or len(text.encode(errors="surrogatepass")) > MAX_FRAME_BYTES:
        raise FrameError("too_large", "Frames must be at most 64 KiB.")
    try:
        frame = json.loads(text, parse_int=_number, parse_float=_decimal, parse_constant=_constant)
    except FrameError:
        raise
    except RecursionError:
        raise FrameError("too_deep", f"Frames may nest at most {MAX_DEPTH} levels.") from None
    except ValueError:  # JSONDecodeError among them
        raise FrameError("bad_json", "That frame is not valid JSON.") from None
    if not isinstance(frame, dict):
        raise FrameError("bad_frame", "A frame must be a JSON object with an 'action'.")
    check_value(frame)
    return frame


def check_value(value: Any, depth: int = 1) -> None:
    """Refuses nesting past MAX_DEPTH and control characters in any text or key, at any depth."""
    if depth > MAX_DEPTH:
        raise FrameError("too_deep", f"Frames may nest at most {MAX_DEPTH} levels.")
    if isinstance(value, str):
        if has_control(value):
            raise FrameError("control_character", CONTROL_MESSAGE)
    elif isinstance(value, dict):
        for key, item in value.items():
            if has_control(key):
                raise FrameError("control_character", CONTROL_MESSAGE)
            if isinstance(item, dict | list | str):
                check_value(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict | list | str):
                check_value(item, depth + 1)


def log_failure(consumer: object, where: str, error: BaseException) -> None:
    """One line naming the consumer, the message type, the exception's type and where it was
    raised; never the exception's text, which may quote what a learner typed."""
    place = ""
    frames = traceback.extract_tb(error.__traceback__)
    if frames:
        last = frames[-1]
        place = f" at {Path(last.filename).name}:{last.lineno} in {last.name}"
    logger.error(
        "%s failed handling %s: %s%s", type(consumer).__name__, where, type(error).__name__, place
    )


_live: weakref.WeakSet[Guarded] = weakref.WeakSet()
_handler_installed = False


def _install_shutdown_handler() -> None:
    """On SIGTERM, every open socket saves and closes before the server's own handler runs.

    daphne's own shutdown cancels its connections, which did not always happen before the
    process exited (docs/benchmarks.md, "Kills"). Installed at the first connection, after the
    server has put its own handler in place, which is called once the sockets are done.
    """
    global _handler_installed
    if _handler_installed or threading.current_thread() is not threading.main_thread():
        return
    _handler_installed = True
    loop = asyncio.get_running_loop()
    previous = signal.getsignal(signal.SIGTERM)

    def on_sigterm(signum, frame):
        try:
            loop.call_soon_threadsafe(lambda: loop.create_task(_shut_down(previous, signum)))
        except RuntimeError:  # that loop is gone (a test's); stop as before
            _hand_over(previous, signum)

    signal.signal(signal.SIGTERM, on_sigterm)


async def _shut_down(previous, signum: int) -> None:
    sockets = list(_live)
    try:
        async with asyncio.timeout(SHUTDOWN_S):
            await asyncio.gather(*(s.leave_for_shutdown() for s in sockets), return_exceptions=True)
    except TimeoutError:
        logger.warning("stopping: %d sockets had not saved after %.0f s", len(sockets), SHUTDOWN_S)
    _hand_over(previous, signum)


def _hand_over(previous, signum: int) -> None:
    signal.signal(signal.SIGTERM, previous)
    if callable(previous):
        previous(signum, None)
    elif previous == signal.SIG_DFL:
        os.kill(os.getpid(), signum)


class Guarded:
    """Mix in before the consumer class. Subclasses give `send_error(code, message)` and
    `cleanup()`; `passes_through(error)` names errors to let escape (a lost channel layer, which
    the consumer answers with a close code of its own)."""

    cleaning: asyncio.Future | None = None
    connected = False

    async def __call__(self, scope, receive, send):
        _install_shutdown_handler()
        _live.add(self)
        try:
            await super().__call__(scope, receive, send)
        finally:
            _live.discard(self)
            await self.clean_once()

    async def leave_for_shutdown(self) -> None:
        await self.clean_once()
        with contextlib.suppress(Exception):  # the browser may be gone already
            await self.base_send({"type": "websocket.close", "code": CLOSE_RESTARTING})

    async def clean_once(self) -> None:
        """Runs `cleanup` once, in a task of its own that a cancellation cannot cut short.

        At shutdown daphne cancels every consumer, often while it is already cleaning up after
        its socket closed; the save the cleanup waits for must still land before the process
        goes, so the consumer waits for it however often it is cancelled meanwhile.
        """
        if self.cleaning is None:
            self.cleaning = asyncio.ensure_future(self._clean())
        cancelled = False
        deadline = asyncio.get_running_loop().time() + SHUTDOWN_S
        while not self.cleaning.done():
            try:
                async with asyncio.timeout_at(deadline):
                    await asyncio.shield(self.cleaning)
            except asyncio.CancelledError:
                cancelled = True
            except TimeoutError:
                # A cleanup stuck this long will not finish; a stopping server must not hang.
                logger.error("%s did not finish cleaning up", type(self).__name__)
                break
        if cancelled:
            raise asyncio.CancelledError

    async def _clean(self) -> None:
        try:
            await self.cleanup()
        except Exception as error:
            log_failure(self, "cleanup", error)

    async def cleanup(self) -> None:
        pass

    def passes_through(self, error: Exception) -> bool:
        return False

    async def dispatch(self, message):
        if self.cleaning is not None and message.get("type") == "websocket.receive":
            return  # cleaned up for good: a frame now would start what was just stopped
        try:
            await super().dispatch(message)
        except StopConsumer:
            raise
        except Exception as error:
            if self.passes_through(error):
                raise
            log_failure(self, message.get("type", "?"), error)
            if message.get("type") == "websocket.connect" or not self.connected:
                # No page can be drawn from a socket that never finished connecting.
                await self._close_failed()
                raise StopConsumer() from None
            try:
                await self.send_error("server_error", SERVER_ERROR_MESSAGE)
            except Exception as failure:
                log_failure(self, "an error frame", failure)

    async def _close_failed(self) -> None:
        try:
            if not self.connected:
                await self.base_send({"type": "websocket.accept"})
            await self.base_send({"type": "websocket.close", "code": CLOSE_SERVER_ERROR})
        except Exception:
            pass  # the browser is gone already

    async def accept(self, *args, **kwargs):
        await super().accept(*args, **kwargs)
        self.connected = True

    async def send_error(self, code: str, message: str) -> None:
        raise NotImplementedError
