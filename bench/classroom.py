"""A classroom of 200 learners: how long until an event the teacher publishes reaches all of them.

What runs
    Two configurations, one after the other in the same run, each on its own copy of one
    throwaway SQLite database (migrated once, with a staff account for the teacher):
      memory  one daphne process on the in-memory channel layer (the laptop set-up);
      redis   a redis-server of its own and two daphne processes sharing it and the database;
              the teacher is on the first process, the learners half on each.
    The servers run with production settings (DEBUG off), as the browser tests run them. The
    learners run in CLIENT_PROCS separate processes (asyncio and the `websockets` library), so
    that one client event loop does not hold up 200 sockets; each client process reports how late
    its own loop woke up, so a saturated client would show in the table.

The class
    The teacher signs in through the login form and opens an order-flow room. Each learner loads
    the classroom page (for the CSRF cookie), joins with the code on the server it will use, opens
    the room's socket with its session cookie and subscribes to order-events, the services taken
    in turn (Order, Email, Inventory, ...). Once the room is quiet, the teacher publishes
    OrderPlaced EVENTS times, one every INTERVAL_S seconds on a fixed schedule.

    Pace: one event a second, a teacher clicking through the flow without waiting for the class.
    A teacher who explains between events, or waits for the board to fill with acknowledgements,
    publishes one every few seconds, so this is the fastest plausible pace, chosen because it
    makes the acknowledgements of one event overlap the next publishes: each learner acknowledges
    every event after a random ACK_DELAY_S, as a person reads the message and clicks, so the room
    takes about 200 writes a second throughout, all through the one lock each room's log has.
    The figures are an upper bound for a real class; `--interval 4` is a pace at which the
    acknowledgements of one event are in before the next.

What is measured
    For each event, from the teacher sending `publish` to each learner receiving the `update`
    frame for that event with `for_you` true; the event's latency is its last learner's. A learner
    whose socket reloaded the whole room instead (a `room` frame, after a missing record) counts
    as reached when the event shows in its inbox there, and is counted under "via reload". A
    learner not reached within DROP_AFTER_S is a drop. The table gives p50/p95/p99/max over the
    events (nearest rank), the first learner's p50, the teacher's own copy of the record ("echo":
    the log's write, then the channel layer, in the teacher's turn among the room's sockets), the
    acknowledgements the log holds, the server
    processes' CPU over the publishing phase, and the client loops' lateness.

Goals (from the issue): p99 to the last learner at most 500 ms, no drops, and Redis within 1.5x
of the in-memory layer. The last line is
`RESULT learners=.. p99_ms=<redis p99> drops=<both configurations> redis_ratio=<redis/memory p99>`.

Run: `.venv/bin/python bench/classroom.py` (about 5 minutes). Options: `--interval S`,
`--events N`, `--learners N`, `--only memory|redis`; `--no-acks` measures the fan-out without the
acknowledgements' writes; `--conn-max-age S` sets DJANGO_CONN_MAX_AGE for the servers;
`--profile DIR` profiles each server process (cProfile) over the publishing phase only and writes
DIR/<configuration>/<process>.prof. Under `scripts/with-postgres.sh` the servers share that
PostgreSQL database instead of SQLite files.
Length: one script on purpose, for the same reason as bench/ws.py: the clients, both
configurations and the goals are read and rerun as one unit; servers come from bench/harness.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from websockets.asyncio.client import connect  # noqa: E402

from bench.common import ClientPool, cpu_seconds, percentile, serve_commands  # noqa: E402
from bench.harness import (  # noqa: E402
    DAPHNE,
    RedisServer,
    manage,
    prepare_site,
    server_env,
    spawn_daphne,
    sqlite_database,
    wait_until_listening,
)
from simulator.engine.order_flow import ORDER_FLOW  # noqa: E402

LEARNERS = 200
EVENTS = 50
INTERVAL_S = 1.0
ACK_DELAY_S = (0.5, 3.0)
DROP_AFTER_S = 10.0
CLIENT_PROCS = 2
# Sockets each client process opens at once: daphne accepts from a listen backlog of 50.
CONNECT_AT_ONCE = 20
# A page whose socket closes reconnects after at most this long (room.html's reconnectMaxDelay).
RECONNECT_S = 2.0
# Learners pick their roles over ROLE_SPREAD_S, as when the teacher asks the class to; the
# socket's own confirmation is awaited for at most ROLE_WAIT_S before everyone syncs.
ROLE_SPREAD_S = 20.0
ROLE_WAIT_S = 40.0
TOPIC = "order-events"
# The topic's subscribers come from the engine's world, so the bench follows the course's flow.
SERVICES = tuple(ORDER_FLOW["topics"][TOPIC])
EVENT = "OrderPlaced"
TEACHER, PASSWORD = "teacher", "bench-only-teaching-password-5b1d"
GOAL_P99_MS = 500.0
GOAL_RATIO = 1.5
# Run under scripts/with-postgres.sh, the servers use that PostgreSQL instead of SQLite files.
POSTGRES_URL = os.environ.get("DATABASE_URL", "")
INBOX_ITEM = re.compile(r'id="inbox-(r\d+)"')


# -- HTTP, as a browser does it ----------------------------------------------------------------


class Browser:
    """Cookies per host (not per port, like a browser) and forms with their CSRF token."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie_header()} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        return response.status, response.getheader("Location", "")

    def post(self, path: str, form: dict) -> str:
        status, location = self.request("POST", path, form)
        if status != 302:
            raise RuntimeError(f"POST {path} answered {status}")
        return location


