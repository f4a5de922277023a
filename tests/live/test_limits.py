"""The frame rate limit every socket shares: a burst, then a steady rate, then a close."""

import pytest

from live.limits import (
    CLOSE_RATE_LIMITED,
    MAX_REFUSED_FRAMES,
    OpenCount,
    RateLimited,
    RateLimiter,
)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_burst_up_to_the_limit_then_one_frame_per_tick():
    clock = Clock()
    limiter = RateLimiter(per_second=10, clock=clock)
    assert all(limiter.allow() for _ in range(10))
    assert not limiter.allow()
    clock.now += 0.1
    assert limiter.allow()
    assert not limiter.allow()
    assert limiter.refused == 2


class Socket(RateLimited):
    def __init__(self, clock):
        self.limiter = RateLimiter(clock=clock)
        self.errors: list[str] = []
        self.closed: list[int] = []

    async def send_error(self, code, message):
        self.errors.append(code)

    async def close(self, code=None):
        self.closed.append(code)


@pytest.mark.asyncio
async def test_a_flooding_socket_is_told_then_closed():
    socket = Socket(Clock())
    dropped = [await socket.over_limit() for _ in range(30 + MAX_REFUSED_FRAMES + 1)]
    assert dropped[:30] == [False] * 30
    assert all(dropped[30:])
    assert socket.errors == ["rate_limited"] * MAX_REFUSED_FRAMES
    assert socket.closed == [CLOSE_RATE_LIMITED]


@pytest.mark.asyncio
async def test_the_limiter_is_made_on_the_first_frame():
    class Fresh(Socket):
        def __init__(self):
            self.errors, self.closed = [], []

    socket = Fresh()
    assert socket.limiter is None
    assert await socket.over_limit() is False
    assert isinstance(socket.limiter, RateLimiter)


def test_open_count_refuses_past_its_most_and_frees_a_place_when_one_closes():
    tabs = OpenCount(most=2)
    assert tabs.take("ana")
    assert tabs.take("ana")
    assert not tabs.take("ana")
    assert tabs["ana"] == 2
    assert tabs.take("ben")
    tabs.give_back("ana")
    assert tabs.take("ana")
    for _ in range(3):
        tabs.give_back("ana")
    assert tabs["ana"] == 0
