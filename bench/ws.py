"""Simulated learners on one daphne process, held against an echo socket on the same server.

What runs
    A throwaway SQLite database in a temporary folder is migrated, then one daphne process serves
    the site with production settings (DEBUG off, as the browser tests run it) plus
    DJANGO_BENCH_ECHO=1, which adds the trivial echo socket `/ws/echo/`. The clients run in
    CLIENT_PROCS separate processes (asyncio and the `websockets` library), so that the client's
    own event loop is less likely to be what is measured; each process also records how late its
    own loop wakes up, and that figure is printed, so a saturated client would show.

The learners
    Every learner has a session holding a learner key, so its sandbox is a real stored one (saved
    on pause, reset and disconnect), not the unsaved sandbox of a visitor without a session. The
    first PAGE_VISITS get it the way a browser does, by opening `/simulator/?scenario=order-flow`;
    the rest get the same session written straight into the database, because rendering that page
    2,000 times took over a minute of the bench's ten and is not what is measured.
    A learner's socket opens with its cookie and loops over the order-flow scenario at 1x: `play`;
    at each of the scenario's pauses it "reads" for THINK_S seconds and sends `play` again; when
    the trace reaches the scenario's final length (known in advance, the engine being
    deterministic) it reads again, publishes an event (an engine input, what a learner might try
    next), then sends `reset` and `play`. A person would read for longer, so the load per learner
    is, if anything, heavier than a real class's. Learners start over the first START_SPREAD_S
    seconds, so that they do not move in lockstep.

What is measured, for each N
    * action to first frame: from sending `play`, `reset` or the publish to receiving the first
      frame that answers it. Paced frames carry `late_ms` and answers never do, so a paced frame
      arriving meanwhile is not mistaken for the answer.
    * lateness of paced frames: the `late_ms` the server puts in every frame of the paced run
      (sent time minus the time the runner scheduled it), so the client's clock plays no part.
    * server CPU: utime + stime of the daphne process (all its threads) from /proc/<pid>/stat over
      the phase; memory: VmRSS from /proc/<pid>/status. Between phases the bench waits for the
      server to go quiet, so that one phase's backlog is not billed to the next.
    * the baseline: right after the learners leave, the same N sockets connect to `/ws/echo/` and
      each makes, one after the other, as many round trips as the learners sent actions on average
      (closed loop, as fast as answers come back). This is the load the echo baselines in the
      design notes were measured with. ECHO_BURSTS bursts are run; their median p99 is used.
    * idle memory: before any playing, learners are connected in steps up to the largest N and
      left idle for IDLE_S (socket open, scenario loaded, not playing); KiB per learner is the
      growth of the server's RSS over the RSS after a warm-up, divided by the number connected.
      The same is done with echo sockets on a second, fresh daphne process: what a bare socket
      costs.
    * when even the smallest N falls behind, N is halved (down to MIN_PROBE) until one keeps up,
      so that the capacity is a number.
    The percentiles of a phase (actions and lateness) are taken over the whole phase; these are
    what the goals are judged on. The p99 of each third is printed beside them, to tell a single
    stall (one third far above the others) from a server that falls behind and stays behind.

Goals (from the issue): at N=500 the learners' p99 action-to-first-frame within 1.5x the echo
p99; capacity (the largest N whose p99 lateness stays under 100 ms) at least 1,000; under 50 KiB
per idle learner. The last line is `RESULT capacity=.. p99_ratio_500=.. kib_per_learner=..`.

Run: `.venv/bin/python bench/ws.py` (about 8-10 minutes; `--levels 100,250 --play-seconds 20` for
a quick look). The machine's load average is printed: on a shared machine, read it first.
Length: one script on purpose, so that the whole measurement (clients, phases, the rules that
judge them, the table) can be read and rerun as a unit; the servers are started by
bench/harness.py like every other bench.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import http.client
import json
import math
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from websockets.asyncio.client import connect  # noqa: E402

from bench.common import (  # noqa: E402
    ClientPool,
    cpu_seconds,
    percentile,
    rss_kib,
    serve_commands,
)
from bench.harness import (  # noqa: E402
    ServerProcess,
    manage,
    prepare_site,
    server_env,
    sqlite_database,
    start_daphne,
)
from naming.shared import course_classifier  # noqa: E402
from simulator.engine import load_scenario  # noqa: E402

LEVELS = (250, 500, 1000, 2000)
SCENARIO = "order-flow"
PLAY_S = 30.0
# Learners start over the first START_SPREAD_S seconds, so that they do not move in lockstep.
START_SPREAD_S = 5.0
THINK_S = (1.0, 3.0)
ECHO_BURSTS = 3
# Each phase's p99s are also printed per third: a single stall shows in one of them.
WINDOWS = 3
CLIENT_PROCS = 2
# Sockets each client process opens at once: daphne accepts from a listen backlog of 50.
CONNECT_AT_ONCE = 20
SESSION_THREADS = 4
# Learners whose session comes from really opening the page; see "The learners" above.
PAGE_VISITS = 40
# A learner that hears nothing for this long while playing gives up and starts over.
STALL_S = 15.0
LATENESS_LIMIT_MS = 100.0
MIN_PROBE = 30
PROBE_PLAY_S = 30.0
GOAL_RATIO = 1.5
GOAL_KIB = 50.0
GOAL_CAPACITY = 1000
IDLE_S = 7.0
PUBLISH = {"action": "publish", "name": "OrderPlaced", "payload": {"order": "again"}}
ECHO_TEXT = json.dumps({"action": "play"})
APP = "config.asgi:application"


def windowed(timed: list[tuple[float, float]], span: float, q: float) -> list[float]:
    """The q-th percentile of each third of a phase: one noisy stretch moves one figure of three."""
    windows: list[list[float]] = [[] for _ in range(WINDOWS)]
    for t, value in timed:
        windows[min(max(int(t / span * WINDOWS), 0), WINDOWS - 1)].append(value)
    return [percentile(w, q) for w in windows]


def idle(kib: dict[int, float], n: int) -> str:
    return f"{kib[n]:.1f}" if n in kib else "n/a"


def met(ok: bool) -> str:
    return "met" if ok else "MISSED"


# -- the server ------------------------------------------------------------------------------


class Server:
    """One daphne process on a throwaway database, with the echo socket routed."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.server: ServerProcess | None = None
        # Without REDIS_URL the server is the single process the issue asks about, on the
        # in-memory channel layer, whatever the shell that started the bench has set.
        self.env = server_env(
            sqlite_database(workdir / "bench.sqlite3"),
            {"DJANGO_BENCH_ECHO": "1", "DJANGO_LOG_LEVEL": "WARNING"},
        )

    @property
    def url(self) -> str:
        return f"127.0.0.1:{self.server.port}"

    def mint_sessions(self, count: int) -> list[str]:
        out = manage(self.env, "shell", "--verbosity", "0", "-c", MINT_SESSIONS.format(count=count))
        keys = json.loads(out.strip().splitlines()[-1])
        return [f"sessionid={key}" for key in keys]

    def start(self, *, prepare: bool = True) -> None:
        if prepare:
            prepare_site(self.env)
        log_path = self.workdir / f"daphne-{len(list(self.workdir.glob('daphne-*.log')))}.log"
        self.server = start_daphne(env=self.env, log_path=log_path, application=APP)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.server.pid)

    def rss_kib(self) -> int:
        return rss_kib(self.server.pid)

    def log_text(self) -> str:
        return self.server.log()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop(timeout=15)


