"""The engine is plain Python: importing it loads no part of the web framework."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_importing_the_engine_in_a_fresh_interpreter_loads_no_django():
    code = (
        "import sys\n"
        "import simulator.engine as engine\n"
        "e = engine.load_scenario('order-flow').run()\n"
        "assert e.trace\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_no_engine_module_mentions_django():
    for path in (ROOT / "simulator" / "engine").glob("*.py"):
        assert "django" not in path.read_text(encoding="utf-8").lower(), path.name
