"""The /grammar/ page's reading of a pasted list of names. Pure Python, no Django.

One name per line; blank lines are skipped. Each name is classified on its own, so one bad line
gets its own error and never stops the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from naming.grammar import MAX_LENGTH, InvalidName, Verdict, classify

MAX_NAMES = 100
MAX_INPUT_CHARS = 20_000

FORM_LABELS = {
    "base": "base form (imperative)",
    "past": "past tense",
    "past_participle": "past participle",
}


@dataclass(frozen=True)
class NameRow:
    """One line of the list: a verdict, or the reason it could not be read."""

    line: int
    name: str
    verdict: Verdict | None = None
    error: str = ""

    @property
    def form_label(self) -> str:
        if self.verdict is None or self.verdict.form is None:
            return ""
        return FORM_LABELS.get(self.verdict.form, self.verdict.form)


@dataclass(frozen=True)
class NameReport:
    rows: tuple[NameRow, ...] = ()
    error: str = ""
    notices: tuple[str, ...] = field(default_factory=tuple)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"event": 0, "command": 0, "unclear": 0, "error": 0}
        for row in self.rows:
            counts[row.verdict.kind if row.verdict else "error"] += 1
        return counts


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_name(line: int, raw: str) -> NameRow:
    name = raw.strip()
    if len(name) > MAX_LENGTH:
        return NameRow(
            line=line,
            name=_shorten(name),
            error=f"This line has {len(name)} characters; a message name has at most {MAX_LENGTH}.",
        )
    try:
        return NameRow(line=line, name=name, verdict=classify(name))
    except InvalidName as exc:
        return NameRow(line=line, name=name, error=_sentence(str(exc)))


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return "This line cannot be read as a message name."
    text = text[0].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def check_names(text: str | None) -> NameReport:
    """Classify every non-blank line of ``text``; refuse the whole input only when it is huge."""
    if not text:
        return NameReport()
    if len(text) > MAX_INPUT_CHARS:
        return NameReport(
            error=f"That list is {len(text):,} characters long; the checker reads at most "
            f"{MAX_INPUT_CHARS:,} at a time (about {MAX_NAMES} names). Split it and check "
            "each part on its own."
        )
    lines = [(number, raw) for number, raw in enumerate(text.splitlines(), 1) if raw.strip()]
    notices = []
    if len(lines) > MAX_NAMES:
        notices.append(
            f"The list has {len(lines)} names; the first {MAX_NAMES} were checked and the "
            f"other {len(lines) - MAX_NAMES} were left out."
        )
        lines = lines[:MAX_NAMES]
    return NameReport(rows=tuple(read_name(n, raw) for n, raw in lines), notices=tuple(notices))