# What the simulator page does for a new visitor (learners.identity.learner_for_request), done
# straight in the database for many learners at once.
MINT_SESSIONS = """
import json, secrets
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from learners.identity import LEARNER_KEY
keys = []
with transaction.atomic():
    for _ in range({count}):
        session = SessionStore()
        session[LEARNER_KEY] = secrets.token_hex(16)
        session.create()
        keys.append(session.session_key)
print(json.dumps(keys))
"""


def new_session(host: str) -> str:
    """The cookie header of a fresh learner who has opened the scenario's page."""
    conn = http.client.HTTPConnection(host, timeout=60)
    try:
        conn.request("GET", f"/simulator/?scenario={SCENARIO}")
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET /simulator/ answered {response.status}")
        cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
    finally:
        conn.close()
    session = [c for c in cookies if c.startswith("sessionid=")]
    if not session:
        raise RuntimeError("the simulator page set no session cookie")
    return session[0]


# -- the clients (one asyncio loop per process) ----------------------------------------------


class Samples:
    """What one client process heard in a phase; timed samples are (seconds in, ms)."""

    def __init__(self, start: float) -> None:
        self.start = start
        self.actions: list[tuple[float, float]] = []
        self.by_action: dict[str, list[float]] = {}
        self.late: list[tuple[float, float]] = []
        self.errors: list[str] = []
        self.stalls = 0
        self.loops = 0
        self.bytes = 0

    def action(self, name: str, ms: float) -> None:
        self.actions.append((time.monotonic() - self.start, ms))
        self.by_action.setdefault(name, []).append(ms)


