"""Every topic of the syllabus is taught: some lesson's objectives name it.

The syllabus lives outside the repository, so its ten topics are restated here as keyword sets:
a topic counts as covered when one lesson's objectives (read together) contain every keyword of
at least one of its sets.
"""

import pytest

from courseware.content import load_course

SYLLABUS = {
    1: "events and commands defined (facts vs requests; inform vs ask)",
    2: "the grammatical test and commands in disguise",
    3: "schema ownership and the direction of coupling",
    4: "failure semantics, row by row",
    5: "rejection, compensating events, idempotency",
    6: "replay: event sourcing vs command sourcing",
    7: "loose and explicit coupling",
    8: "fan-out vs point-to-point, competing consumers",
    9: "the decision framework and hybrid patterns",
    10: "the whole order flow: command, event, command, event",
}

KEYWORDS = {
    1: [("event", "command", "fact"), ("event", "command", "request")],
    2: [("past tense", "imperative"), ("disguise",)],
    3: [("own", "schema")],
    4: [("fail",), ("unavailable",), ("timeout",), ("time out",)],
    5: [("compensating",), ("idempoten",)],
    6: [("replay",)],
    7: [("coupling",), ("coupled",)],
    8: [("fan-out", "point-to-point"), ("competing consumer",)],
    9: [("decision",), ("hybrid",), ("choose",)],
    10: [("order flow",), ("placeorder", "ordershipped")],
}


def objectives_by_lesson():
    return {lesson.slug: " ".join(lesson.objectives).casefold() for lesson in load_course().lessons}


@pytest.mark.parametrize("topic", sorted(SYLLABUS))
def test_some_lesson_objective_covers_the_topic(topic):
    texts = objectives_by_lesson()
    covering = [
        slug
        for slug, text in texts.items()
        if any(all(word in text for word in words) for words in KEYWORDS[topic])
    ]
    assert covering, f"no lesson objective teaches topic {topic}: {SYLLABUS[topic]}"


def test_the_lessons_declare_every_topic():
    declared = {t for lesson in load_course().lessons for t in lesson.topics}
    assert declared >= set(SYLLABUS)
