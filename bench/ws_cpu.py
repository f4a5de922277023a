"""CPU spent per simulator socket, in process: what bench/ws.py's capacity is made of, on a busy
machine.

bench/ws.py measures capacity in wall time, which only a quiet machine can give. This one counts
CPU instead: the process's own CPU time (all threads), so other work on the machine hardly moves
it. Each code tree given (a checkout of the site: this one, an older commit's worktree) runs in a
child process of its own, on a fresh SQLite database, with the whole ASGI application (origin
check, session and user lookup, routing, the consumer) driven in process by a minimal client
(`Socket`: two queues of ASGI messages), so no server, client process or network is involved.
The trees run in turn, ROUNDS times, so that a change in the machine's load between them shows
as a spread; with `--together` each round runs them at the same time, so that they share
whatever the rest of the machine is doing, which on a busy machine is the fairer comparison.

Each child does the same scripted session:
    * connect: LEARNERS sockets, one after the other, each with its own session (a learner key,
      so a stored sandbox), each waiting for its first frame. CPU per connect.
    * play: all of them together for PLAY_S seconds, as bench/ws.py's learners do: skip the
      prediction, play, read at every pause the scenario makes, and at the end publish an event,
      reset and play again. CPU per paced frame (the frames the runner sends on its clock, the
      ones that multiply with learners), and CPU milliseconds per second per learner.
    * close: every socket closes (each saves its sandbox). CPU per close.
The client's share (queues, a regular expression per frame) is billed too, equally to every tree.
Also printed: the main thread's share (the event loop, where lateness comes from), the time spent
in garbage collection and its longest pause, and how many objects the collector tracks per
learner, idle and playing.

Run: `.venv/bin/python bench/ws_cpu.py /work/old-checkout . --together` (a minute or two per
round). `--profile DIR` also writes a cProfile of each tree's connect and play phases; `--calls`
counts the calls and CPU of a few functions found in every tree (COUNTED), at some cost of its
own. The last line is `RESULT` with, for each tree in the order given, the median CPU per paced
frame and per connect.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LEARNERS = 100
PLAY_S = 20.0
ROUNDS = 3
SCENARIO = "order-flow"
THINK_S = (1.0, 3.0)
START_SPREAD_S = 3.0
PUBLISH = {"action": "publish", "name": "OrderPlaced", "payload": {"order": "again"}}
# The entry the simulator page writes into a new visitor's session (learners.identity).
LEARNER_KEY = "courseware_learner_key"
HOST = "127.0.0.1"
LENGTH = re.compile(r'"length": (\d+)')
LATE = re.compile(r'"late_ms": ([0-9.]+)')


# -- the child: one tree, one scripted session -----------------------------------------------


def child(tree: Path, learners: int, play_s: float, profile: str | None, calls: bool) -> dict:
    os.chdir(tree)
    sys.path.insert(0, str(tree))
    workdir = Path(tempfile.mkdtemp(prefix="ws-cpu-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-0c7e2d9a4b6f8e1a3c5d7f9b2e4a6c8d",
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
    )
    for name in ("REDIS_URL", "DJANGO_BENCH_ECHO"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    cookies = _mint_sessions(learners + 1)
    from config.asgi import application

    # Counting costs CPU of its own, so it is done only when asked for.
    counted = _count_calls(COUNTED) if calls else {}
    result = asyncio.run(_session(application, cookies, play_s, profile))
    result["calls"] = {name: (c[0], c[1] * 1e6 / max(c[0], 1)) for name, c in counted.items()}
    return result


# Synchronous functions on the socket path found in every tree; each one's calls and CPU (of the
# thread that ran it) are counted, for a breakdown of what a frame or a connect costs.
COUNTED = (
    "simulator.sandboxes.sandbox_for",
    "simulator.sandboxes.engine_for",
    "simulator.sandboxes.save_progress",
    "simulator.sandboxes.store_restart",
    "simulator.sandboxes.write_together",
    "simulator.rendering.steps_text",
    "simulator.rendering.state_text",
    "simulator.rendering.first_state",
    "simulator.rendering.known_first_state",
    "simulator.frames.decode",
    "simulator.runner.Runner.step",
    "simulator.runner.Runner.next_time",
)


def _count_calls(names) -> dict[str, list]:
    import pkgutil

    counted: dict[str, list] = {}
    for name in names:
        try:
            owner_name, _, attr = name.rpartition(".")
            owner = pkgutil.resolve_name(owner_name)
            original = getattr(owner, attr)
        except (ImportError, AttributeError):
            continue
        tally = counted[name] = [0, 0.0]

        def wrapper(*args, _original=original, _tally=tally, **kwargs):
            start = time.thread_time()
            try:
                return _original(*args, **kwargs)
            finally:
                _tally[0] += 1
                _tally[1] += time.thread_time() - start

        setattr(owner, attr, wrapper)
        # Modules that imported the function by name hold their own reference to it.
        for module in list(sys.modules.values()):
            if getattr(module, "__file__", None) and module.__dict__.get(attr) is original:
                setattr(module, attr, wrapper)
    return counted


def _mint_sessions(count: int) -> list[bytes]:
    import secrets

    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    keys = []
    with transaction.atomic():
        for _ in range(count):
            session = SessionStore()
            session[LEARNER_KEY] = secrets.token_hex(16)
            session.create()
            keys.append(f"sessionid={session.session_key}".encode())
    return keys


async def _session(application, cookies: list[bytes], play_s: float, profile: str | None) -> dict:
    def opener(cookie: bytes) -> Socket:
        return Socket(application, cookie)

    # The first socket of a process pays for its start-up (config/startup.py in newer trees, the
    # import of config/asgi.py in older ones): one socket opens and closes before anything counts.
    warm_up = opener(cookies.pop())
    await warm_up.connect()
    await warm_up.receive()
    await warm_up.disconnect()

    import gc

    gc.collect()
    objects_before = len(gc.get_objects())
    sockets = []
    connect_profiler = cProfile.Profile() if profile else None
    if connect_profiler:
        connect_profiler.enable()
    cpu = time.process_time()
    for cookie in cookies:
        socket = opener(cookie)
        await socket.connect()
        first = json.loads(await socket.receive())
        sockets.append((socket, first))
    connect_cpu = time.process_time() - cpu
    if connect_profiler:
        connect_profiler.disable()
        connect_profiler.dump_stats(f"{profile}.connect")
    gc_time = [0.0, 0.0, 0]

    def on_gc(phase, info):
        if phase == "start":
            gc_time[1] = time.perf_counter()
        else:
            pause = time.perf_counter() - gc_time[1]
            gc_time[0] += pause
            gc_time[2] = max(gc_time[2], pause)

    gc.callbacks.append(on_gc)
    final_length = _final_length()
    gc.collect()
    objects_idle = (len(gc.get_objects()) - objects_before) / len(sockets)

    counts = {"paced": 0, "actions": 0, "errors": 0}
    late: list[float] = []
    rng = random.Random(1)
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    cpu = time.process_time()
    main_cpu = time.thread_time()
    started = time.monotonic()
    await asyncio.gather(
        *(
            _learner(socket, first, random.Random(rng.random()), play_s, final_length, counts, late)
            for socket, first in sockets
        )
    )
    play_cpu = time.process_time() - cpu
    objects_playing = (len(gc.get_objects()) - objects_before) / len(sockets)
    play_main = time.thread_time() - main_cpu
    gc.callbacks.remove(on_gc)
    elapsed = time.monotonic() - started
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)

    cpu = time.process_time()
    for socket, _ in sockets:
        await socket.disconnect()
    close_cpu = time.process_time() - cpu
    learners = len(sockets)
    late.sort()
    return {
        "connect_us": connect_cpu / learners * 1e6,
        "paced_frames": counts["paced"],
        "actions": counts["actions"],
        "errors": counts["errors"],
        "frame_us": play_cpu / max(counts["paced"], 1) * 1e6,
        "frame_main_us": play_main / max(counts["paced"], 1) * 1e6,
        "gc_s": gc_time[0],
        "gc_max_ms": gc_time[2] * 1000,
        "ms_per_s_per_learner": play_cpu / elapsed / learners * 1000.0,
        "late_p99_ms": late[int(len(late) * 0.99)] if late else None,
        "close_us": close_cpu / learners * 1e6,
        "objects_idle": objects_idle,
        "objects_playing": objects_playing,
    }


def _final_length() -> int:
    from simulator.engine import load_scenario

    scenario = load_scenario(SCENARIO)
    try:
        from naming.shared import course_classifier
    except ImportError:  # a tree from before the classifier was injected
        return len(scenario.run().trace)
    return len(scenario.run(classify_name=course_classifier).trace)


async def _learner(socket, first, think, play_s, final_length, counts, late) -> None:
    length = first.get("length", 0)

    def seen(text: str) -> bool:
        """Notes a frame; True for a paced one. Only what is needed is read from the text."""
        nonlocal length
        found = LENGTH.search(text)
        if found:
            length = int(found.group(1))
        if '"type": "error"' in text:
            counts["errors"] += 1
        lateness = LATE.search(text)
        if lateness:
            counts["paced"] += 1
            late.append(float(lateness.group(1)))
            return True
        return False

    async def act(frame: dict) -> None:
        await socket.send(json.dumps(frame))
        counts["actions"] += 1
        while seen(await socket.receive()):
            pass

    async def read() -> None:
        await asyncio.sleep(think.uniform(*THINK_S))

    async def script() -> None:
        await asyncio.sleep(think.uniform(0, START_SPREAD_S))
        await act({"action": "predict", "skip": True})
        await act({"action": "play"})
        while True:
            if length >= final_length:
                await read()
                await act(PUBLISH)
                await act({"action": "reset"})
                await act({"action": "play"})
                continue
            text = await socket.receive()
            if not seen(text) and _is_pause(text):
                await read()
                await act({"action": "play"})

    try:
        async with asyncio.timeout(play_s):
            await script()
    except TimeoutError:
        pass


def _is_pause(text: str) -> bool:
    """A state frame of a run that is not playing: the guided run stopped for the learner."""
    frame = json.loads(text)
    return frame.get("type") == "state" and not frame.get("playing")


class Socket:
    """The least a client can be: the ASGI messages of one WebSocket, through two queues.

    Channels' WebsocketCommunicator puts a timeout around every message, which cost the client
    more than the server spent on the frame; here one timeout covers the whole play phase.
    """

    def __init__(self, application, cookie: bytes) -> None:
        self.to_app: asyncio.Queue = asyncio.Queue()
        self.from_app: asyncio.Queue = asyncio.Queue()
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "path": "/ws/simulator/",
            "raw_path": b"/ws/simulator/",
            "query_string": f"scenario={SCENARIO}".encode(),
            "headers": [
                (b"host", HOST.encode()),
                (b"origin", f"http://{HOST}".encode()),
                (b"cookie", cookie),
            ],
            "client": (HOST, 50000),
            "server": (HOST, 8000),
            "subprotocols": [],
        }
        self.task = asyncio.ensure_future(application(scope, self.to_app.get, self.from_app.put))

    async def connect(self) -> None:
        await self.to_app.put({"type": "websocket.connect"})
        answer = await self.from_app.get()
        if answer["type"] != "websocket.accept":
            raise RuntimeError(f"the socket was refused: {answer}")

    async def send(self, text: str) -> None:
        await self.to_app.put({"type": "websocket.receive", "text": text})

    async def receive(self) -> str:
        message = await self.from_app.get()
        if message["type"] != "websocket.send":
            raise RuntimeError(f"expected a frame, got {message}")
        return message["text"]

    async def disconnect(self) -> None:
        await self.to_app.put({"type": "websocket.disconnect", "code": 1000})
        await asyncio.wait_for(self.task, 30)


# -- the parent: the trees in turn, and the table ----------------------------------------------


def start_child(tree: Path, args, profile: str | None) -> subprocess.Popen:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        str(tree),
        "--learners",
        str(args.learners),
        "--play-seconds",
        str(args.play_seconds),
    ]
    if profile:
        command += ["--profile-file", profile]
    if args.calls:
        command.append("--calls")
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def result_of(tree: Path, child: subprocess.Popen) -> dict:
    out, err = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"{tree} failed:\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*", type=Path, default=[ROOT])
    parser.add_argument("--learners", type=int, default=LEARNERS)
    parser.add_argument("--play-seconds", type=float, default=PLAY_S)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--profile", type=Path, help="a folder for each tree's play profile")
    parser.add_argument(
        "--together", action="store_true", help="run the trees at the same time, not in turn"
    )
    parser.add_argument("--calls", action="store_true", help="print each counted function")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = child(
            args.child.resolve(), args.learners, args.play_seconds, args.profile_file, args.calls
        )
        print(json.dumps(result))
        return

    trees = [t.resolve() for t in args.trees]
    print(f"{args.learners} learners, {args.play_seconds:.0f} s of play, {args.rounds} rounds")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    results: dict[Path, list[dict]] = {t: [] for t in trees}
    for round_ in range(args.rounds):
        children = []
        for i, tree in enumerate(trees):
            profile = None
            if args.profile and round_ == 0:
                args.profile.mkdir(parents=True, exist_ok=True)
                profile = str(args.profile / f"tree{i}.prof")
            proc = start_child(tree, args, profile)
            # In turn, each child ends before the next starts; together, they all run at once.
            children.append((tree, proc, None if args.together else result_of(tree, proc)))
        for tree, proc, done in children:
            result = done or result_of(tree, proc)
            results[tree].append(result)
            print(
                f"round {round_ + 1} {tree}: connect {result['connect_us']:.0f} us, "
                f"paced frame {result['frame_us']:.0f} us ({result['paced_frames']} frames, "
                f"{result['actions']} actions, {result['errors']} errors), "
                f"{result['ms_per_s_per_learner']:.2f} ms/s per learner, "
                f"close {result['close_us']:.0f} us, p99 lateness {result['late_p99_ms']} ms; "
                f"main thread {result['frame_main_us']:.0f} us a frame, "
                f"gc {result['gc_s']:.2f} s (longest {result['gc_max_ms']:.0f} ms); objects "
                f"tracked per learner {result['objects_idle']:.0f} idle, "
                f"{result['objects_playing']:.0f} playing",
                flush=True,
            )
            if args.calls:
                for name, (calls, us) in result["calls"].items():
                    print(f"    {name}: {calls} calls, {us:.0f} us each")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    summary = []
    for i, tree in enumerate(trees):
        frame = statistics.median(r["frame_us"] for r in results[tree])
        connect = statistics.median(r["connect_us"] for r in results[tree])
        close = statistics.median(r["close_us"] for r in results[tree])
        print(
            f"{tree}: median paced frame {frame:.0f} us, connect {connect:.0f} us, "
            f"close {close:.0f} us"
        )
        summary.append(f"frame_us_{i}={frame:.0f} connect_us_{i}={connect:.0f}")
    print("RESULT " + " ".join(summary))


if __name__ == "__main__":
    main()
