"""Limits how often one address may guess at room codes.

Only failed joins count: a whole class behind one school address joins freely, while trying codes
one after another is stopped long before it could find a room (31**6 codes, 20 guesses per 10
minutes). The counts live in the cache, which is shared by every process when Redis is configured.
"""

from __future__ import annotations

from django.core.cache import cache

FAILED_JOINS_ALLOWED = 20
WINDOW_SECONDS = 600


def _key(address: str) -> str:
    return f"classroom-join-failures:{address}"


def join_blocked(address: str) -> bool:
    return (cache.get(_key(address)) or 0) >= FAILED_JOINS_ALLOWED


def join_failed(address: str) -> None:
    key = _key(address)
    if not cache.add(key, 1, WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, WINDOW_SECONDS)