class Client:
    """One client process's sockets; serve_commands runs its methods for the main process."""

    def __init__(self, host: str, final_length: int, seed: int):
        self.host = host
        self.final_length = final_length
        self.rng = random.Random(seed)
        self.learners: list[tuple[object, dict]] = []
        self.echoes: list[object] = []

    async def _open(self, path: str, headers: list[tuple[str, str]], host: str | None = None):
        host = host or self.host
        return await connect(
            f"ws://{host}{path}",
            origin=f"http://{host}",
            additional_headers=headers,
            compression=None,
            ping_interval=None,
            open_timeout=60,
            close_timeout=5,
            max_size=4 * 1024 * 1024,
        )

    async def _open_many(self, count: int, opener) -> tuple[list, int]:
        gate = asyncio.Semaphore(CONNECT_AT_ONCE)

        async def one(i):
            async with gate:
                return await opener(i)

        results = await asyncio.gather(*(one(i) for i in range(count)), return_exceptions=True)
        opened = [r for r in results if not isinstance(r, BaseException)]
        return opened, count - len(opened)

    async def connect_learners(self, cookies: list[str]) -> dict:
        self.learners = []
        return await self.add_learners(cookies)

    async def add_learners(self, cookies: list[str]) -> dict:
        start = time.monotonic()

        async def opener(i):
            ws = await self._open(f"/ws/simulator/?scenario={SCENARIO}", [("Cookie", cookies[i])])
            first = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
            if first.get("type") != "state":
                raise RuntimeError(f"first frame was {first.get('type')}")
            return ws, first

        opened, failed = await self._open_many(len(cookies), opener)
        self.learners += opened
        return {"opened": len(opened), "failed": failed, "s": time.monotonic() - start}

    async def close_learners(self) -> dict:
        await asyncio.gather(*(ws.close() for ws, _ in self.learners), return_exceptions=True)
        self.learners = []
        return {}

    async def play(self, seconds: float) -> dict:
        samples = Samples(time.monotonic())
        lags: list[float] = []
        stop = asyncio.Event()
        deadline = time.monotonic() + seconds
        cpu = time.process_time()

        async def watch_loop():
            while not stop.is_set():
                before = time.monotonic()
                await asyncio.sleep(0.05)
                lags.append((time.monotonic() - before - 0.05) * 1000.0)

        async def run(ws, first):
            await asyncio.sleep(self.rng.uniform(0, START_SPREAD_S))
            think = random.Random(self.rng.random())
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout_at(asyncio.get_running_loop().time() + seconds):
                    await self._learner(ws, first, think, samples)

        watcher = asyncio.create_task(watch_loop())
        await asyncio.gather(*(run(ws, first) for ws, first in self.learners))
        stop.set()
        await watcher
        elapsed = seconds - (deadline - time.monotonic())
        return {
            "actions": samples.actions,
            "by_action": samples.by_action,
            "late": samples.late,
            "errors": samples.errors[:20],
            "error_count": len(samples.errors),
            "stalls": samples.stalls,
            "loops": samples.loops,
            "bytes": samples.bytes,
            "lag_p99": percentile(lags, 99),
            "cpu_share": (time.process_time() - cpu) / max(elapsed, 1e-9),
            "s": elapsed,
        }

    async def _learner(self, ws, first: dict, think: random.Random, out: Samples) -> None:
        length = first.get("length", 0)

        def seen(frame: dict, raw: str) -> bool:
            """Notes a paced frame; True when `frame` was one."""
            nonlocal length
            out.bytes += len(raw)
            length = frame.get("length", length)
            if "late_ms" in frame:
                out.late.append((time.monotonic() - out.start, frame["late_ms"]))
                return True
            if frame.get("type") == "error":
                out.errors.append(frame.get("message", "?"))
            return False

        async def act(frame: dict) -> dict:
            sent = time.monotonic()
            await ws.send(json.dumps(frame))
            while True:
                raw = await asyncio.wait_for(ws.recv(), timeout=STALL_S * 4)
                received = time.monotonic()
                answer = json.loads(raw)
                if not seen(answer, raw):
                    out.action(frame["action"], (received - sent) * 1000.0)
                    return answer

        async def read() -> None:
            await asyncio.sleep(think.uniform(*THINK_S))

        if length:
            await act({"action": "reset"})
        # A guided scenario waits for a prediction before it plays; a reset keeps it.
        await act({"action": "predict", "skip": True})
        await act({"action": "play"})
        while True:
            if length >= self.final_length:
                out.loops += 1
                await read()
                await act(PUBLISH)
                await act({"action": "reset"})
                await act({"action": "play"})
                continue
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=STALL_S)
            except TimeoutError:
                out.stalls += 1
                await act({"action": "reset"})
                await act({"action": "play"})
                continue
            frame = json.loads(raw)
            if seen(frame, raw):
                continue
            if frame.get("type") == "state" and not frame.get("playing"):
                # The guided run stopped at a moment worth reading about.
                await read()
                await act({"action": "play"})

    async def open_echoes(self, count: int, host: str | None = None) -> dict:
        """Opens `count` more echo sockets, on another server when `host` is given."""
        start = time.monotonic()
        opened, failed = await self._open_many(
            count, lambda i: self._open("/ws/echo/", [], host=host)
        )
        self.echoes += opened
        return {"opened": len(opened), "failed": failed, "s": time.monotonic() - start}

    async def echo_burst(self, messages: int) -> dict:
        rtts: list[float] = []

        async def one(ws):
            for _ in range(messages):
                sent = time.monotonic()
                await ws.send(ECHO_TEXT)
                await ws.recv()
                rtts.append((time.monotonic() - sent) * 1000.0)

        start = time.monotonic()
        await asyncio.gather(*(one(ws) for ws in self.echoes))
        return {"rtts": rtts, "s": time.monotonic() - start}

    async def close_echoes(self) -> dict:
        await asyncio.gather(*(ws.close() for ws in self.echoes), return_exceptions=True)
        self.echoes = []
        return {}


