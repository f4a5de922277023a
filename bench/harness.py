"""Real server processes for the tests and the benches: daphne and redis-server, each on a free
port of 127.0.0.1, and the throwaway database a bench serves from.

The fixtures in tests/conftest.py and tests/browser/conftest.py and every script in bench/ start
their servers here, so a server under test and a server under measurement are started the same
way. Nothing here imports pytest or Django, so a daphne process can import this module to serve
`relay_application` and a bench can use it before it has set Django up.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
SITE_APPLICATION = "config.asgi:application"
RELAY_APPLICATION = "bench.harness:relay_application"
RELAY_PREFIX = "/__relay__/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited before it started listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not listen on port {port} in {timeout} s")


def database_url(settings_dict: Mapping) -> str:
    """DATABASE_URL for a server process that must use the same database as the test process.

    Built from the live connection's settings, not from settings.DATABASES, because only the
    connection is sure to carry the test database's name (`test_<name>` on PostgreSQL, the
    per-run file on SQLite).
    """
    engine = settings_dict["ENGINE"]
    name = str(settings_dict["NAME"])
    if engine in ("django.db.backends.sqlite3", "config.sqlite"):
        return f"sqlite:///{name}"
    if engine == "django.db.backends.postgresql":
        user = quote(settings_dict.get("USER") or "", safe="")
        password = quote(settings_dict.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        # An empty host means the default Unix socket; a socket directory must be quoted.
        host = quote(settings_dict.get("HOST") or "", safe="")
        port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
        return f"postgres://{credentials}{host}{port}/{quote(name, safe='')}"
    raise ValueError(f"no server process can share a {engine} database")


def server_env(settings_dict: Mapping, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a production-like server process on the test database.

    Whatever the developer's shell says about Django, the database or Redis is dropped, so a
    server never talks to a real database or a Redis it was not given.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="browser-tests-only-secret-key-3f9c1a7e5b2d4c6e8a0b1d3f5e7a9c2b",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="0",
        # Mail goes to the server's log, where a test can read a reset link.
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        DATABASE_URL=database_url(settings_dict),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra or {})
    return env


class ServerProcess:
    """One daphne process: `.url` for HTTP, `.ws_url` for WebSockets, `.log()` for its output."""

    def __init__(self, process: subprocess.Popen, port: int, log_path: Path):
        self.process = process
        self.port = port
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}"

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:
        return f"<ServerProcess pid={self.pid} {self.url}>"

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text()

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to close its sockets, as in a crash."""
        if self.running:
            self.process.kill()
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 10) -> None:
        if self.running:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


DAPHNE = (sys.executable, "-m", "daphne")


def spawn_daphne(
    *,
    env: Mapping[str, str],
    log_path: Path,
    application: str = SITE_APPLICATION,
    launcher: Sequence[str] = DAPHNE,
) -> ServerProcess:
    """Starts a daphne process and returns at once; `wait_until_listening` waits for it.

    `launcher` is the command that takes daphne's own arguments: a bench that profiles the
    server passes a script that runs daphne's command line inside a profiler.
    """
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*launcher, "-b", "127.0.0.1", "-p", str(port), application],
            cwd=ROOT,
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return ServerProcess(process, port, log_path)


def wait_until_listening(servers: list[ServerProcess], timeout: float = 30) -> None:
    """Daphne imports the application before it binds, so a listening port means ready."""
    try:
        for server in servers:
            wait_for_port(server.port, server.process, timeout)
    except RuntimeError as error:
        for server in servers:
            server.stop()
        logs = "\n".join(f"--- {s.log_path} ---\n{s.log()}" for s in servers)
        raise RuntimeError(f"{error}\n{logs}") from None


def start_daphne(
    *,
    env: Mapping[str, str],
    log_path: Path,
    application: str = SITE_APPLICATION,
    launcher: Sequence[str] = DAPHNE,
    timeout: float = 30,
) -> ServerProcess:
    server = spawn_daphne(env=env, log_path=log_path, application=application, launcher=launcher)
    wait_until_listening([server], timeout)
    return server


def sqlite_database(path: Path) -> dict[str, str]:
    """The settings of a SQLite database in a file, in the shape `server_env` reads."""
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


def manage(env: Mapping[str, str], *args: str, quiet: bool = False) -> str:
    """Runs manage.py in a child process with `env`; returns what it printed."""
    return (
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=dict(env),
            check=True,
            stdout=subprocess.DEVNULL if quiet else subprocess.PIPE,
            text=True,
        ).stdout
        or ""
    )


