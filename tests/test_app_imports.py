"""How the project's packages depend on each other, read from the source with `ast`.

Every import counts, the lazy ones inside functions included: a lazy import hides a cycle from
the interpreter, not from a reader. Each package at the root (the apps, the project package and
the pure packages beside them) is one node. The engine is a node of its own although it lives
inside the simulator: it is a pure library that imports no app (the second test holds it to
that), so the pages that draw its runs may use it without depending on the simulator's views.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
NOT_PRODUCT = {"tests", "bench", "scripts"}
ENGINE = "simulator.engine"
# Plain Python at the heart of the course: they may use other plain packages, never an app.
PURE = (ENGINE, "naming")


def packages(root: Path = ROOT) -> list[str]:
    return sorted(
        p.parent.name for p in root.glob("*/__init__.py") if p.parent.name not in NOT_PRODUCT
    )


def node_of(module: str, nodes: set[str]) -> str | None:
    """The node a dotted module belongs to: the engine, or its top-level package."""
    if module == ENGINE or module.startswith(ENGINE + "."):
        return ENGINE
    top = module.split(".")[0]
    return top if top in nodes else None


def imported_modules(path: Path, module: str) -> set[str]:
    """Every module `path` names in an import statement or an `import_module("...")` call."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            # `from simulator import engine` reaches the engine, not only the package.
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def module_edges(root: Path = ROOT) -> list[tuple[str, str, str, str]]:
    """(from node, to node, importing module, imported module) for every edge between nodes."""
    nodes = {*packages(root), ENGINE}
    edges = []
    for top in packages(root):
        for path in sorted((root / top).rglob("*.py")):
            module = ".".join(path.relative_to(root).with_suffix("").parts)
            module = module.removesuffix(".__init__")
            source = node_of(module, nodes)
            for name in imported_modules(path, module):
                target = node_of(name, nodes)
                if target is not None and target != source:
                    edges.append((source, target, module, name))
    return edges


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path that ends where it starts, or None."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = "done"
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_two_packages_import_each_other_even_lazily():
    graph: dict[str, set[str]] = defaultdict(set)
    why: dict[tuple[str, str], list[str]] = defaultdict(list)
    for source, target, module, name in module_edges():
        graph[source].add(target)
        why[source, target].append(f"{module} imports {name}")
    cycle = find_cycle(graph)
    assert cycle is None, (
        "import cycle "
        + " -> ".join(cycle or [])
        + ":\n"
        + "\n".join(
            line for a, b in zip(cycle or [], (cycle or [])[1:], strict=False) for line in why[a, b]
        )
    )


def django_apps() -> set[str]:
    """The project's installed apps, and the project package, which imports them all."""
    return {a.name for a in apps.get_app_configs()} & set(packages()) | {"config"}


def test_the_engine_and_the_grammar_import_no_app_and_not_django():
    assert {"simulator", "courseware", "learners"} <= django_apps()
    forbidden = django_apps()
    leaks = set()
    for top in PURE:
        for path in (ROOT / top.replace(".", "/")).rglob("*.py"):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for name in imported_modules(path, module.removesuffix(".__init__")):
                reached = node_of(name, forbidden)
                if reached not in (None, ENGINE) or name.split(".")[0] in {"django", "channels"}:
                    leaks.add((module, name))
    assert leaks == set()


def test_a_cycle_through_a_lazy_import_is_found(tmp_path):
    """The scan itself: two packages that import each other, one of them inside a function."""
    for name, body in {
        "shop": "from till import total\n",
        "till": "def total():\n    from shop.models import Order\n    return Order\n",
    }.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(body)
    (tmp_path / "shop" / "models.py").write_text("Order = object\n")
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target, _, _ in module_edges(tmp_path):
        graph[source].add(target)
    assert find_cycle(graph) in (["shop", "till", "shop"], ["till", "shop", "till"])
    assert find_cycle({"a": {"b"}, "b": {"c"}}) is None