def client_main(conn, host: str, final_length: int, seed: int) -> None:
    asyncio.run(serve_commands(conn, Client(host, final_length, seed)))


class Clients(ClientPool):
    """The client processes, each running `client_main` for its share of the learners."""

    def __init__(self, host: str, final_length: int, count: int):
        super().__init__(count, client_main, lambda i: (host, final_length, 1000 + i))


# -- the run ---------------------------------------------------------------------------------


def connect_learners(clients: Clients, cookies: list[str]) -> int:
    answers = clients.all(
        "connect_learners", per_client=[{"cookies": c} for c in clients.split(cookies)]
    )
    failed = sum(a["failed"] for a in answers)
    if failed:
        print(f"  warning: {failed} learner sockets failed to open")
    return sum(a["opened"] for a in answers)


def idle_ramp(kind: str, server: Server, levels: list[int], add) -> tuple[dict[int, float], int]:
    """KiB of server RSS per idle socket at each level, and how many sockets are left open.

    `add(first, last)` opens sockets first..last-1 and returns how many opened.
    """
    base = server.rss_kib()
    per_socket: dict[int, float] = {}
    connected, previous = 0, 0
    for n in levels:
        # Each step adds to the sockets already open: closing them in between would let the
        # next step reuse the memory they freed and look cheaper than it is.
        connected += add(previous, n)
        previous = n
        settle(server)
        # Idle is what a learner's socket settles into: a sandbox left alone parks its engine
        # after a few seconds (PARK_AFTER_S in simulator/session.py), and that is then saved.
        time.sleep(IDLE_S)
        settle(server)
        rss = server.rss_kib()
        per_socket[n] = (rss - base) / connected
        print(
            f"  idle {kind}: {connected:5d} open, RSS {rss / 1024:6.1f} MiB "
            f"(+{(rss - base) / 1024:5.1f}), {per_socket[n]:5.1f} KiB each"
        )
    return per_socket, connected


