"""The start-up middleware: its work runs once per process, however the process is started."""

import pytest

from config.startup import StartUp


class Inner:
    def __init__(self):
        self.scopes = []

    async def __call__(self, scope, receive, send):
        self.scopes.append(scope["type"])


def lifespan(*types):
    messages = [{"type": t} for t in types]
    sent = []

    async def receive():
        return messages.pop(0)

    async def send(message):
        sent.append(message)

    return receive, send, sent


async def test_the_work_runs_before_the_first_connection_and_only_then():
    runs, inner = [], Inner()
    app = StartUp(inner, prepare=lambda: runs.append(inner.scopes[:]))
    for kind in ("http", "websocket", "http"):
        await app({"type": kind}, None, None)
    assert runs == [[]], "once, before the application saw anything"
    assert inner.scopes == ["http", "websocket", "http"]


async def test_a_lifespan_start_up_runs_the_work_and_a_later_connection_does_not_again():
    runs, inner = [], Inner()
    app = StartUp(inner, prepare=lambda: runs.append(1))
    receive, send, sent = lifespan("lifespan.startup", "lifespan.shutdown")
    await app({"type": "lifespan"}, receive, send)
    await app({"type": "http"}, None, None)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert runs == [1]
    assert inner.scopes == ["http"], "the lifespan scope is not passed on to the router"


async def test_a_failed_start_up_is_reported_to_the_server():
    def fail():
        raise OSError("the lexicon is missing")

    receive, send, sent = lifespan("lifespan.startup")
    await StartUp(Inner(), prepare=fail)({"type": "lifespan"}, receive, send)
    assert sent == [{"type": "lifespan.startup.failed", "message": "the lexicon is missing"}]


@pytest.mark.parametrize("kind", ["http", "websocket"])
async def test_without_a_lifespan_a_failed_start_up_fails_the_first_connection(kind):
    def fail():
        raise OSError("the lexicon is missing")

    with pytest.raises(OSError, match="lexicon"):
        await StartUp(Inner(), prepare=fail)({"type": kind}, None, None)
