"""How often a socket may send, and what happens to one that sends too often.

Every socket gets a token bucket: bursts up to FRAMES_PER_SECOND, then one frame per 1/limit
seconds. A frame over the limit is answered with a `rate_limited` error frame and not acted on;
a socket that keeps flooding after being told to slow down is closed with CLOSE_RATE_LIMITED.
Both codes are listed in docs/protocol.md.
"""

from __future__ import annotations

import time

FRAMES_PER_SECOND = 30
CLOSE_RATE_LIMITED = 4008
MAX_REFUSED_FRAMES = 90
RATE_LIMITED_MESSAGE = "Too many frames: at most 30 a second."


class RateLimiter:
    """A token bucket: bursts up to the limit, then one frame per 1/limit seconds."""

    def __init__(self, per_second: int = FRAMES_PER_SECOND, clock=time.monotonic):
        self.capacity = float(per_second)
        self.rate = float(per_second)
        self.tokens = float(per_second)
        self.clock = clock
        self.last = clock()
        self.refused = 0

    def allow(self) -> bool:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.refused += 1
        return False


class RateLimited:
    """Consumer mix-in: `await self.over_limit()` before acting on a frame. The consumer gives
    `send_error(code, message)`; the limiter is made on first use."""

    limiter: RateLimiter | None = None

    async def over_limit(self) -> bool:
        """True when the frame must be dropped; the socket has been told, or closed."""
        if self.limiter is None:
            self.limiter = RateLimiter()
        if self.limiter.allow():
            return False
        if self.limiter.refused > MAX_REFUSED_FRAMES:
            await self.close(code=CLOSE_RATE_LIMITED)
        else:
            await self.send_error("rate_limited", RATE_LIMITED_MESSAGE)
        return True


class OpenCount:
    """How many sockets this process holds open per key (a person in a room), up to `most`."""

    def __init__(self, most: int) -> None:
        self.most = most
        self._open: dict[object, int] = {}

    def take(self, key: object) -> bool:
        """Counts one more socket for `key`; False, counting nothing, when `most` are open."""
        held = self._open.get(key, 0)
        if held >= self.most:
            return False
        self._open[key] = held + 1
        return True

    def give_back(self, key: object) -> None:
        left = self._open.get(key, 1) - 1
        if left > 0:
            self._open[key] = left
        else:
            self._open.pop(key, None)

    def __getitem__(self, key: object) -> int:
        return self._open.get(key, 0)
