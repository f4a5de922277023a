"""The glossary as data: `content/glossary.toml`, one `[[term]]` table per entry.

Like `content.py`, this only parses; cross-references (see-also terms, lessons) are checked by
the content system check, which sees the lessons as well.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from contentfiles import load_file, read_text
from courseware.content import CONTENT_DIR, SLUG_RE, ContentError

GLOSSARY_PATH = CONTENT_DIR / "glossary.toml"


@dataclass(frozen=True)
class Term:
    slug: str
    term: str
    definition: str
    see_also: tuple[str, ...] = ()
    lessons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()

    def get(self, slug: str) -> Term | None:
        return next((t for t in self.terms if t.slug == slug), None)

    @property
    def slugs(self) -> frozenset[str]:
        return frozenset(t.slug for t in self.terms)


def _strings(raw: dict, key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ContentError(f"{where}: '{key}' must be a list of slugs.")
    return tuple(v.strip() for v in value)


def parse_term(raw: object, index: int, name: str) -> Term:
    where = f"{name} term #{index + 1}"
    if not isinstance(raw, dict):
        raise ContentError(f"{where}: each [[term]] must be a table.")
    texts = {}
    for key in ("slug", "term", "definition"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ContentError(f"{where}: '{key}' must be a non-empty string.")
        texts[key] = value.strip()
    if not SLUG_RE.match(texts["slug"]):
        raise ContentError(f"{where}: slug {texts['slug']!r} must be lower-case kebab-case.")
    where = f"{name} term {texts['slug']!r}"
    return Term(
        **texts,
        see_also=_strings(raw, "see_also", where),
        lessons=_strings(raw, "lessons", where),
    )


def parse_glossary(path: Path, text: str | None = None) -> Glossary:
    """Every term, sorted alphabetically by its display name; duplicate slugs are refused."""
    if text is None:
        text = read_text(path, ContentError)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path.name}: not valid TOML ({exc}).") from exc
    raw_terms = data.get("term", [])
    if not isinstance(raw_terms, list):
        raise ContentError(f"{path.name}: terms must be written as [[term]] tables.")
    terms = [parse_term(raw, i, path.name) for i, raw in enumerate(raw_terms)]
    seen: set[str] = set()
    for term in terms:
        if term.slug in seen:
            raise ContentError(
                f"{path.name}: the slug {term.slug!r} is used by two terms.", code="duplicate-slug"
            )
        seen.add(term.slug)
    return Glossary(tuple(sorted(terms, key=lambda t: t.term.casefold())))


def load_glossary(path: Path | None = None) -> Glossary:
    """The glossary, re-read only when the file changed."""
    return load_file(path or GLOSSARY_PATH, parse_glossary, error=ContentError)
