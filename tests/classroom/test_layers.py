"""The in-memory layer sweeps for expired messages once a second, and they still expire."""

import asyncio

from classroom import layers


async def test_a_message_past_its_expiry_is_still_dropped_at_the_next_sweep(monkeypatch):
    monkeypatch.setattr(layers, "SWEEP_EVERY_S", 0.2)
    layer = layers.InMemoryChannelLayer(expiry=0.05)
    await layer.group_add("room", "specific.inmemory!a")
    await layer.group_send("room", {"type": "room.record", "n": 1})  # sweeps, then sends
    await asyncio.sleep(0.1)
    await layer.group_send("room", {"type": "room.record", "n": 2})  # too soon to sweep
    assert layer.channels["specific.inmemory!a"].qsize() == 2
    await asyncio.sleep(0.15)
    # Expired messages make the layer drop the channel from its groups, as Channels' layer does.
    await layer.group_send("room", {"type": "room.record", "n": 3})
    assert "specific.inmemory!a" not in layer.groups.get("room", {})


async def test_fresh_messages_arrive_in_order(monkeypatch):
    layer = layers.InMemoryChannelLayer()
    channel = await layer.new_channel()
    await layer.group_add("room", channel)
    for n in range(5):
        await layer.group_send("room", {"type": "room.record", "n": n})
    assert [(await layer.receive(channel))["n"] for _ in range(5)] == list(range(5))