def open_room(port: int) -> tuple[Browser, str]:
    teacher = Browser(port)
    teacher.request("GET", "/accounts/login/")
    teacher.post("/accounts/login/", {"username": TEACHER, "password": PASSWORD})
    teacher.request("GET", "/classroom/")
    location = teacher.post("/classroom/open/", {"scenario": "order-flow", "title": "Bench"})
    return teacher, location.rstrip("/").split("/")[-2]


def join(port: int, code: str, name: str) -> str:
    learner = Browser(port)
    learner.request("GET", "/classroom/")
    location = learner.post("/classroom/join/", {"code": code, "name": name})
    if location != f"/classroom/{code}/":
        raise RuntimeError(f"{name} was sent to {location}")
    return learner.cookie_header()


# -- the servers -----------------------------------------------------------------------------


class Daphne:
    """One daphne process on the bench database, optionally with a profiler to switch on."""

    def __init__(self, env: dict, workdir: Path, label: str, profile: Path | None):
        self.label = label
        launcher = DAPHNE
        if profile is not None:
            # This script starts daphne itself, with a profiler the bench switches on by signal.
            out = str(profile / f"{label}.prof")
            launcher = (sys.executable, __file__, "--serve-profiled", out, "--")
        self.server = spawn_daphne(
            env=env, log_path=workdir / f"daphne-{label}.log", launcher=launcher
        )
        self.port = self.server.port

    def profile(self, on: bool) -> None:
        self.server.process.send_signal(signal.SIGUSR1 if on else signal.SIGUSR2)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.server.pid)

    def stop(self) -> None:
        self.server.stop()


def serve_profiled(out: str, daphne_args: list[str]) -> None:
    """daphne in this process; SIGUSR1 starts the profiler, SIGUSR2 stops it and writes `out`.

    Profiling only the publishing phase keeps the set-up (joins, roles) out of the figures.
    """
    import cProfile

    from daphne.cli import CommandLineInterface

    profiler = cProfile.Profile()

    def toggle(signum, frame) -> None:
        if signum == signal.SIGUSR1:
            profiler.enable()
        else:
            profiler.disable()
            profiler.dump_stats(out)

    signal.signal(signal.SIGUSR1, toggle)
    signal.signal(signal.SIGUSR2, toggle)
    CommandLineInterface().run(daphne_args)


