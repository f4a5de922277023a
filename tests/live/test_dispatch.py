"""Messages reach a consumer's handler without a stop at the database thread first."""

import pytest
from channels import consumer as channels_consumer

from classroom.consumers import RoomConsumer
from live.dispatch import DirectDispatch
from simulator.consumers import SimulatorConsumer


class Recorder(DirectDispatch):
    def __init__(self):
        self.seen = []

    async def websocket_receive(self, message):
        self.seen.append(message)


async def test_a_message_goes_to_its_handler_without_closing_connections_first(monkeypatch):
    async def forbidden():
        raise AssertionError("dispatch went to the database thread")

    monkeypatch.setattr(channels_consumer, "aclose_old_connections", forbidden)
    consumer = Recorder()
    await consumer.dispatch({"type": "websocket.receive", "text": "{}"})
    assert consumer.seen == [{"type": "websocket.receive", "text": "{}"}]


async def test_a_message_nobody_handles_is_an_error():
    with pytest.raises(ValueError, match=r"no\.handler"):
        await Recorder().dispatch({"type": "no.handler"})


@pytest.mark.parametrize("consumer", [SimulatorConsumer, RoomConsumer])
def test_the_site_s_consumers_dispatch_directly(consumer):
    # The boundary's guard wraps dispatch; what it hands each message to is the direct one.
    from live.boundary import Guarded

    assert consumer.dispatch is Guarded.dispatch
    assert consumer.__mro__[consumer.__mro__.index(Guarded) + 1] is DirectDispatch
