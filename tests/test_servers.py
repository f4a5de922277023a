"""The harness itself: a Redis that can crash and come back, daphne processes that share it."""

import asyncio
import json
from contextlib import contextmanager
from urllib.request import Request, urlopen

import pytest
import redis
from channels_redis.pubsub import RedisPubSubChannelLayer
from redis.backoff import NoBackoff
from redis.retry import Retry

from bench.harness import RELAY_APPLICATION, RELAY_PREFIX

pytestmark = pytest.mark.redis


def test_redis_server_can_be_killed_and_started_again_on_the_same_url(redis_server, redis_url):
    # No retries, so that a dead server shows at once instead of after a backoff.
    client = redis.Redis.from_url(redis_url, socket_timeout=2, retry=Retry(NoBackoff(), 0))
    try:
        assert client.ping()
        client.set("lesson", "events")
        redis_server.stop()
        with pytest.raises(redis.ConnectionError):
            client.ping()
        redis_server.start()
        assert client.ping()
        assert client.get("lesson") is None, "nothing is persisted across a restart"
    finally:
        client.close()


@contextmanager
def listening(server, group):
    """Holds a relay listener open on `server`; yields a function returning what it received."""
    with urlopen(f"{server.url}{RELAY_PREFIX}listen/{group}", timeout=15) as response:
        assert response.read(len(b"listening\n")) == b"listening\n"
        yield lambda: json.loads(response.read())


def send_through(server, group, text):
    request = Request(f"{server.url}{RELAY_PREFIX}send/{group}", data=text.encode(), method="POST")
    with urlopen(request, timeout=15) as response:
        return json.loads(response.read())


def publish_from_here(redis_url, group, text):
    async def publish():
        # The layer the servers use (config/settings.py): a message published any other way
        # would never reach their subscriptions.
        layer = RedisPubSubChannelLayer(hosts=[{"address": redis_url}])
        try:
            await layer.group_send(group, {"type": "relay.message", "text": text, "sender": 0})
        finally:
            await layer.flush()

    asyncio.run(publish())


def test_daphne_processes_share_groups_through_redis(daphne_cluster, redis_url):
    first, second = daphne_cluster(2, env={"REDIS_URL": redis_url}, application=RELAY_APPLICATION)
    assert first.pid != second.pid
    for server in (first, second):
        with urlopen(f"{server.url}/", timeout=15) as response:
            assert response.status == 200

    with listening(second, "room") as received:
        assert send_through(first, "room", "OrderPlaced") == {"sender": first.pid}
        assert received() == {"text": "OrderPlaced", "sender": first.pid, "receiver": second.pid}

    # A crashed process takes its own sockets with it; the others and the layer carry on.
    first.kill()
    assert not first.running
    with listening(second, "room") as received:
        publish_from_here(redis_url, "room", "PaymentRefused")
        assert received() == {"text": "PaymentRefused", "sender": 0, "receiver": second.pid}
    assert "Traceback" not in second.log()
