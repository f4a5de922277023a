"""What the socket benchmarks share: percentiles, a server process's CPU and memory read from
/proc, and a pool of client processes driven in step through pipes."""

from __future__ import annotations

import asyncio
import contextlib
import math
import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile; nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100.0 * len(ordered)) - 1)]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process, all its threads."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The command name may hold spaces; the fields after its closing bracket do not.
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class ClientPool:
    """Client processes driven in step: a command goes to all of them, then all answer.

    Sockets are spread over several processes so that the client side is never what a bench
    measures; `target(conn, *args_for(i))` runs in each and answers every command it receives.
    """

    def __init__(self, count: int, target: Callable, args_for: Callable[[int], tuple]):
        context = multiprocessing.get_context("spawn")
        self.conns, self.procs = [], []
        for i in range(count):
            ours, theirs = context.Pipe()
            proc = context.Process(target=target, args=(theirs, *args_for(i)), daemon=True)
            proc.start()
            self.conns.append(ours)
            self.procs.append(proc)

    def send(self, command: str, per_client: list[dict] | None = None, **args) -> None:
        for i, conn in enumerate(self.conns):
            conn.send((command, per_client[i] if per_client else args))

    def answers(self, command: str) -> list[dict]:
        answers = [conn.recv() for conn in self.conns]
        for answer in answers:
            if answer and "crashed" in answer:
                raise RuntimeError(f"client {command}: {answer['crashed']}")
        return answers

    def all(self, command: str, per_client: list[dict] | None = None, **args) -> list[dict]:
        self.send(command, per_client, **args)
        return self.answers(command)

    def split(self, items: list) -> list[list]:
        return [items[i :: len(self.conns)] for i in range(len(self.conns))]

    def quit(self) -> None:
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.send(("quit", {}))
        for proc in self.procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.terminate()


async def serve_commands(conn, client) -> None:
    """A client process's loop: runs `client.<command>(**args)` for each command from the bench's
    main process and sends its answer back, a crash as an answer too; returns on "quit"."""
    while True:
        command, args = await asyncio.to_thread(conn.recv)
        if command == "quit":
            conn.send(None)
            return
        try:
            result = await getattr(client, command)(**args)
        except Exception as error:
            result = {"crashed": f"{type(error).__name__}: {error}"}
        conn.send(result)
