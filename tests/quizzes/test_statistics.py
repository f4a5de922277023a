"""The discrimination index: strong learners right and weak ones wrong is a good item."""

from quizzes.statistics import MIN_ANSWERS, discrimination, is_poor


def test_an_item_only_the_strong_get_right_discriminates_fully():
    answers = [(i / 20, i >= 10) for i in range(20)]
    assert discrimination(answers) == 1.0
    assert not is_poor(discrimination(answers))


def test_an_item_everyone_gets_right_tells_nothing():
    answers = [(i / 20, True) for i in range(20)]
    assert discrimination(answers) == 0.0
    assert is_poor(discrimination(answers))


def test_an_item_the_weak_get_right_and_the_strong_wrong_is_negative():
    answers = [(i / 20, i < 10) for i in range(20)]
    assert discrimination(answers) == -1.0


def test_too_few_answers_give_no_index():
    assert discrimination([(0.5, True)] * (MIN_ANSWERS - 1)) is None
    assert not is_poor(None)
