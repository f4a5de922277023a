"""One bounded, least-recently-used cache, for anything a server process keeps in memory.

Every per-process memory of the site goes through this class so that none of them grows without
limit: a process lives for weeks and meets every room, scenario and quiz question ever used.
Values are shared between sockets and threads, so whatever is put here must never be changed in
place by a reader; a caller that changes its value (a room folding new records) does so under a
lock of its own and puts the value back.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")
_MISSING = object()


class BoundedCache:
    """Keeps the `size` most recently used values; `get` makes a missing one and keeps it.

    HTTP views run on threads of their own, so what adds or drops a value (put, pop, clear) is
    done under a lock, which keeps the size bound. A hit takes no lock: every socket's frame asks
    the rendered panels' cache about ten times, and the lock cost more than the lookup itself.
    Reading a value and moving it to the recent end are one C call each, which the interpreter
    lock keeps whole (the keys hash and compare in C: text, numbers, tuples, objects by
    identity); a value dropped by another thread between the two reads as a miss.
    `make` runs outside the lock: two threads missing the same key at once both make the value,
    and the later one is kept, which is harmless for values computed from the key alone.
    The hit and miss counts are for a person reading them and may miss a count under threads.
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a cache must hold at least one value")
        self.size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        # peek's lines, repeated rather than called: this runs about ten times a frame.
        items = self._items
        try:
            value = items[key]
            items.move_to_end(key)
        except KeyError:
            value = _MISSING
        if value is _MISSING:
            self.misses += 1
            value = make()
            self.put(key, value)
            return value
        self.hits += 1
        return value

    def peek(self, key: Hashable, default: object = None) -> object:
        """The value kept for `key`, or `default`, without making one."""
        items = self._items
        try:
            value = items[key]
            items.move_to_end(key)
        except KeyError:
            self.misses += 1
            return default
        self.hits += 1
        return value

    def put(self, key: Hashable, value: object) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def pop(self, key: Hashable, default: object = None) -> object:
        with self._lock:
            return self._items.pop(key, default)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def __getitem__(self, key: Hashable) -> object:
        return self._items[key]

    def __setitem__(self, key: Hashable, value: object) -> None:
        self.put(key, value)

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
