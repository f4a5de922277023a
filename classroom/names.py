"""Display names in a room: cleaned so that what the room shows is what was meant, and compared
so that nobody can take a name that merely looks like someone else's. Pure Python, no Django.

Unicode offers many ways to write a name that looks like another: full-width letters, letters
from another script (a Cyrillic letter drawn like a Latin one), characters that draw nothing,
and controls that reverse the text after them. The name is put in NFKC form (full-width
becomes plain), the invisible characters are dropped, and a name with a direction override is
refused outright, since it could make one name read as another. Two names clash when their
casefolded forms are equal or confusable according to Unicode's confusables table (the
`confusables` package).
"""

from __future__ import annotations

import unicodedata

import confusables

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


def _comparable(name: str) -> str:
    # Spaces and punctuation are easy to miss on a projector: "Ana." reads as "Ana".
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(c for c in folded if unicodedata.category(c)[0] not in {"Z", "P"})


def looks_alike(one: str, other: str) -> bool:
    """Whether two cleaned names could be taken for each other on screen."""
    a, b = _comparable(one), _comparable(other)
    if not a or not b:
        return a == b
    return a == b or confusables.is_confusable(a, b)
