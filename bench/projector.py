"""What the projector costs a room: drawing one record's frame for it, against the teacher's.

Usage: python bench/projector.py [LEARNERS] [MESSAGES]

Builds a room in memory (no server, no database) with LEARNERS learners, one in ten running a
Payment instance and the rest subscribed to order-events as one of four services, and publishes
MESSAGES events nobody acknowledges, the worst case for counting what waits. Then it times, in
the same run, the teacher's frame for the last record (its log line is drawn once per process,
so this is nearly nothing), the projector's, and the projector's view counted over every message
instead of the latest (the baseline the window is held against). The last line is
``RESULT ... teacher_ms=... projector_ms=... view_ms=... view_all_ms=... view_ratio=...``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from classroom import projector, rendering  # noqa: E402
from classroom.room import TEACHER, RoomState, opened_record  # noqa: E402

SERVICES = ("Email", "Inventory", "Analytics", "Fraud")


def build(learners: int, messages: int) -> tuple[RoomState, dict]:
    state = RoomState()
    state.record(opened_record("BENCH1", "order-flow", ""), 0)
    for n in range(learners):
        pid = f"p{n}"
        state.act(pid, "join", {"name": f"Learner {n}"}, 0)
        if n % 10 == 0:
            role = {"kind": "handler", "service": "Payment"}
        else:
            role = {"kind": "subscriber", "service": SERVICES[n % 4], "topic": "order-events"}
        state.act(pid, "role", role, 0)
    record = None
    for _ in range(messages):
        (record,) = state.act(TEACHER, "publish", {"name": "OrderPlaced"}, 0)
    return state, record


def per_call_ms(work, repeat: int) -> float:
    work()  # templates compiled, caches warm
    start = time.perf_counter()
    for _ in range(repeat):
        work()
    return (time.perf_counter() - start) / repeat * 1000


def main() -> None:
    learners = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    messages = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    state, record = build(learners, messages)
    teacher = per_call_ms(lambda: rendering.record_frame(state, TEACHER, record), 30)
    screen = per_call_ms(lambda: rendering.record_frame(state, projector.PROJECTOR, record), 30)
    view = per_call_ms(lambda: projector.view(state), 30)
    window, projector.RECENT_MESSAGES = projector.RECENT_MESSAGES, 10**9
    view_all = per_call_ms(lambda: projector.view(state), 10)
    projector.RECENT_MESSAGES = window
    print(
        f"RESULT learners={learners} messages={messages} teacher_ms={teacher:.2f} "
        f"projector_ms={screen:.2f} view_ms={view:.2f} view_all_ms={view_all:.2f} "
        f"view_ratio={view_all / view:.1f}"
    )


if __name__ == "__main__":
    main()