def settle(server: Server, limit_s: float = 60.0) -> None:
    """Waits for the server to go quiet, so that one phase's backlog is not billed to the next."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        before = server.cpu_seconds()
        time.sleep(0.5)
        if server.cpu_seconds() - before <= 0.05:
            return


def measure_level(
    server: Server,
    clients: Clients,
    cookies: list[str],
    n: int,
    play_s: float,
    connected: int | None = None,
) -> dict:
    """One N: learners play, then the echo bursts. `connected`: learners already open."""
    started = time.monotonic()
    opened = connected if connected is not None else connect_learners(clients, cookies[:n])
    connect_s = time.monotonic() - started
    settle(server)
    cpu0, wall0 = server.cpu_seconds(), time.monotonic()
    played = clients.all("play", seconds=play_s)
    cpu1, wall1 = server.cpu_seconds(), time.monotonic()
    rss_playing = server.rss_kib()
    clients.all("close_learners")
    settle(server)

    timed_actions = [sample for p in played for sample in p["actions"]]
    timed_late = [sample for p in played for sample in p["late"]]
    actions = [ms for _, ms in timed_actions]
    late = [ms for _, ms in timed_late]
    action_p99s = windowed(timed_actions, play_s, 99)
    late_p99s = windowed(timed_late, play_s, 99)
    by_action: dict[str, list[float]] = {}
    for p in played:
        for name, values in p["by_action"].items():
            by_action.setdefault(name, []).extend(values)
    messages = max(1, round(len(actions) / max(opened, 1)))

    clients.all(
        "open_echoes", per_client=[{"count": len(c)} for c in clients.split(list(range(n)))]
    )
    settle(server)
    bursts = []
    for _ in range(ECHO_BURSTS):
        ecpu0, ewall0 = server.cpu_seconds(), time.monotonic()
        answers = clients.all("echo_burst", messages=messages)
        ecpu = server.cpu_seconds() - ecpu0
        ewall = time.monotonic() - ewall0
        rtts = [ms for a in answers for ms in a["rtts"]]
        bursts.append(
            {
                "p50": percentile(rtts, 50),
                "p99": percentile(rtts, 99),
                "rate": len(rtts) / ewall,
                "cpu": ecpu / ewall,
            }
        )
    clients.all("close_echoes")

    wall = wall1 - wall0
    cpu_share = (cpu1 - cpu0) / wall
    echo_p99 = statistics.median(b["p99"] for b in bursts)
    return {
        "n": n,
        "opened": opened,
        "connect_s": connect_s,
        "actions": len(actions),
        "messages": messages,
        "p50": percentile(actions, 50),
        "p99": percentile(actions, 99),
        "p99_windows": action_p99s,
        "by_action": {
            k: (percentile(v, 50), percentile(v, 99), len(v)) for k, v in by_action.items()
        },
        "frames": len(late),
        "frames_per_s": len(late) / wall,
        "late_p50": percentile(late, 50),
        "late_p99": percentile(late, 99),
        "late_p99_windows": late_p99s,
        "cpu_share": cpu_share,
        "cpu_ms_per_learner_s": cpu_share * 1000.0 / max(opened, 1),
        "cpu_ms_per_frame": (cpu1 - cpu0) * 1000.0 / max(len(late) + len(actions), 1),
        "rss_playing": rss_playing,
        "echo_p50": statistics.median(b["p50"] for b in bursts),
        "echo_p99": echo_p99,
        "echo_p99s": [b["p99"] for b in bursts],
        "echo_rate": statistics.median(b["rate"] for b in bursts),
        "echo_cpu": statistics.median(b["cpu"] for b in bursts),
        "ratio": percentile(actions, 99) / echo_p99,
        "errors": sum(p["error_count"] for p in played),
        "error_samples": [e for p in played for e in p["errors"]][:5],
        "stalls": sum(p["stalls"] for p in played),
        "loops": sum(p["loops"] for p in played),
        "mib_received": sum(p["bytes"] for p in played) / 2**20,
        "client_lag_p99": max(p["lag_p99"] for p in played),
        "client_cpu": max(p["cpu_share"] for p in played),
    }


def print_level(r: dict) -> None:
    print(
        f"  N={r['n']}: {r['opened']} learners (connected in {r['connect_s']:.1f} s), "
        f"{r['actions']} actions, {r['frames']} paced frames ({r['frames_per_s']:.0f}/s), "
        f"{r['loops']} runs finished, {r['mib_received']:.1f} MiB received"
    )
    print(
        "    p99 in each third of the phase: actions "
        + ", ".join(f"{p:.1f}" for p in r["p99_windows"])
        + " ms; lateness "
        + ", ".join(f"{p:.1f}" for p in r["late_p99_windows"])
        + f" ms (over the whole phase: {r['p99']:.1f} and {r['late_p99']:.1f} ms)"
    )
    for name, (p50, p99, count) in sorted(r["by_action"].items()):
        print(f"    {name:8s} x{count:<6d} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms")
    print(
        f"    echo: {r['messages']} round trips per socket, p99 per burst "
        + ", ".join(f"{p:.1f}" for p in r["echo_p99s"])
        + f" ms, {r['echo_rate']:.0f} msg/s at {r['echo_cpu'] * 100:.0f}% of a core"
    )
    print(
        f"    server {r['cpu_share'] * 100:.0f}% of a core while playing "
        f"({r['cpu_ms_per_frame']:.1f} ms of CPU per frame sent), "
        f"RSS {r['rss_playing'] / 1024:.0f} MiB; busiest client: loop lag p99 "
        f"{r['client_lag_p99']:.1f} ms, {r['client_cpu'] * 100:.0f}% of a core; "
        f"errors {r['errors']}, stalls {r['stalls']}"
    )
    for sample in r["error_samples"]:
        print(f"    error: {sample}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)))
    parser.add_argument("--procs", type=int, default=CLIENT_PROCS)
    parser.add_argument("--play-seconds", type=float, default=PLAY_S)
    args = parser.parse_args(argv[1:])
    levels = sorted(int(n) for n in args.levels.split(","))

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    final_length = len(load_scenario(SCENARIO).run(classify_name=course_classifier).trace)
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"{datetime.date.today()}; {args.procs} client processes; scenario {SCENARIO} "
        f"({final_length} records a run), {args.play_seconds:.0f} s of play per level"
    )
    load = os.getloadavg()
    saved_log = Path(tempfile.gettempdir()) / "bench-ws-daphne.log"
    saved_log.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-ws-") as tmp:
        server = Server(Path(tmp))
        server.start()
        clients = Clients(server.url, final_length, args.procs)
        try:
            started = time.monotonic()
            visits = min(PAGE_VISITS, levels[-1])
            with ThreadPoolExecutor(SESSION_THREADS) as pool:
                cookies = list(pool.map(lambda _: new_session(server.url), range(visits)))
            visits_s = time.monotonic() - started
            cookies += server.mint_sessions(levels[-1] - len(cookies))
            print(
                f"{len(cookies)} learner sessions: {visits} from the simulator page "
                f"({visits_s / max(visits, 1) * 1000:.0f} ms each), the rest written directly"
            )

            # Warm-up: templates compiled, modules imported, caches filled, before any RSS.
            connect_learners(clients, cookies[:20])
            clients.all("play", seconds=4.0)
            clients.all("close_learners")
            time.sleep(1.0)
            kib, ramped = idle_ramp(
                "learners",
                server,
                levels,
                lambda a, b: sum(
                    r["opened"]
                    for r in clients.all(
                        "add_learners",
                        per_client=[{"cookies": c} for c in clients.split(cookies[a:b])],
                    )
                ),
            )
            # The learners stay connected for the largest N, which is measured first. The echo
            # sockets' idle memory is taken on a server of their own, which these idle learners
            # do not touch.
            echo_server = Server(Path(tmp))
            echo_server.start(prepare=False)
            try:
                clients.all("open_echoes", count=10, host=echo_server.url)
                clients.all("echo_burst", messages=20)
                clients.all("close_echoes")
                settle(echo_server)
                kib_echo, _ = idle_ramp(
                    "echo sockets",
                    echo_server,
                    levels,
                    lambda a, b: sum(
                        r["opened"]
                        for r in clients.all(
                            "open_echoes",
                            per_client=[
                                {"count": len(c), "host": echo_server.url}
                                for c in clients.split(list(range(a, b)))
                            ],
                        )
                    ),
                )
                clients.all("close_echoes")
            finally:
                echo_server.stop()

            # Largest first, with the learners the idle ramp left open: connecting 2,000 of
            # them again would cost a minute.
            results = [
                measure_level(
                    server, clients, cookies, levels[-1], args.play_seconds, connected=ramped
                )
            ]
            print_level(results[-1])
            for n in reversed(levels[:-1]):
                results.append(measure_level(server, clients, cookies, n, args.play_seconds))
                print_level(results[-1])
            # When even the smallest level falls behind, halve it until one keeps up, so that
            # the capacity is a number rather than "fewer than that".
            n = levels[0] // 2
            while results[-1]["late_p99"] >= LATENESS_LIMIT_MS and n >= MIN_PROBE:
                results.append(measure_level(server, clients, cookies, n, PROBE_PLAY_S))
                print_level(results[-1])
                n //= 2
            results.sort(key=lambda r: r["n"])
            log = server.log_text()
            tracebacks = log.count("Traceback")
            if tracebacks:
                saved_log.write_text(log)
        finally:
            clients.quit()
            server.stop()

    print()
    print(
        "| N | action→first frame p50 / p99 (ms) | echo p50 / p99 (ms) | p99 ratio "
        "| paced frames/s | lateness p50 / p99 (ms) | server CPU (% of a core) "
        "| CPU ms/s per learner | idle KiB per learner (echo socket) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['n']:,} | {r['p50']:.1f} / {r['p99']:.1f} | "
            f"{r['echo_p50']:.1f} / {r['echo_p99']:.1f} | {r['ratio']:.2f} | "
            f"{r['frames_per_s']:.0f} | {r['late_p50']:.1f} / {r['late_p99']:.1f} | "
            f"{r['cpu_share'] * 100:.0f} | {r['cpu_ms_per_learner_s']:.2f} | "
            f"{idle(kib, r['n'])} ({idle(kib_echo, r['n'])}) |"
        )
    if tracebacks:
        print(f"warning: the server logged {tracebacks} tracebacks; its log is in {saved_log}")
    print(f"load average (1 min) at the start {load[0]:.1f}, at the end {os.getloadavg()[0]:.1f}")

    capacity = 0
    for r in results:
        if r["late_p99"] >= LATENESS_LIMIT_MS:
            break
        capacity = r["n"]
    at_500 = next((r for r in results if r["n"] == 500), None)
    ratio_500 = at_500["ratio"] if at_500 else math.nan
    kib_largest = kib[levels[-1]]
    verdicts = [
        f"p99 ratio at 500 ≤ {GOAL_RATIO}: {met(ratio_500 <= GOAL_RATIO)}",
        f"capacity ≥ {GOAL_CAPACITY}: {met(capacity >= GOAL_CAPACITY)}",
        f"idle memory < {GOAL_KIB:.0f} KiB: {met(kib_largest < GOAL_KIB)}",
    ]
    print("goals: " + "; ".join(verdicts))
    print(
        f"RESULT capacity={capacity} p99_ratio_500={ratio_500:.2f} "
        f"kib_per_learner={kib_largest:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
