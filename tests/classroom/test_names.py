"""Display names: what the room shows, and which names are taken for one another."""

import pytest

from classroom.names import NameRefused, clean, looks_alike


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\uff21\uff4e\uff41", "Ana"),  # full-width letters
        ("A\u200bna", "Ana"),  # zero-width space
        ("\u2060Ana\ufeff", "Ana"),  # word joiner, byte order mark
        ("An\u00ada", "Ana"),  # soft hyphen
        ("Ana\u3164", "Ana"),  # Hangul filler, a letter that draws nothing
        ("  Ana \n  Lee\t", "Ana Lee"),
        ("Ana\x00\x07", "Ana"),
        ("Zoë", "Zoë"),
        ("Zoe\u0308", "Zoë"),  # composed by NFKC
        ("李雷", "李雷"),
    ],
)
def test_names_are_normalised_and_invisible_characters_dropped(raw, shown):
    assert clean(raw) == shown


@pytest.mark.parametrize("override", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068"])
def test_a_name_that_reverses_the_text_is_refused(override):
    with pytest.raises(NameRefused, match="reverse"):
        clean(f"Ana{override}reL")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Ana", "ANA"),
        ("Alice", "\u0410lice"),  # Cyrillic capital A
        ("Paypal", "Payp\u0430l"),  # Cyrillic small a
        ("Alice", "A1ice"),
        ("Ana", "Ana."),
        ("Ana Lee", "AnaLee"),
        ("Ben", "\u0412en"),  # Cyrillic capital Ve
        ("Arnie", "Amie"),  # r and n drawn together look like m
    ],
)
def test_look_alike_names_clash(one, other):
    assert looks_alike(one, other)
    assert looks_alike(other, one)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Ana", "Anna"),
        ("Bob", "Rob"),
        ("Learner 001", "Learner 007"),
        ("Ana", "Ava"),
        ("Zoë", "Zoé"),
        ("José", "Jose"),
    ],
)
def test_different_names_do_not_clash(one, other):
    assert not looks_alike(one, other)


def test_a_full_room_of_numbered_learners_has_no_clash():
    names = [f"Learner {n:03d}" for n in range(1, 301)]
    assert not any(looks_alike(a, b) for i, a in enumerate(names) for b in names[:i])
