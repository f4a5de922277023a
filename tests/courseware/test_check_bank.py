"""The lesson checks as a bank: no giveaway in the shape of the right answer.

Shuffling hides the right answer's position; its length is the authors' job. A learner who
always picks the longest choice should do no better than chance.
"""

from courseware.content import load_course

QUESTIONS = [q for lesson in load_course().lessons for q in lesson.checks]


def _lengths(question):
    right = len(question.choices[question.answer])
    others = [len(c) for i, c in enumerate(question.choices) if i != question.answer]
    return right, max(others)


def test_picking_the_longest_choice_does_no_better_than_chance():
    longest = [q.id for q in QUESTIONS if _lengths(q)[0] > _lengths(q)[1]]
    chance = sum(1 / len(q.choices) for q in QUESTIONS)
    assert len(longest) <= chance / 2, longest


def test_no_right_answer_is_much_longer_than_every_other_choice():
    for question in QUESTIONS:
        right, longest_other = _lengths(question)
        assert right <= 1.15 * longest_other, question.id


def test_every_wrong_choice_has_its_own_hint():
    for question in QUESTIONS:
        for index, hint in enumerate(question.hints):
            assert bool(hint) == (index != question.answer), question.id
        wrong = [h for i, h in enumerate(question.hints) if i != question.answer]
        assert len(set(wrong)) == len(wrong), question.id
