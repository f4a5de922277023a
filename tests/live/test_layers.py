"""What counts as the channel layer going away, tried on errors raised as redis-py raises them."""

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from live.layers import is_layer_failure
from tests.live.redis_reads import two_reads_at_once


async def test_a_second_read_refused_inside_redis_is_a_lost_layer():
    refused = await two_reads_at_once()
    assert "another coroutine is already waiting" in str(refused)
    assert is_layer_failure(refused)


async def test_redis_pys_own_runtime_errors_are_mistakes_not_an_outage():
    pubsub = Redis(host="127.0.0.1", port=1).pubsub()
    with pytest.raises(RuntimeError) as raised:
        await pubsub.get_message()  # no subscribe first: redis-py refuses, whatever the server
    assert not is_layer_failure(raised.value)


def test_a_runtime_error_outside_redis_is_a_bug_not_an_outage():
    with pytest.raises(RuntimeError) as raised:
        raise RuntimeError("readuntil() called while another coroutine is already waiting")
    assert not is_layer_failure(raised.value)


@pytest.mark.parametrize(
    "error",
    [RedisConnectionError("Connection closed by server."), ConnectionResetError(), TimeoutError()],
)
def test_a_dropped_connection_is_a_lost_layer(error):
    assert is_layer_failure(error)


@pytest.mark.parametrize("error", [KeyError("asgi__group__room"), ValueError(), RuntimeError()])
def test_other_errors_are_not(error):
    assert not is_layer_failure(error)