def prepare_database(workdir: Path) -> Path | str:
    """A migrated database with the teacher's account: a SQLite file each configuration copies,
    or the PostgreSQL database DATABASE_URL names, which both configurations share."""
    template = workdir / "template.sqlite3"
    env = server_env(sqlite_database(template))
    if POSTGRES_URL:
        env["DATABASE_URL"] = POSTGRES_URL
    prepare_site(env)
    manage(
        {**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
        *("createsuperuser", "--noinput", "--username", TEACHER, "--email", "t@bench.test"),
        quiet=True,
    )
    if POSTGRES_URL:
        return POSTGRES_URL
    with sqlite3.connect(template) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return template


def settle(servers: list[Daphne], limit_s: float = 120.0) -> bool:
    """Waits for the servers to go quiet, so that the set-up's backlog is not measured."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        before = sum(s.cpu_seconds() for s in servers)
        time.sleep(1.0)
        # The sockets' own timers (deadlines, the layer check) keep an idle server at a few %.
        if sum(s.cpu_seconds() for s in servers) - before <= 0.1:
            return True
    return False


# -- the learners (one asyncio loop per client process) -----------------------------------------


class Learner:
    """One learner's page: it reads all the time, reconnects as the page does (after at most
    RECONNECT_S, reloading the room) and acknowledges each event after a person's delay."""

    def __init__(self, spec: dict, rng: random.Random):
        self.spec = spec
        self.rng = rng
        self.ws = None
        self.reader: asyncio.Task | None = None
        self.role_taken = asyncio.Event()
        self.wants_role = False
        self.acking = False
        self.stopping = False
        self.seen: dict[str, list] = {}  # mid -> [monotonic time, "update" | "reload"]
        self.acks: dict[str, asyncio.Task] = {}
        self.reloads = self.errors = self.acks_sent = self.reconnects = 0
        self.close_codes: list[int | None] = []
        self.error_samples: list[str] = []
        self.role_label = f"playing <strong>{spec['service']} on {TOPIC}</strong>"

    async def open(self) -> None:
        await self.connect()
        self.reader = asyncio.create_task(self.keep_reading())

    async def connect(self) -> None:
        ws = await connect(
            self.spec["ws_url"],
            origin=self.spec["origin"],
            additional_headers={"Cookie": self.spec["cookie"]},
            compression=None,
            ping_interval=None,
            open_timeout=60,
            close_timeout=5,
            max_size=8 * 1024 * 1024,
        )
        first = json.loads(await asyncio.wait_for(ws.recv(), 60))
        if first.get("type") != "room":
            await ws.close()
            raise RuntimeError(f"first frame was {first.get('type')}")
        self.ws = ws
        self.on_room(first, time.monotonic(), reopened=True)

    async def keep_reading(self) -> None:
        while not self.stopping:
            try:
                async for raw in self.ws:
                    self.on_frame(json.loads(raw), time.monotonic())
            except Exception as error:
                if len(self.error_samples) < 3:
                    self.error_samples.append(f"socket: {error!r}")
            if self.stopping:
                return
            self.close_codes.append(self.ws.close_code)
            self.reconnects += 1
            while not self.stopping:
                await asyncio.sleep(self.rng.uniform(RECONNECT_S / 4, RECONNECT_S))
                with contextlib.suppress(Exception):
                    await self.connect()
                    self.reloads += 1
                    break

    def on_frame(self, frame: dict, now: float) -> None:
        kind = frame.get("type")
        if kind == "update" and frame["for_you"]:
            record = frame["record"]
            if record["type"] == "published":
                self.arrived(record["mid"], now, "update")
            elif record["type"] == "role_taken":
                self.role_taken.set()
        elif kind == "room":
            self.reloads += 1
            self.on_room(frame, now)
        elif kind == "error":
            self.errors += 1
            if len(self.error_samples) < 3:
                self.error_samples.append(frame["message"])

    def on_room(self, frame: dict, now: float, reopened: bool = False) -> None:
        """A whole room: what its inbox holds has reached this learner, whichever way."""
        for mid in INBOX_ITEM.findall(frame["content"]):
            self.arrived(mid, now, "reload")
            if self.acking and mid not in self.acks:
                # Still waiting after an ack went out: the socket closed before it was read.
                self.ack_soon(mid)
        if self.role_label in frame["content"]:
            self.role_taken.set()
        elif self.wants_role and reopened:
            # The role request may have gone down with the old socket: ask again.
            self.send_soon({"action": "role", **self.role()})

    def role(self) -> dict:
        return {"kind": "subscriber", "service": self.spec["service"], "topic": TOPIC}

    def arrived(self, mid: str, now: float, via: str) -> None:
        if mid in self.seen:
            return
        self.seen[mid] = [now, via]
        if self.acking:
            self.ack_soon(mid)

    def ack_soon(self, mid: str) -> None:
        task = asyncio.create_task(self.ack_later(mid))
        self.acks[mid] = task
        task.add_done_callback(lambda _: self.acks.pop(mid, None))

    async def ack_later(self, mid: str) -> None:
        await asyncio.sleep(self.rng.uniform(*ACK_DELAY_S))
        if await self.send({"action": "ack", "mid": mid}):
            self.acks_sent += 1

    def send_soon(self, frame: dict) -> None:
        task = asyncio.create_task(self.send(frame))
        self.acks[f"frame-{id(task)}"] = task
        task.add_done_callback(lambda _: self.acks.pop(f"frame-{id(task)}", None))

    async def send(self, frame: dict) -> bool:
        try:
            await self.ws.send(json.dumps(frame))
        except Exception:
            return False
        return True

    async def close(self) -> None:
        self.stopping = True
        for task in list(self.acks.values()):
            task.cancel()
        if self.reader is not None:
            self.reader.cancel()
        with contextlib.suppress(Exception):
            await self.ws.close()


