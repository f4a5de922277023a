"""The final's drawing: weighted to weak misconceptions, without repeats, lessons in turn."""

from collections import Counter
from itertools import pairwise

from quizzes.final import Candidate, draw, left_behind, passed, weakness


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


def test_one_right_answer_after_a_wrong_one_does_not_leave_a_belief_behind():
    assert left_behind([("sync", True, "q1"), ("sync", False, "q2")]) == set()


def test_the_same_question_right_twice_is_not_enough():
    assert (
        left_behind([("sync", True, "q1"), ("sync", False, "q1"), ("sync", False, "q1")]) == set()
    )


def test_two_different_questions_right_after_the_last_wrong_one_leave_it_behind():
    history = [("sync", True, "q1"), ("sync", False, "q1"), ("sync", False, "q2")]
    assert left_behind(history) == {"sync"}


def test_a_wrong_answer_after_the_rights_brings_the_belief_back():
    history = [("sync", False, "q1"), ("sync", False, "q2"), ("sync", True, "q3")]
    assert left_behind(history) == set()
    assert left_behind([*history, ("sync", False, "q3")]) == set()
    assert left_behind([*history, ("sync", False, "q3"), ("sync", False, "q1")]) == {"sync"}


def test_beliefs_are_judged_each_on_its_own_answers():
    history = [("sync", False, "q1"), ("fanout", True, "q1"), ("sync", False, "q2")]
    assert left_behind(history) == {"sync"}
