"""Hands each message straight to its handler, without Channels' visit to the database thread.

Channels' `AsyncConsumer.dispatch` closes stale database connections before every message it
hands a consumer, and does so on the one thread a process keeps for database calls. A socket
that plays or acknowledges many times a second then waits, for every frame, behind whatever that
thread is writing. The consumers that use this reach the database only through
`database_sync_to_async`, which does the same check on that thread anyway, just before the work.
"""

from __future__ import annotations

from channels.consumer import get_handler_name


class DirectDispatch:
    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)