class ClientProcess:
    """One client process's learners; serve_commands runs its methods for the main process."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.learners: list[Learner] = []

    async def open(self, specs: list[dict]) -> dict:
        gate = asyncio.Semaphore(CONNECT_AT_ONCE)
        self.learners = [Learner(s, random.Random(self.rng.random())) for s in specs]

        async def one(learner):
            async with gate:
                await learner.open()

        await asyncio.gather(*(one(learner) for learner in self.learners))
        return {"opened": len(self.learners)}

    async def take_roles(self, spread_s: float, wait_s: float) -> dict:
        """Each learner picks a role at a moment within `spread_s`, as a class does when asked,
        then every socket syncs, so that all start the measurement from the same room."""

        async def pick(learner: Learner) -> None:
            await asyncio.sleep(self.rng.uniform(0, spread_s))
            learner.wants_role = True
            await learner.send({"action": "role", **learner.role()})

        started = time.monotonic()
        await asyncio.gather(*(pick(learner) for learner in self.learners))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._all_roles(), wait_s)
        live = sum(learner.role_taken.is_set() for learner in self.learners)
        taken_s = time.monotonic() - started
        # A socket that lost the last records of a burst has no later record to show it the gap,
        # so it would find out only at the first event; a sync now keeps that out of the figures.
        reloads = sum(learner.reloads for learner in self.learners)
        for learner in self.learners:
            learner.role_taken.clear()
            await learner.send({"action": "sync"})
        try:
            await asyncio.wait_for(self._all_roles(), 120)
        except TimeoutError:
            waiting = [x for x in self.learners if not x.role_taken.is_set()]
            raise RuntimeError(
                f"{len(waiting)} learners never saw their role; errors "
                f"{[x.error_samples for x in waiting][:3]}"
            ) from None
        return {
            "live": live,
            "taken_s": taken_s,
            "reloads": reloads,
            "reconnects": sum(learner.reconnects for learner in self.learners),
        }

    async def _all_roles(self) -> None:
        await asyncio.gather(*(learner.role_taken.wait() for learner in self.learners))

    async def run(self, until: float, acks: bool) -> dict:
        lags: list[float] = []
        reloads = sum(learner.reloads for learner in self.learners)
        reconnects = sum(learner.reconnects for learner in self.learners)
        for learner in self.learners:
            learner.acking = acks
        while time.monotonic() < until:
            before = time.monotonic()
            await asyncio.sleep(0.05)
            lags.append((time.monotonic() - before - 0.05) * 1000.0)
        for learner in self.learners:
            learner.acking = False
        return {
            "seen": {learner.spec["name"]: learner.seen for learner in self.learners},
            "reloads": sum(learner.reloads for learner in self.learners) - reloads,
            "errors": sum(learner.errors for learner in self.learners),
            "error_samples": [s for learner in self.learners for s in learner.error_samples][:5],
            "reconnects": sum(learner.reconnects for learner in self.learners) - reconnects,
            "close_codes": sorted(
                {str(c) for learner in self.learners for c in learner.close_codes}
            ),
            "acks_sent": sum(learner.acks_sent for learner in self.learners),
            "lag_p99_ms": percentile(lags, 99),
            "lag_max_ms": max(lags, default=math.nan),
        }

    async def close(self) -> dict:
        await asyncio.gather(*(learner.close() for learner in self.learners))
        self.learners = []
        return {}


def client_main(conn, seed: int) -> None:
    asyncio.run(serve_commands(conn, ClientProcess(seed)))


class Clients(ClientPool):
    """The client processes, each running `client_main` for its share of the learners."""

    def __init__(self, count: int):
        super().__init__(count, client_main, lambda i: (7000 + i,))


# -- the teacher -------------------------------------------------------------------------------


class Teacher:
    def __init__(self, cookie: str, port: int, code: str):
        self.url = f"ws://127.0.0.1:{port}/ws/classroom/{code}/"
        self.origin = f"http://127.0.0.1:{port}"
        self.cookie = cookie
        # (mid, when the teacher's socket heard it); acknowledgements reach the teacher only as
        # board redraws, and are counted in the log instead.
        self.published: list[tuple[str, float]] = []
        self.errors: list[str] = []

    async def open(self) -> None:
        self.ws = await connect(
            self.url,
            origin=self.origin,
            additional_headers={"Cookie": self.cookie},
            compression=None,
            ping_interval=None,
            open_timeout=60,
            max_size=8 * 1024 * 1024,
        )
        first = json.loads(await self.ws.recv())
        assert first["type"] == "room", first
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        with contextlib.suppress(Exception):
            async for raw in self.ws:
                now = time.monotonic()
                frame = json.loads(raw)
                if frame["type"] == "update":
                    kind = frame["record"]["type"]
                    if kind == "published":
                        self.published.append((frame["record"]["mid"], now))
                elif frame["type"] == "error":
                    self.errors.append(frame["message"])

    async def publish_all(self, events: int, interval: float) -> list[float]:
        sent = []
        start = time.monotonic() + 0.5
        for k in range(events):
            # A fixed schedule: a slow answer does not push the next publish back.
            await asyncio.sleep(max(0.0, start + k * interval - time.monotonic()))
            sent.append(time.monotonic())
            await self.ws.send(json.dumps({"action": "publish", "name": EVENT}))
        return sent


# -- one configuration ---------------------------------------------------------------------------


def run_configuration(
    name: str, args, template: Path | str, workdir: Path, clients: Clients
) -> dict:
    here = workdir / name
    here.mkdir()
    database = here / "bench.sqlite3"
    if isinstance(template, Path):
        shutil.copy(template, database)
    redis = None
    # A whole class joins from this one address within seconds: lift the per-address limit.
    extra = {"DJANGO_LOG_LEVEL": "WARNING", "DJANGO_RATE_JOIN": "100000/m"}
    if args.conn_max_age is not None:
        extra["DJANGO_CONN_MAX_AGE"] = str(args.conn_max_age)
    if name == "redis":
        redis = RedisServer(here)
        redis.start()
        extra["REDIS_URL"] = redis.url
    env = server_env(sqlite_database(database), extra)
    if POSTGRES_URL:
        env["DATABASE_URL"] = POSTGRES_URL
    profile = Path(args.profile) / name if args.profile else None
    if profile is not None:
        profile.mkdir(parents=True, exist_ok=True)
    count = 2 if name == "redis" else 1
    servers = [Daphne(env, here, f"{name}-{i + 1}", profile) for i in range(count)]
    try:
        wait_until_listening([s.server for s in servers], timeout=60)
        return asyncio.run(measure(name, args, servers, clients))
    finally:
        for server in servers:
            server.stop()
        if redis is not None:
            redis.stop()
        logs = "".join(s.server.log() for s in servers)
        print(
            f"  {name}: {logs.count('Traceback')} tracebacks and "
            f"{logs.count('lost its channel layer')} 'lost its channel layer' warnings in the "
            f"server logs ({here})"
        )


async def measure(name: str, args, servers: list[Daphne], clients: Clients) -> dict:
    started = time.monotonic()
    first = servers[0]
    teacher_browser, code = await asyncio.to_thread(open_room, first.port)
    # Learners alternate between the processes; the teacher stays on the first.
    homes = [servers[i % len(servers)] for i in range(args.learners)]
    names = [f"Learner {i + 1:03d}" for i in range(args.learners)]
    # One join at a time: Django runs each HTTP request's view in a thread of its own, and reading
    # a room that a process keeps in memory is not yet safe while another thread writes it.
    cookies = await asyncio.to_thread(
        lambda: [join(homes[i].port, code, names[i]) for i in range(args.learners)]
    )
    joined_s = time.monotonic() - started
    specs = [
        {
            "name": names[i],
            "cookie": cookies[i],
            "service": SERVICES[i % len(SERVICES)],
            "ws_url": f"ws://127.0.0.1:{homes[i].port}/ws/classroom/{code}/",
            "origin": f"http://127.0.0.1:{homes[i].port}",
        }
        for i in range(args.learners)
    ]
    n = len(clients.conns)
    teacher = Teacher(teacher_browser.cookie_header(), first.port, code)
    await teacher.open()
    await asyncio.to_thread(clients.all, "open", [{"specs": specs[i::n]} for i in range(n)])
    setup = await asyncio.to_thread(
        clients.all, "take_roles", spread_s=ROLE_SPREAD_S, wait_s=ROLE_WAIT_S
    )
    ready_s = time.monotonic() - started
    quiet = await asyncio.to_thread(settle, servers)

    if args.profile:
        for server in servers:
            server.profile(on=True)
    cpu0 = [s.cpu_seconds() for s in servers]
    wall0 = time.monotonic()
    until = wall0 + 0.5 + args.events * args.interval + DROP_AFTER_S
    clients.send("run", until=until, acks=args.acks)
    sent = await teacher.publish_all(args.events, args.interval)
    await asyncio.sleep(max(0.0, until - time.monotonic()))
    runs = await asyncio.to_thread(clients.answers, "run")
    elapsed = time.monotonic() - wall0
    cpu = [(s.cpu_seconds() - c) / elapsed * 100 for s, c in zip(servers, cpu0, strict=True)]
    if args.profile:
        for server in servers:
            server.profile(on=False)
    await asyncio.to_thread(clients.all, "close")
    await teacher.ws.close()

    seen = {learner: times for r in runs for learner, times in r["seen"].items()}
    # The room carries nothing but these events, so the k-th publish made message r<k>.
    heard = dict(teacher.published)
    last, first_in, echo, drops, via_reload = [], [], [], 0, 0
    for k, t0 in enumerate(sent, start=1):
        mid = f"r{k}"
        if mid in heard:
            echo.append((heard[mid] - t0) * 1000)
        delays = []
        for times in seen.values():
            got = times.get(mid)
            if got is None or got[0] - t0 > DROP_AFTER_S:
                drops += 1
                continue
            delays.append((got[0] - t0) * 1000)
            via_reload += got[1] == "reload"
        if delays:
            last.append(max(delays))
            first_in.append(min(delays))
    return {
        "name": name,
        "processes": len(servers),
        "learners": args.learners,
        "code": code,
        "database": POSTGRES_URL or servers[0].server.log_path.parent / "bench.sqlite3",
        "p50": percentile(last, 50),
        "p95": percentile(last, 95),
        "p99": percentile(last, 99),
        "max": max(last, default=math.nan),
        "first_p50": percentile(first_in, 50),
        "echo_p50": percentile(echo, 50),
        "echo_p99": percentile(echo, 99),
        "drops": drops,
        "via_reload": via_reload,
        "reloads": sum(r["reloads"] for r in runs),
        "errors": sum(r["errors"] for r in runs) + len(teacher.errors),
        "error_samples": [s for r in runs for s in r["error_samples"]][:5] + teacher.errors[:3],
        "reconnects": sum(r["reconnects"] for r in runs),
        "quiet": quiet,
        "setup_reconnects": sum(r["reconnects"] for r in setup),
        "close_codes": sorted({c for r in runs for c in r["close_codes"]}),
        "acks_sent": sum(r["acks_sent"] for r in runs),
        "cpu": cpu,
        "lag_p99": max(r["lag_p99_ms"] for r in runs),
        "lag_max": max(r["lag_max_ms"] for r in runs),
        "joined_s": joined_s,
        "ready_s": ready_s,
        "setup_reloads": sum(r["reloads"] for r in setup),
        "roles_live": sum(r["live"] for r in setup),
        "roles_s": max(r["taken_s"] for r in setup),
    }


def logged_acks(result: dict) -> tuple[int, int]:
    """(acknowledgements in the room's log, deliveries its published events made)."""
    query = (
        "SELECT r.type, r.data FROM classroom_roomrecord r JOIN classroom_room m "
        "ON r.room_id = m.id WHERE m.code = {} AND r.type IN ('acknowledged', 'published')"
    )
    if POSTGRES_URL:
        import psycopg

        with psycopg.connect(POSTGRES_URL) as db:
            rows = db.execute(query.format("%s"), (result["code"],)).fetchall()
    else:
        with sqlite3.connect(result["database"]) as db:
            rows = db.execute(query.format("?"), (result["code"],)).fetchall()
    acks = sum(1 for kind, _ in rows if kind == "acknowledged")
    # SQLite hands JSON back as text, PostgreSQL's driver as decoded values.
    published = [json.loads(d) if isinstance(d, str) else d for k, d in rows if k == "published"]
    return acks, sum(len(record["deliveries"]) for record in published)


def print_table(results: list[dict], args) -> None:
    print()
    print(
        f"{args.learners} learners subscribed to {TOPIC}; {args.events} x {EVENT}, one every "
        f"{args.interval:g} s; "
        + (f"acks after {ACK_DELAY_S[0]:g}-{ACK_DELAY_S[1]:g} s" if args.acks else "no acks")
    )
    header = (
        f"{'configuration':<22}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'1st p50':>9}"
        f"{'echo p50':>10}{'drops':>7}{'reload':>8}{'acks logged':>13}{'server CPU %':>16}"
        f"{'client lag p99':>16}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        cpu = "+".join(f"{c:.0f}" for c in r["cpu"])
        acks = f"{r['acks_logged']}/{r['deliveries']}"
        label = f"{r['name']}, {r['processes']} process{'es' if r['processes'] > 1 else ''}"
        print(
            f"{label:<22}{r['p50']:8.0f}{r['p95']:8.0f}{r['p99']:8.0f}{r['max']:8.0f}"
            f"{r['first_p50']:9.0f}{r['echo_p50']:10.0f}{r['drops']:7d}{r['via_reload']:8d}"
            f"{acks:>13}{cpu:>16}{r['lag_p99']:16.0f}"
        )
    print("(milliseconds from the teacher's publish to the last learner's update, per event)")
    for r in results:
        extra = f"; errors: {r['error_samples']}" if r["errors"] else ""
        print(
            f"  {r['name']}: joined in {r['joined_s']:.1f} s, ready in {r['ready_s']:.1f} s"
            f"{'' if r['quiet'] else ' (the servers never went quiet)'}; "
            f"roles: {r['roles_live']} of {r['learners']} confirmed live "
            f"within {r['roles_s']:.0f} s, {r['setup_reloads']} room reloads, "
            f"{r['setup_reconnects']} reconnects; {r['reloads']} room "
            f"reloads and {r['reconnects']} reconnects while publishing (close codes "
            f"{', '.join(r['close_codes']) or 'none'}), {r['errors']} error frames, client "
            f"loop lag max {r['lag_max']:.0f} ms{extra}"
        )


def main(argv: list[str]) -> int:
    if argv[:1] == ["--serve-profiled"]:
        serve_profiled(argv[1], argv[3:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=LEARNERS)
    parser.add_argument("--events", type=int, default=EVENTS)
    parser.add_argument("--interval", type=float, default=INTERVAL_S)
    parser.add_argument("--client-procs", type=int, default=CLIENT_PROCS)
    parser.add_argument("--only", choices=("memory", "redis"))
    parser.add_argument(
        "--no-acks",
        dest="acks",
        action="store_false",
        help="learners never acknowledge: the fan-out alone, without the writes acks cause",
    )
    parser.add_argument("--profile", metavar="DIR", help="run the servers under cProfile")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        metavar="S",
        help="DJANGO_CONN_MAX_AGE for the servers (default: the settings' own default)",
    )
    args = parser.parse_args(argv)
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.machine()}; {args.client_procs} client processes; database: "
        f"{'PostgreSQL' if POSTGRES_URL else 'SQLite'}"
    )
    names = [args.only] if args.only else ["memory", "redis"]
    workdir = Path(tempfile.mkdtemp(prefix="bench-classroom-"))
    clients = Clients(args.client_procs)
    results = []
    try:
        template = prepare_database(workdir)
        for name in names:
            print(f"running {name} ...", flush=True)
            try:
                result = run_configuration(name, args, template, workdir, clients)
            except Exception as error:
                # One configuration failing still leaves the other's figures worth printing.
                print(f"  {name} FAILED: {type(error).__name__}: {error}")
                continue
            result["acks_logged"], result["deliveries"] = logged_acks(result)
            results.append(result)
    finally:
        clients.quit()
    print_table(results, args)
    by_name = {r["name"]: r for r in results}
    p99 = by_name["redis"]["p99"] if "redis" in by_name else math.nan
    ratio = p99 / by_name["memory"]["p99"] if len(by_name) == 2 else math.nan
    drops = sum(r["drops"] for r in results)
    met = (
        len(results) == len(names)
        and p99 <= GOAL_P99_MS
        and drops == 0
        and (math.isnan(ratio) or ratio <= GOAL_RATIO)
    )
    print(
        f"goals: p99 <= {GOAL_P99_MS:.0f} ms, no drops, redis <= {GOAL_RATIO}x memory: "
        f"{'met' if met else 'MISSED'}"
    )
    print(f"work files: {workdir}")
    print(f"RESULT learners={args.learners} p99_ms={p99:.0f} drops={drops} redis_ratio={ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
