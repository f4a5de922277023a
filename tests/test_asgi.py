"""What the server process sets up before its first connection (config/asgi.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter: the test process has long since loaded and frozen its own objects.
PROBE = """
import gc
import config.asgi
from lemminflect.core.Inflections import Inflections
from lemminflect.core.Lemmatizer import Lemmatizer

tables = [vars(Lemmatizer())["lemma_dict"], vars(Inflections())["infl_dict"]]
walked = {id(o) for o in gc.get_objects()}
print(len(tables), sum(id(t) in walked for t in tables), gc.get_freeze_count())
"""


def test_the_lexicon_is_read_at_start_up_and_set_aside_from_the_collector():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded, walked, frozen = map(int, result.stdout.split())
    # Both tables exist before any name was checked (vars() would raise KeyError otherwise),
    # and neither is among the objects a collection walks.
    assert loaded == 2
    assert walked == 0
    assert frozen > 10_000
