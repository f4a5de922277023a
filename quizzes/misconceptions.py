"""The misconception catalogue: the wrong beliefs the bank's wrong choices stand for.

Pure Python, no Django. One TOML file, ``quizzes/content/misconceptions.toml``, with one
``[[misconception]]`` table per belief: ``id``, ``name``, ``explanation``, and the ``lesson`` and
challenge ``level`` that address it. Like the bank loader, :func:`parse_catalogue` lists every
structural problem instead of stopping at the first; whether the lesson and level exist is for
the system check, which knows where they live.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from quizzes.banks import SLUG_RE

CATALOGUE_PATH = Path(__file__).resolve().parent / "content" / "misconceptions.toml"
FIELDS = ("id", "name", "explanation", "lesson", "level")


@dataclass(frozen=True)
class Misconception:
    id: str
    name: str
    explanation: str
    lesson: str
    level: str


@dataclass(frozen=True)
class Catalogue:
    misconceptions: tuple[Misconception, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def by_id(self) -> dict[str, Misconception]:
        return {m.id: m for m in self.misconceptions}


def parse_catalogue(text: str) -> Catalogue:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Catalogue(problems=(f"is not valid TOML: {exc}",))
    problems: list[str] = []
    unknown = set(data) - {"misconception"}
    if unknown:
        problems.append(f"unknown top-level key(s): {', '.join(sorted(unknown))}.")
    raw_list = data.get("misconception")
    if not isinstance(raw_list, list) or not raw_list:
        return Catalogue(problems=(*problems, "add at least one [[misconception]] table."))
    found: dict[str, Misconception] = {}
    for index, raw in enumerate(raw_list, 1):
        where = f"misconception #{index}"
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            where = f"misconception {raw['id']!r}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: a misconception is a table.")
            continue
        before = len(problems)
        for key in sorted(set(raw) - set(FIELDS)):
            problems.append(f"{where}: unknown key `{key}`.")
        values = {}
        for key in FIELDS:
            value = raw.get(key)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{where}: `{key}` must be a non-empty string.")
            else:
                values[key] = value.strip()
        if "id" in values and not SLUG_RE.match(values["id"]):
            problems.append(f"{where}: the id must be kebab-case (a-z, 0-9, -).")
        if values.get("id") in found:
            problems.append(f"{where}: the id is used twice.")
        if len(problems) == before:
            found[values["id"]] = Misconception(**values)
    return Catalogue(misconceptions=tuple(found.values()), problems=tuple(problems))


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The catalogue at ``path``; parsed again only when the file changes."""
    path = Path(path or CATALOGUE_PATH)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return Catalogue(problems=(f"the catalogue {path} does not exist.",))
    return _load(path, mtime)


@lru_cache(maxsize=4)
def _load(path: Path, _mtime: float) -> Catalogue:
    try:
        return parse_catalogue(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return Catalogue(problems=(f"cannot be read: {exc}",))
