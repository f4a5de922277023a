"""Kills the server while learners act, and checks that nothing it acknowledged was lost.

What runs
    One daphne process at a time on one database. Each round starts the server, gives every
    learner a fresh session (by opening /simulator/, as a browser does), and lets them act over
    their sockets: most send inputs one after another, each numbered in its payload, and count
    an input as acknowledged when the frame answering it arrives; one also plays its sandbox.
    After a random moment the server is killed, with SIGTERM or SIGKILL in turn.

What is checked, after every kill
    Every acknowledged input is in its learner's stored sandbox. After SIGTERM, which lets the
    server shut down, the player's stored clock has also reached at least what its screen last
    showed (a SIGKILL cannot save play progress that no input made, and is not asked to).
    The next round's server starts on the same database, so every round is also a restart.

Run: `.venv/bin/python bench/kill.py` (SQLite in a temporary folder; about 5 minutes for 50
kills), or under scripts/with-postgres.sh to use the DATABASE_URL it sets. The last line is
`RESULT kills=... acked=... lost=... progress_lost=...`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from websockets.asyncio.client import connect  # noqa: E402

from bench.harness import manage, server_env, spawn_daphne, wait_until_listening  # noqa: E402

KILL_AFTER_S = (0.3, 2.0)


@dataclass
class Learner:
    key: str = ""  # the learner key of its session, which owns its sandbox
    cookie: str = ""
    acked: list[int] = field(default_factory=list)
    shown_length: int = 0  # the longest trace the player's screen showed
    errors: list[str] = field(default_factory=list)


def open_session(port: int) -> Learner:
    """A learner's session, made the way a browser makes one: by opening the simulator page.

    The page stores the learner's empty sandbox; the one that was not there before is theirs.
    """
    from simulator.models import Sandbox

    before = set(Sandbox.objects.values_list("session_key", flat=True))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/simulator/")
    response = conn.getresponse()
    response.read()
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith("sessionid="):
            cookie = value.split(";", 1)[0]
            (key,) = set(Sandbox.objects.values_list("session_key", flat=True)) - before
            return Learner(key=key, cookie=cookie)
    raise RuntimeError(f"no session cookie from /simulator/ (status {response.status})")


async def act(port: int, learner: Learner, *, plays: bool) -> None:
    """Sends numbered inputs one after another until the server goes away."""
    origin = f"http://127.0.0.1:{port}"
    headers = {"Origin": origin, "Cookie": learner.cookie}
    with contextlib.suppress(Exception):  # the server being killed ends every socket
        async with connect(
            f"ws://127.0.0.1:{port}/ws/simulator/", additional_headers=headers
        ) as ws:
            json.loads(await ws.recv())
            if plays:
                await ws.send(json.dumps({"action": "send", "name": "PlaceOrder"}))
                await ws.send(json.dumps({"action": "play"}))
                while True:
                    frame = json.loads(await ws.recv())
                    learner.shown_length = max(learner.shown_length, frame.get("length", 0))
            k = 0
            while True:
                frame_out = {"action": "send", "name": "PlaceOrder", "payload": {"k": k}}
                await ws.send(json.dumps(frame_out))
                while True:
                    frame = json.loads(await ws.recv())
                    if frame["type"] == "steps":
                        learner.acked.append(k)
                        break
                    if frame["type"] == "error":
                        learner.errors.append(frame["code"])
                        break
                k += 1
                await asyncio.sleep(random.uniform(0, 0.02))


async def act_until(port: int, learners: list[Learner], kill: Callable[[], None], after: float):
    tasks = [
        asyncio.create_task(act(port, learner, plays=i == 0)) for i, learner in enumerate(learners)
    ]
    await asyncio.sleep(after)
    await asyncio.to_thread(kill)
    await asyncio.wait(tasks, timeout=15)
    for task in tasks:
        task.cancel()


@dataclass
class Tally:
    kills: int = 0
    sigterm: int = 0
    sigkill: int = 0
    acked: int = 0
    lost: int = 0
    progress_checked: int = 0
    progress_lost: int = 0
    failures: list[str] = field(default_factory=list)


def check(learners: list[Learner], graceful: bool, tally: Tally) -> None:
    """Reads what the database kept for each learner; runs with Django set up on that database."""
    from simulator.models import Sandbox
    from simulator.sandboxes import engine_for

    for i, learner in enumerate(learners):
        sandbox = Sandbox.objects.filter(session_key=learner.key).first()
        inputs = sandbox.inputs if sandbox is not None else []
        if i == 0:
            if graceful and learner.shown_length:
                tally.progress_checked += 1
                shown = len(engine_for(sandbox).trace) if sandbox is not None else 0
                if shown < learner.shown_length:
                    tally.progress_lost += 1
                    tally.failures.append(
                        f"player saved {shown} records of {learner.shown_length} shown"
                    )
            continue
        stored = {i.get("payload", {}).get("k") for i in inputs}
        missing = [k for k in learner.acked if k not in stored]
        tally.acked += len(learner.acked)
        tally.lost += len(missing)
        if missing:
            tally.failures.append(f"learner {i}: acknowledged {missing[:5]} not stored")


def run(
    *,
    env: Mapping[str, str],
    log_dir: Path,
    kills: int,
    learners: int,
    seed: int,
    on_round: Callable[[int, Tally], None] | None = None,
) -> Tally:
    """`kills` rounds of start, act, kill, check. Django must already be set up on the same
    database as `env` gives the servers."""
    rng = random.Random(seed)
    random.seed(seed)
    tally = Tally()
    for round_number in range(kills):
        server = spawn_daphne(env=env, log_path=log_dir / f"daphne-{round_number}.log")
        wait_until_listening([server], timeout=60)
        people = [open_session(server.port) for _ in range(learners)]
        graceful = round_number % 2 == 0
        signum = signal.SIGTERM if graceful else signal.SIGKILL

        def kill(server=server, signum=signum):
            server.process.send_signal(signum)
            try:
                server.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                tally.failures.append("the server did not stop within 30 s of SIGTERM")
                server.process.kill()
                server.process.wait()

        asyncio.run(act_until(server.port, people, kill, rng.uniform(*KILL_AFTER_S)))
        tally.kills += 1
        tally.sigterm += graceful
        tally.sigkill += not graceful
        check(people, graceful, tally)
        if "Traceback" in server.log():
            tally.failures.append(f"a traceback in {server.log_path}")
        if on_round is not None:
            on_round(round_number, tally)
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--learners", type=int, default=6)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kill-") as folder:
        directory = Path(folder)
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{directory / 'kill.sqlite3'}"
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django
        from django.db import connection

        django.setup()
        manage({**os.environ, "DATABASE_URL": url}, "migrate", "-v0")
        env = server_env(connection.settings_dict)
        started = time.monotonic()

        def progress(n: int, tally: Tally) -> None:
            print(
                f"kill {n + 1}: acked {tally.acked} lost {tally.lost}"
                f" progress_lost {tally.progress_lost}",
                flush=True,
            )

        tally = run(
            env=env,
            log_dir=directory,
            kills=args.kills,
            learners=args.learners,
            seed=args.seed,
            on_round=progress,
        )
        for failure in tally.failures:
            print("FAILED:", failure)
        print(
            f"RESULT kills={tally.kills} sigterm={tally.sigterm} sigkill={tally.sigkill}"
            f" learners={args.learners} acked={tally.acked} lost={tally.lost}"
            f" progress_checked={tally.progress_checked} progress_lost={tally.progress_lost}"
            f" failures={len(tally.failures)} seconds={time.monotonic() - started:.0f}"
        )


if __name__ == "__main__":
    main()
