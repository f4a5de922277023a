"""The realtime kit: what every WebSocket of the site shares, whatever app it belongs to.

Frame decoding and the failure guard (boundary.py), direct dispatch, the group commit, the bounded
per-process cache, the rate limit and the lost-layer close. Nothing here imports an app; the apps'
consumers and session objects import from here.
"""
