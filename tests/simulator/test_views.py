"""The simulator page: the way back to the lesson that sent the learner, and on to the next."""

import pytest

from courseware.content import load_course
from simulator.engine import list_scenarios, load_scenario

pytestmark = pytest.mark.django_db


def test_a_scenario_opened_from_a_lesson_links_back_to_it(client):
    lesson = load_course().lessons[0]
    page = client.get(
        "/simulator/?scenario=order-flow", HTTP_REFERER=f"http://testserver/lessons/{lesson.slug}/"
    )
    html = page.content.decode()
    assert f'href="/lessons/{lesson.slug}/"' in html
    assert "Back to the lesson" in html
    following = load_scenario(list_scenarios()[1])
    assert f"Next scenario: {following.title}" in html


@pytest.mark.parametrize(
    "referer",
    [
        "",
        "http://elsewhere.example/lessons/anything/",
        "http://testserver/lessons/no-such-lesson/",
        "http://testserver/quizzes/",
    ],
)
def test_no_way_back_is_offered_without_a_lesson_of_ours(client, referer):
    page = client.get("/simulator/?scenario=order-flow", HTTP_REFERER=referer)
    assert page.status_code == 200
    assert "Back to the lesson" not in page.content.decode()


def test_the_last_scenario_offers_no_next_one(client):
    page = client.get(f"/simulator/?scenario={list_scenarios()[-1]}")
    assert "Next scenario" not in page.content.decode()
    assert "Free sandbox" in page.content.decode()
