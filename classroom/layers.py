"""The in-memory channel layer, with its sweep for expired messages made cheap.

Channels' InMemoryChannelLayer looks through every channel's queue and every group's members
for expired entries on each send to a group and on each receive. A room of 200 sockets has some
400 channels and group memberships, and a published event is 200 receives, so the sweeps cost
O(sockets²) per event: a quarter of the process's time in the classroom benchmark's profile.
Messages expire after a minute (`expiry`), so sweeping at most once a second changes nothing a
socket can notice.
"""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer

SWEEP_EVERY_S = 1.0


class InMemoryChannelLayer(ChannelsInMemoryChannelLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._next_sweep = 0.0

    def _clean_expired(self):
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + SWEEP_EVERY_S
        super()._clean_expired()
