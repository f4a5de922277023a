"""What an English word can be, as far as the grammatical test needs to know.

The readings come from lemminflect's inflection lexicon (base form, past tense, past
participle, -ing form, third person) so that irregular verbs (sent, paid, withdrawn, undone) work
without a hand-made verb list. The lexicon is extended only where software names go beyond
everyday English: prefixed verbs it lacks (``reindex``, ``unarchived``), verb-plus-particle
compounds written as one word (``logout``, ``rollback``) and a few everyday terms of the trade.

Pure Python: no Django. lemminflect is imported on first use so importing this module is cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# Words that carry grammar rather than meaning. The lexicon gives some of them a verb reading
# ("up", "will", "can"), which would wreck the positional rules, so they never count as verbs.
PARTICLES = frozenset({"up", "out", "in", "off", "on", "down", "back", "over", "away", "through"})
PREPOSITIONS = frozenset(
    {
        "to", "from", "for", "with", "without", "into", "onto", "at", "by", "via", "as", "of",
        "about", "after", "before", "during", "between", "within", "across", "against",
        "under", "per", "upon", "toward", "towards", "since", "until", "due",
    }
)  # fmt: skip
# "back" stays out: it is a verb too ("BackUpDatabase", "BackProject").
FUNCTION_WORDS = (
    (PARTICLES - {"back"})
    | PREPOSITIONS
    | frozenset(
        {
            "a", "an", "the", "and", "or", "not", "no", "all", "any", "each", "every", "this",
            "that", "these", "those", "my", "our", "your", "its", "their", "his", "her", "is",
            "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "shall",
            "should", "can", "could", "may", "might", "must", "if", "when", "then", "than",
            "again", "now", "too", "very", "so", "just", "still", "yet",
        }
    )
)  # fmt: skip
MODALS_OF_FUTURE = frozenset({"will", "shall"})

# Prefixes that make new verbs from old ones; used only for words the lexicon does not know.
_PREFIXES = (
    "re", "un", "de", "pre", "dis", "mis", "co", "auto", "over", "under", "out", "sub",
    "super", "inter", "trans", "cross", "multi", "post", "up", "down", "off", "on",
)  # fmt: skip

# Trade verbs that an everyday-English lexicon lacks: base form -> past / past participle.
_TRADE_VERBS = {
    "sync": "synced",
    "upsert": "upserted",
    "dedupe": "deduped",
    "onboard": "onboarded",
    "offboard": "offboarded",
    "geocode": "geocoded",
    "enqueue": "enqueued",
    "dequeue": "dequeued",
    "ack": "acked",
    "nack": "nacked",
    "unpublish": "unpublished",
    "rebase": "rebased",
}


@dataclass(frozen=True)
class WordInfo:
    """The readings a single lower-case word can have."""

    word: str
    lemma: str | None = None  # the verb's base form, when the word can be a verb
    base: bool = False  # the bare form: "place", "set"
    past: bool = False  # simple past: "placed", "sent", "set", "ran"
    participle: bool = False  # past participle: "placed", "withdrawn", "set", "run"
    gerund: bool = False  # -ing form
    third_person: bool = False  # "places"
    noun: bool = False  # the lexicon also knows it as a noun
    adjective: bool = False
    known: bool = False  # found in the lexicon (rather than guessed)

    @property
    def is_verb(self) -> bool:
        return self.lemma is not None

    @property
    def is_past_form(self) -> bool:
        return self.past or self.participle

    @property
    def ambiguous(self) -> bool:
        """Spelled the same as a base form and as a past form ("set", "reset", "read", "run")."""
        return self.base and self.is_past_form

    @property
    def only_past(self) -> bool:
        return self.is_past_form and not self.base


@lru_cache(maxsize=1)
def _lexicon():
    import lemminflect  # deferred: loading its tables takes a moment

    return lemminflect


def load_lexicon() -> None:
    """Reads the lexicon's tables now rather than when the first name is checked.

    Reading them takes about half a second and makes tens of thousands of objects. A server does
    it while starting (config/asgi.py), before it sets its start-up objects aside from the garbage
    collector. Left to a learner's first checked name, it held up every open socket of the
    process for that half second, and the collections after it had the fresh tables to walk.
    """
    lexicon = _lexicon()
    lexicon.getAllLemmas("placed")
    lexicon.getAllInflections("place", upos="VERB")


@lru_cache(maxsize=8192)
def verb_table(lemma: str) -> dict[str, tuple[str, ...]]:
    """All verb inflections of ``lemma`` keyed by Penn tag; VBN falls back to VBD for regular
    verbs, whose lexicon entries leave VBN out because it is the same word."""
    if lemma in _TRADE_VERBS:
        past = _TRADE_VERBS[lemma]
        return {"VB": (lemma,), "VBD": (past,), "VBN": (past,)}
    table = dict(_lexicon().getAllInflections(lemma, upos="VERB"))
    if "VBD" in table and "VBN" not in table:
        table["VBN"] = table["VBD"]
    return table


def _from_lexicon(word: str) -> WordInfo:
    lexicon = _lexicon()
    readings = lexicon.getAllLemmas(word)
    noun = "NOUN" in readings or "PROPN" in readings
    adjective = "ADJ" in readings
    known = bool(readings)
    best: WordInfo | None = None
    for lemma in readings.get("VERB", ()):
        table = verb_table(lemma)
        info = WordInfo(
            word=word,
            lemma=lemma,
            base=word in table.get("VB", ()) or word in table.get("VBP", ()),
            past=word in table.get("VBD", ()),
            participle=word in table.get("VBN", ()),
            gerund=word in table.get("VBG", ()),
            third_person=word in table.get("VBZ", ()),
            noun=noun,
            adjective=adjective,
            known=True,
        )
        # "found" is the past of "find" and the base of "found": keep the reading that is a
        # change of form, since a name rarely uses the rarer verb.
        if best is None or (info.is_past_form and lemma != word and not best.is_past_form):
            best = info
    if best is not None:
        return best
    return WordInfo(word=word, noun=noun, adjective=adjective, known=known)


def _with_prefix(prefix: str, inner: WordInfo, word: str) -> WordInfo:
    return WordInfo(
        word=word,
        lemma=prefix + (inner.lemma or ""),
        base=inner.base,
        past=inner.past,
        participle=inner.participle,
        gerund=inner.gerund,
        third_person=inner.third_person,
    )


@lru_cache(maxsize=16384)
def lookup(word: str) -> WordInfo:
    """Readings of one lower-case word."""
    if not word.isalpha() or word in FUNCTION_WORDS:
        return WordInfo(word=word, known=word in FUNCTION_WORDS)
    for base, past in _TRADE_VERBS.items():
        if word in (base, past):
            return WordInfo(
                word=word,
                lemma=base,
                base=word == base,
                past=word == past,
                participle=word == past,
                known=True,
            )
    info = _from_lexicon(word)
    if info.is_verb:
        return info

    # "unarchived", "reindex", "rerequested": a known verb behind a word-forming prefix. Known
    # nouns are left alone unless they end in -ed ("outcome" is not "out" + "come").
    if not info.known or word.endswith("ed"):
        for prefix in _PREFIXES:
            rest = word[len(prefix) :]
            if word.startswith(prefix) and len(rest) >= 3:
                inner = _from_lexicon(rest)
                if inner.is_verb and (inner.base or inner.is_past_form):
                    return _with_prefix(prefix, inner, word)

    # "logout", "rollback", "checkout", "setup": a verb and its particle written as one word. As a
    # single word they are usually nouns too ("the checkout"), which the noun flag records.
    for particle in PARTICLES:
        head = word[: -len(particle)]
        if word.endswith(particle) and len(head) >= 2:
            inner = _from_lexicon(head)
            if inner.is_verb and inner.base:
                return WordInfo(
                    word=word,
                    lemma=f"{inner.lemma} {particle}",
                    base=True,
                    noun=True,
                    known=info.known,
                )

    if not info.known and word.isascii() and len(word) >= 5:
        if word.endswith("ed"):
            guesses = _lexicon().getAllLemmasOOV(word, "VERB").get("VERB", ())
            lemma = guesses[0] if guesses else word[:-2]
            return WordInfo(word=word, lemma=lemma, past=True, participle=True)
        if word.endswith(("ize", "ise", "ify", "ate")):
            return WordInfo(word=word, lemma=word, base=True)
    return info


def past_participle(lemma: str) -> str:
    """The form a noun-first event name uses: "withdraw" -> "withdrawn", "cancel" -> "cancelled"."""
    if " " in lemma:
        head, particle = lemma.split(" ", 1)
        return f"{past_participle(head)} {particle}"
    table = verb_table(lemma)
    forms = table.get("VBN") or table.get("VBD") or ()
    if not forms:
        return lemma + ("d" if lemma.endswith("e") else "ed")
    simple_past = table.get("VBD", ())
    for form in forms:
        if form == lemma and form in simple_past:
            return form  # "quit", "set", "bid": the short form is the usual one
    irregular = [form for form in forms if not form.endswith("ed") and "-" not in form]
    if irregular:
        return irregular[0]  # "woken" rather than "waked"
    doubled = [form for form in forms if len(form) > 4 and form[-3] == form[-4]]
    if doubled:
        return doubled[0]  # "cancelled", "labelled"
    return next((form for form in forms if "-" not in form), forms[0])
