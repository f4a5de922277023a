"""Splitting message names into words and putting words back together in the same style.

Names arrive in every convention teams use: ``PlaceOrder``, ``placeOrder``, ``place_order``,
``PLACE_ORDER``, ``place-order``, ``Object Created`` and dotted paths such as
``customer.subscription.created``. A name is first cut into *segments* at dots, slashes and
colons (a namespace path), then each segment into words. Each segment remembers its own style so
that a rename can be written back the way the team writes names.

Pure Python: no Django, no lexicon.
"""

from __future__ import annotations

from dataclasses import dataclass

SEGMENT_SEPARATORS = frozenset("./:")
WORD_SEPARATORS = frozenset("_- ")


@dataclass(frozen=True)
class Word:
    """One word of a name: the text as written and its lower-case form."""

    text: str
    lower: str

    @property
    def is_acronym(self) -> bool:
        return len(self.text) > 1 and self.text.isupper()


@dataclass(frozen=True)
class Segment:
    """A run of words between namespace separators, with the style it was written in."""

    words: tuple[Word, ...]
    joiner: str  # "" for PascalCase/camelCase, else "_", "-" or " "
    case: str  # "pascal" | "camel" | "lower" | "upper" | "title"


@dataclass(frozen=True)
class ParsedName:
    """A name cut into segments, keeping the separators found between them."""

    segments: tuple[Segment, ...]
    separators: tuple[str, ...]  # len(segments) - 1 items

    @property
    def words(self) -> list[Word]:
        return [word for segment in self.segments for word in segment.words]


def _split_camel(chunk: str) -> list[str]:
    """Cut one separator-free chunk at case changes and letter/digit boundaries.

    ``HTTPRequestSent`` gives ``HTTP``, ``Request``, ``Sent``; ``OrderPlacedV2`` gives ``Order``,
    ``Placed``, ``V2`` (a version tag stays one word so it can be recognised and ignored).
    """
    pieces: list[str] = []
    current = ""
    for index, char in enumerate(chunk):
        if not current:
            current = char
            continue
        previous = current[-1]
        following = chunk[index + 1] if index + 1 < len(chunk) else ""
        boundary = False
        if char.isdigit() != previous.isdigit():
            # "V2" and "v10" are version tags: keep the digits with their letter.
            boundary = not (char.isdigit() and current in ("V", "v"))
        elif char.isupper() and previous.islower():
            boundary = True
        elif char.isupper() and previous.isupper() and following.islower():
            boundary = True  # the last capital of an acronym starts the next word
        if boundary:
            pieces.append(current)
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def _segment_style(raw: str, pieces: list[str]) -> tuple[str, str]:
    joiner = ""
    for candidate in ("_", "-", " "):
        if candidate in raw:
            joiner = candidate
            break
    letters = [char for char in raw if char.isalpha()]
    if joiner == "":
        if letters and letters[0].islower():
            return joiner, "camel"
        if len(pieces) == 1 and raw.isupper() and len(raw) > 1:
            return joiner, "upper"
        return joiner, "pascal"
    if letters and all(char.isupper() for char in letters):
        return joiner, "upper"
    if pieces and all(piece[:1].isupper() for piece in pieces if piece[:1].isalpha()):
        return joiner, "title"
    return joiner, "lower"


def parse(name: str) -> ParsedName:
    """Cut ``name`` into segments of words; characters that are neither letters nor digits
    separate words."""
    raw_segments: list[str] = []
    separators: list[str] = []
    current = ""
    for char in name:
        if char in SEGMENT_SEPARATORS:
            raw_segments.append(current)
            separators.append(char)
            current = ""
        else:
            current += char
    raw_segments.append(current)

    segments: list[Segment] = []
    kept_separators: list[str] = []
    for position, raw in enumerate(raw_segments):
        chunks: list[str] = []
        chunk = ""
        for char in raw:
            if char.isalnum():
                chunk += char
            else:
                if chunk:
                    chunks.append(chunk)
                chunk = ""
        if chunk:
            chunks.append(chunk)
        pieces = [piece for chunk in chunks for piece in _split_camel(chunk)]
        if not pieces:
            continue
        joiner, case = _segment_style(raw.strip(), pieces)
        words = tuple(Word(piece, piece.lower()) for piece in pieces)
        if segments:
            kept_separators.append(separators[position - 1])
        segments.append(Segment(words, joiner, case))
    return ParsedName(tuple(segments), tuple(kept_separators))


def split_words(name: str) -> list[str]:
    """The words of ``name`` in lower case, whatever its style.

    >>> split_words("customer.subscription.created")
    ['customer', 'subscription', 'created']
    >>> split_words("PaymentCapturedIntegrationEvent")
    ['payment', 'captured', 'integration', 'event']
    """
    return [word.lower for word in parse(name).words]


def _cased(word: str, index: int, case: str, keep: Word | None) -> str:
    if keep is not None and keep.is_acronym and case in ("pascal", "camel", "title"):
        return keep.text
    if case == "upper":
        return word.upper()
    if case == "lower":
        return word.lower()
    if case == "camel" and index == 0:
        return word.lower()
    if case in ("pascal", "camel", "title"):
        return word[:1].upper() + word[1:].lower()
    return word


def render_segment(words: list[str | Word], joiner: str, case: str) -> str:
    """Write words back in a segment's style. A ``Word`` keeps an acronym's capitals; a plain
    string is a word the caller made up (such as a new verb form)."""
    out = []
    for index, item in enumerate(words):
        keep = item if isinstance(item, Word) else None
        text = item.lower if isinstance(item, Word) else item
        out.append(_cased(text, index, case, keep))
    return joiner.join(out)


def render(parsed: ParsedName, replacements: dict[int, list[str | Word]]) -> str:
    """Write a parsed name back, replacing the words of the segments given by index."""
    parts: list[str] = []
    for index, segment in enumerate(parsed.segments):
        words = replacements.get(index, list(segment.words))
        if not words:
            continue
        if index and parts:
            parts.append(parsed.separators[index - 1])
        parts.append(render_segment(words, segment.joiner, segment.case))
    return "".join(parts)
