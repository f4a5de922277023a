"""Requests per second of the course's pages, held against a minimal view on the same server.

Usage: python bench/pages.py [--seconds S] [--rounds N] [--clients N]

One daphne process with production settings (DEBUG off) serves a throwaway SQLite database. It
runs with DJANGO_BENCH_MINIMAL_VIEW=1, which routes `/bench/minimal/`: a view behind the same
middleware as every page that renders nothing and reads no session. A URL that already exists
would not do: static files are answered by WhiteNoise before Django's middleware runs, and every
page of the site renders a template, so neither is the floor of what a page costs.

Each client process holds one keep-alive connection and the cookies of a learner who has opened
the lesson once (so the server looks a learner up, as it does for a returning one), and asks for
one URL after the other as fast as the answers come. A lesson's state (its touch and the answers
given) is kept for a minute per process, so these openings, all within the minute, write nothing;
a second server started with DJANGO_BENCH_FORGETFUL=1 keeps no state, and its lesson figure
("state not kept") is what every opening after the minute costs. The URLs take turns, round
after round, so a neighbour's load on the machine falls on all of them alike; each rate is the
median of its rounds.

Transfer sizes are what the server sends to a browser that accepts gzip and brotli, beside the
size gzip -9 would make of the same HTML. Goals: the lesson page at least 0.7 times the minimal
view's rate, and its HTML at most 14 KB (of 1000 bytes) as sent, so the first round trip of a new
connection carries it whole. The last line is
`RESULT lesson_rps=.. minimal_rps=.. ratio=.. lesson_kb=..`.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import multiprocessing
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    manage,
    prepare_site,
    server_env,
    sqlite_database,
    start_daphne,
)

MINIMAL = "/bench/minimal/"
OUTLINE = "/"
RATIO_GOAL = 0.7
LESSON_KB_GOAL = 14.0
LESSON_LINK = re.compile(r'href="(/lessons/[a-z0-9-]+/)"')
QUIZ_LINK = re.compile(r'href="(/quizzes/[a-z0-9-]+/)"')


def get(conn: http.client.HTTPConnection, path: str, headers: dict) -> http.client.HTTPResponse:
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.body = response.read()
    return response


def returning_learner(port: int, lesson: str) -> str:
    """The cookie header of a learner who has opened `lesson` once."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        response = get(conn, lesson, {})
        if response.status != 200:
            raise RuntimeError(f"GET {lesson} answered {response.status}")
        cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
    finally:
        conn.close()
    return "; ".join(cookies)


def client(conn, port: int, cookie: str) -> None:
    """A client process: for each (path, seconds) it is sent, the count of answers in that time."""
    server = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie, "Accept-Encoding": "gzip, br"}
    while True:
        command = conn.recv()
        if command is None:
            server.close()
            return
        path, seconds = command
        count = 0
        try:
            deadline = time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                response = get(server, path, headers)
                if response.status != 200:
                    raise RuntimeError(f"GET {path} answered {response.status}")
                count += 1
        except Exception as error:  # the main process reports it; a client must not hang it
            conn.send(f"{type(error).__name__}: {error}")
            continue
        conn.send(count)


def rates(port: int, paths: dict[str, str], args, cookie: str) -> dict[str, float]:
    """Requests per second of each path: the median over the rounds."""
    context = multiprocessing.get_context("spawn")
    pipes, procs = [], []
    for _ in range(args.clients):
        ours, theirs = context.Pipe()
        proc = context.Process(target=client, args=(theirs, port, cookie), daemon=True)
        proc.start()
        pipes.append(ours)
        procs.append(proc)
    measured: dict[str, list[float]] = {name: [] for name in paths}
    try:
        for _ in range(args.warmup_rounds + args.rounds):
            for name, path in paths.items():
                for pipe in pipes:
                    pipe.send((path, args.seconds))
                counts = [pipe.recv() for pipe in pipes]
                failures = [c for c in counts if isinstance(c, str)]
                if failures:
                    raise RuntimeError(f"{name}: {failures[0]}")
                measured[name].append(sum(counts) / args.seconds)
    finally:
        for pipe in pipes:
            pipe.send(None)
        for proc in procs:
            proc.join(timeout=10)
    return {
        name: statistics.median(values[args.warmup_rounds :]) for name, values in measured.items()
    }


