"""What the server process sets up before its first connection (config/asgi.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter: the test process has long since loaded and frozen its own objects.
# The probe imports the ASGI module, reports, hands the application its first `scope`, and
# reports again: whether the lexicon's two tables exist, how many of them a collection walks,
# and how many objects are frozen.
PROBE = """
import asyncio
import gc
import sys
import config.asgi
from lemminflect.core.Inflections import Inflections
from lemminflect.core.Lemmatizer import Lemmatizer

def report():
    tables = [vars(Lemmatizer()).get("lemma_dict"), vars(Inflections()).get("infl_dict")]
    loaded = [t for t in tables if t is not None]
    walked = {id(o) for o in gc.get_objects()}
    frozen, threshold = gc.get_freeze_count(), gc.get_threshold()[0]
    print(len(loaded), sum(id(t) in walked for t in loaded), frozen, threshold)

async def first(scope):
    messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent = []
    async def receive():
        if messages:
            return messages.pop(0)
        return {"type": "http.disconnect"}
    async def send(message):
        sent.append(message["type"])
    await config.asgi.application(scope, receive, send)
    return sent

report()
sent = asyncio.run(first({"type": sys.argv[1], "path": "/", "method": "GET", "headers": [],
                          "query_string": b"", "asgi": {"version": "3.0"}, "http_version": "1.1",
                          "scheme": "http", "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1),
                          "root_path": "", "raw_path": b"/"}))
report()
print(sent)
"""


def start(scope_type: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, scope_type],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def figures(line: str) -> tuple[int, ...]:
    return tuple(map(int, line.split()))


@pytest.mark.parametrize("scope_type", ["lifespan", "http"])
def test_the_lexicon_is_read_at_start_up_and_set_aside_from_the_collector(scope_type):
    imported, started, sent = start(scope_type)
    # Importing the module does none of it: a test that only imports it keeps its collector.
    loaded, _, frozen_at_import, _ = figures(imported)
    assert loaded == 0
    # Started (on the lifespan's start-up, or before the first request where there is no
    # lifespan, as under daphne), both tables exist before any name was checked and neither is
    # among the objects a collection walks.
    loaded, walked, frozen, threshold = figures(started)
    assert loaded == 2
    assert walked == 0
    assert frozen > frozen_at_import + 10_000
    assert threshold == 3_000
    if scope_type == "lifespan":
        assert sent == "['lifespan.startup.complete', 'lifespan.shutdown.complete']"
