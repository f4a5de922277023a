"""The final's drawing: weighted to weak misconceptions, without repeats, lessons in turn."""

from collections import Counter
from itertools import pairwise

from quizzes.final import Candidate, draw, passed, weakness


def candidates():
    strong = [Candidate(f"a--s{i}", "replay", frozenset({"mastered"})) for i in range(30)]
    weak = [Candidate(f"b--w{i}", "coupling", frozenset({"held"})) for i in range(30)]
    return strong + weak


def test_weakness_is_the_smoothed_share_of_evidence_for_the_belief():
    weak = weakness([("held", True), ("held", True), ("mastered", False), ("mastered", False)])
    assert weak == {"held": 0.75, "mastered": 0.25}


def test_a_weak_misconception_draws_more_of_its_items():
    weak = weakness([("held", True)] * 4 + [("mastered", False)] * 4)
    counts = Counter()
    for seed in range(200):
        keys = draw(candidates(), weak, seed=seed, size=10)
        assert len(keys) == len(set(keys)) == 10
        counts.update(k.split("--")[0] for k in keys)
    assert counts["b"] > 2 * counts["a"]


def test_without_evidence_the_draw_is_even_and_seeded():
    counts = Counter()
    for seed in range(200):
        counts.update(k.split("--")[0] for k in draw(candidates(), {}, seed=seed, size=10))
    assert abs(counts["a"] - counts["b"]) < 0.2 * sum(counts.values())
    assert draw(candidates(), {}, seed=7) == draw(candidates(), {}, seed=7)


def test_lessons_take_turns_in_the_final():
    keys = draw(candidates(), {}, seed=3, size=6)
    lessons = ["replay" if k.startswith("a") else "coupling" for k in keys]
    switches = sum(a != b for a, b in pairwise(lessons))
    assert switches >= min(lessons.count("replay"), lessons.count("coupling")) * 2 - 1


def test_passing_takes_four_fifths():
    assert passed(16, 20)
    assert not passed(15, 20)
    assert not passed(0, 0)
