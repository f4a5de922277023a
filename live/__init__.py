"""What both WebSockets share at their edge: frame decoding with limits, and a guard that turns
any failure into an error frame and always cleans up (see boundary.py)."""
