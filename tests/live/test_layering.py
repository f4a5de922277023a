"""The realtime kit sits below the apps: it imports none of them, and the classroom takes its
socket plumbing from it rather than from the simulator."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = {"accounts", "challenges", "classroom", "courseware", "quizzes", "simulator", "systems"}


def imported_modules(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def test_the_kit_imports_no_app():
    leaks = {
        path: sorted(name for name in names if name.split(".")[0] in APPS)
        for path, names in imported_modules("live").items()
    }
    assert {path: names for path, names in leaks.items() if names} == {}


# The engine is plain Python of its own; the projector's picture comes from the `diagram`
# package, which the simulator's page uses too.
ALLOWED_FROM_SIMULATOR = ("simulator.engine",)


@pytest.mark.parametrize("package", ["classroom", "quizzes"])
def test_other_apps_use_nothing_of_the_simulator_but_its_engine(package):
    leaks = {
        path: sorted(
            name
            for name in names
            if name.startswith("simulator") and not name.startswith(ALLOWED_FROM_SIMULATOR)
        )
        for path, names in imported_modules(package).items()
    }
    assert {path: names for path, names in leaks.items() if names} == {}