def prepare_site(env: Mapping[str, str]) -> None:
    """Migrates the database `env` names and collects the static files a server needs.

    With DEBUG off the pages link hashed static file names, which only collectstatic writes down.
    """
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")


class DaphneCluster:
    """Several daphne processes on one database; the `daphne_cluster` fixture is one of these.

    Call it (or `.start`) with a count and extra environment; every process it started is
    stopped by `.stop_all()`, which the fixture runs at teardown.
    """

    def __init__(self, settings_dict: Mapping, directory: Path):
        self.settings_dict = dict(settings_dict)
        self.directory = directory
        self.servers: list[ServerProcess] = []

    def start(
        self,
        count: int,
        *,
        env: Mapping[str, str] | None = None,
        application: str = SITE_APPLICATION,
    ) -> list[ServerProcess]:
        environment = server_env(self.settings_dict, env)
        started = []
        for _ in range(count):
            log_path = self.directory / f"daphne-{len(self.servers) + 1}.log"
            server = spawn_daphne(env=environment, log_path=log_path, application=application)
            self.servers.append(server)
            started.append(server)
        # Spawned together, waited for together: the processes import Django side by side.
        wait_until_listening(started)
        return started

    __call__ = start

    def stop_all(self) -> None:
        for server in self.servers:
            server.stop()


def redis_executable() -> str | None:
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.access("/usr/bin/redis-server", os.X_OK) else None
    )


class RedisServer:
    """A redis-server that keeps nothing on disk and can be killed and brought back.

    `.stop()` kills it as a crash would; `.start()` brings it back on the same port, empty,
    so the clients that were connected have to reconnect to the same URL.
    """

    def __init__(self, directory: Path, executable: str | None = None):
        self.directory = directory
        self.executable = executable or redis_executable()
        if self.executable is None:
            raise FileNotFoundError("redis-server is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = directory / "redis.log"
        self.process: subprocess.Popen | None = None

    def __repr__(self) -> str:
        return f"<RedisServer {self.url} running={self.running}>"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 10) -> None:
        if self.running:
            return
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [
                    self.executable,
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.directory),
                    "--daemonize",
                    "no",
                ],
                cwd=self.directory,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while not self.ping():
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited at start:\n{self.log()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not answer PING in {timeout} s")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def command(self, *words: str) -> bytes:
        """One command in RESP, answered with the raw first line of the reply."""
        request = f"*{len(words)}\r\n".encode()
        for word in words:
            request += f"${len(word.encode())}\r\n{word}\r\n".encode()
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as conn:
            conn.sendall(request)
            return conn.makefile("rb").readline().rstrip(b"\r\n")

    def ping(self) -> bool:
        try:
            return self.command("PING") == b"+PONG"
        except OSError:
            return False

    def flushall(self) -> None:
        reply = self.command("FLUSHALL")
        if reply != b"+OK":
            raise RuntimeError(f"FLUSHALL answered {reply!r}")


# -- a probe for the channel layer across processes ---------------------------------------------
#
# The site's own consumers may not use groups, so the harness brings its own: two plain HTTP
# endpoints in front of the site that talk to the channel layer directly. A listener's response
# starts streaming once its channel has joined the group, so a test knows when it may send.


async def relay_application(scope, receive, send):
    """The site, plus `GET /__relay__/listen/<group>` and `POST /__relay__/send/<group>`."""
    if scope["type"] == "http" and scope["path"].startswith(RELAY_PREFIX):
        await _relay(scope, receive, send)
        return
    from config.asgi import application

    await application(scope, receive, send)


async def _relay(scope, receive, send) -> None:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    action, _, group = scope["path"].removeprefix(RELAY_PREFIX).partition("/")
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    if action == "send" and scope["method"] == "POST":
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await layer.group_send(
            group, {"type": "relay.message", "text": body.decode(), "sender": os.getpid()}
        )
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send(
            {"type": "http.response.body", "body": json.dumps({"sender": os.getpid()}).encode()}
        )
        return
    if action == "listen" and scope["method"] == "GET":
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        try:
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": b"listening\n", "more_body": True})
            try:
                message = await asyncio.wait_for(layer.receive(channel), timeout=10)
                reply = {"text": message["text"], "sender": message["sender"]}
            except TimeoutError:
                reply = {"timeout": True}
            reply["receiver"] = os.getpid()
            await send({"type": "http.response.body", "body": json.dumps(reply).encode()})
        finally:
            await layer.group_discard(group, channel)
        return
    await send({"type": "http.response.start", "status": 404, "headers": headers})
    await send({"type": "http.response.body", "body": b"unknown relay action\n"})