def sizes(port: int, path: str, cookie: str) -> dict[str, object]:
    """What the page weighs as sent to a browser, and as gzip -9 would make it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        sent = get(conn, path, {"Cookie": cookie, "Accept-Encoding": "gzip, br"})
        plain = get(conn, path, {"Cookie": cookie})
    finally:
        conn.close()
    return {
        "encoding": sent.headers.get("Content-Encoding") or "none",
        "sent": len(sent.body),
        "html": len(plain.body),
        "gzip9": len(gzip.compress(plain.body, compresslevel=9)),
    }


def first_link(port: int, page: str, pattern: re.Pattern, cookie: str = "") -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        response = get(conn, page, {"Cookie": cookie} if cookie else {})
    finally:
        conn.close()
    match = pattern.search(response.body.decode())
    if response.status != 200 or match is None:
        raise RuntimeError(f"{page} answered {response.status} and links no {pattern.pattern}")
    return match.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per URL and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup-rounds", type=int, default=1)
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    args = parser.parse_args()
    if args.seconds <= 0 or args.rounds < 1 or args.clients < 1 or args.warmup_rounds < 0:
        parser.error("--seconds must be positive, --rounds and --clients at least 1")
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as folder:
        workdir = Path(folder)
        env = server_env(
            sqlite_database(workdir / "bench.sqlite3"),
            {"DJANGO_BENCH_MINIMAL_VIEW": "1", "DJANGO_LOG_LEVEL": "WARNING"},
        )
        prepare_site(env)
        manage(env, "check", "--verbosity", "0", quiet=True)
        server = start_daphne(env=env, log_path=workdir / "daphne.log", timeout=60)
        try:
            port = server.port
            lesson = first_link(port, OUTLINE, LESSON_LINK)
            quiz = first_link(port, "/quizzes/", QUIZ_LINK)
            cookie = returning_learner(port, lesson)
            paths = {"minimal": MINIMAL, "lesson": lesson, "outline": OUTLINE, "quiz": quiz}
            measured = rates(port, paths, args, cookie)
            weights = {name: sizes(port, path, cookie) for name, path in paths.items()}
            if "Traceback" in server.log():
                raise RuntimeError(f"the server logged a traceback:\n{server.log()}")
        finally:
            server.stop()
        # The same pages on a server that keeps no lesson state, as if every visit came a
        # minute after the last: each opening writes the touch and asks for the answers.
        forgetful = start_daphne(
            env={**env, "DJANGO_BENCH_FORGETFUL": "1"},
            log_path=workdir / "forgetful.log",
            timeout=60,
        )
        try:
            cookie = returning_learner(forgetful.port, lesson)
            slow = rates(forgetful.port, {"minimal": MINIMAL, "lesson": lesson}, args, cookie)
        finally:
            forgetful.stop()
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}; one daphne process,"
        f" {args.clients} client processes, {args.rounds} rounds of {args.seconds:g} s per URL"
    )
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f}")
    print("| page | URL | requests/s | x minimal | sent (encoding) | HTML | gzip -9 |")
    print("|---|---|---|---|---|---|---|")
    for name, path in paths.items():
        w = weights[name]
        print(
            f"| {name} | {path} | {measured[name]:.0f} | {measured[name] / measured['minimal']:.2f}"
            f" | {w['sent'] / 1000:.1f} KB ({w['encoding']}) | {w['html'] / 1000:.1f} KB"
            f" | {w['gzip9'] / 1000:.1f} KB |"
        )
    print(
        f"| lesson, state not kept | {lesson} | {slow['lesson']:.0f}"
        f" | {slow['lesson'] / slow['minimal']:.2f} | (against {slow['minimal']:.0f}/s minimal"
        " on its own server) | | |"
    )
    ratio = measured["lesson"] / measured["minimal"]
    lesson_kb = weights["lesson"]["sent"] / 1000
    print(
        f"goals: lesson ≥ {RATIO_GOAL}x minimal: {'met' if ratio >= RATIO_GOAL else 'MISSED'};"
        f" lesson ≤ {LESSON_KB_GOAL:g} KB as sent:"
        f" {'met' if lesson_kb <= LESSON_KB_GOAL else 'MISSED'}"
    )
    print(
        f"RESULT lesson_rps={measured['lesson']:.1f} minimal_rps={measured['minimal']:.1f}"
        f" ratio={ratio:.2f} lesson_kb={lesson_kb:.1f}"
    )


if __name__ == "__main__":
    main()
