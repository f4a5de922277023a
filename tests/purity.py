"""Runs a snippet in a fresh interpreter and reports which Django modules it loaded, so a test
can prove that a pure-Python part of the project never imports the web framework."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = "\nprint(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"


def django_modules_loaded_by(code: str) -> str:
    """The printed list of Django modules loaded after running `code` (\"[]\" when none)."""
    result = subprocess.run(
        [sys.executable, "-c", "import sys\n" + code + REPORT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()
