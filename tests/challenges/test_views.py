"""The level map and a level's page: acting, undoing, starting over, locks, "Show me", and the
progress that sign-in keeps."""

import pytest
from django.contrib.auth import get_user_model

from challenges.models import LevelAttempt
from learners.identity import LEARNER_KEY
from simulator.engine.levels import list_levels, load_level

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple-7"
FIRST = list_levels()[0]
SECOND = list_levels()[1]


def form_of(action: dict) -> dict:
    """The level page's form fields for one engine input."""
    data = {"action": action["action"]}
    for key in ("name", "from", "service"):
        if key in action:
            data[key] = action[key]
    for key in ("online", "idempotent", "catch_up"):
        if key in action:
            data[key] = "true" if action[key] else "false"
    if "count" in action:
        data["count"] = str(action["count"])
    for key, value in (action.get("payload") or {}).items():
        data[key] = str(value)
    return data


def act(client, level: str, action: dict):
    return client.post(f"/challenges/{level}/act/", form_of(action), follow=True)


def solve(client, name: str):
    for action in load_level(name).solution:
        response = act(client, name, action)
        assert response.status_code == 200
    return response


def test_the_map_lists_every_level_and_opens_only_the_first_for_a_newcomer(client):
    html = client.get("/challenges/").content.decode()
    for name in list_levels():
        assert load_level(name).title in html
    assert html.count("level-map__item--open") == 1
    assert f'href="/challenges/{FIRST}/"' in html
    assert f'href="/challenges/{SECOND}/"' not in html


def test_reading_the_map_writes_nothing(client):
    client.get("/challenges/")
    client.get(f"/challenges/{FIRST}/")
    assert LevelAttempt.objects.count() == 0


@pytest.mark.parametrize("name", list_levels())
def test_every_level_is_solved_through_its_page_by_the_stored_solution(client, name):
    # Reading the lesson opens the level, as it would for a learner coming from the lesson.
    client.get(f"/lessons/{load_level(name).lesson}/")
    html = solve(client, name).content.decode()
    assert "level__solved" in html
    attempt = LevelAttempt.objects.get(level=name)
    assert attempt.solved_at is not None
    assert attempt.best_actions == len(load_level(name).solution)


def test_a_wrong_attempt_names_the_part_that_fails(client):
    response = act(client, FIRST, {"action": "send", "name": "PlaceOrder"})
    html = response.content.decode()
    assert "1 of 2 parts of the goal hold" in html
    assert "goal__part--open" in html
    assert "Not yet:</span>\n        You asked nobody for anything" in html
    assert "level__solved" not in html


def test_an_action_the_engine_refuses_is_explained_and_stores_nothing(client):
    client.get(f"/challenges/{FIRST}/")
    response = act(client, FIRST, {"action": "publish", "name": "Bad Name!"})
    assert "Not done:" in response.content.decode()
    attempt = LevelAttempt.objects.filter(level=FIRST).first()
    assert attempt is None or attempt.actions == []


@pytest.mark.parametrize(
    "fields",
    [
        {"action": "set_funds", "amount": "5"},  # not offered by this level
        {"action": "send"},
        {"action": "send", "name": "PlaceOrder", "amount": "lots"},
        {"action": "send", "name": "PlaceOrder", "amount": "1e400"},
        {"action": "send", "name": "PlaceOrder", "customer": "a\x00b"},
        {"action": "send", "name": "PlaceOrder", "from": "Nobody"},
        {"action": "send", "name": "x" * 500},
    ],
)
def test_malformed_forms_get_a_sentence_and_change_nothing(client, fields):
    response = client.post(f"/challenges/{FIRST}/act/", fields, follow=True)
    html = response.content.decode()
    # Control characters are turned away for the whole site before any view (a 400 page).
    assert response.status_code in (200, 400)
    assert any(words in html for words in ("Not done", "does not offer", "control character"))
    assert not LevelAttempt.objects.exclude(actions=[]).exists()


def test_undo_and_start_over_keep_the_best_result(client):
    solve(client, FIRST)
    client.post(f"/challenges/{FIRST}/undo/")
    attempt = LevelAttempt.objects.get(level=FIRST)
    assert attempt.actions == []
    assert attempt.best_actions == 1
    act(client, FIRST, {"action": "send", "name": "PlaceOrder"})
    client.post(f"/challenges/{FIRST}/reset/")
    attempt.refresh_from_db()
    assert attempt.actions == []
    assert attempt.solved_at is not None


def test_a_locked_level_refuses_actions(client):
    response = act(client, SECOND, load_level(SECOND).solution[0])
    assert "still locked" in response.content.decode()
    assert not LevelAttempt.objects.filter(level=SECOND).exclude(actions=[]).exists()


def test_solving_a_level_opens_the_next(client):
    solve(client, FIRST)
    html = client.get("/challenges/").content.decode()
    assert f'href="/challenges/{SECOND}/"' in html


def test_show_me_walks_the_solution_and_leaves_the_attempt_alone(client):
    act(client, FIRST, {"action": "send", "name": "PlaceOrder"})
    html = client.get(f"/challenges/{FIRST}/show/?step=1").content.decode()
    assert "Published OrderPlaced from Order" in html
    assert "OrderPlaced (event) from Order delivered to Email" in html
    assert LevelAttempt.objects.get(level=FIRST).actions[0]["name"] == "PlaceOrder"
    assert client.get(f"/challenges/{FIRST}/show/?step=zzz").status_code == 200


def test_unknown_levels_are_404(client):
    assert client.get("/challenges/no-such-level/").status_code == 404
    assert client.post("/challenges/no-such-level/act/", {}).status_code == 404


def test_sign_in_keeps_the_levels_a_visitor_solved(client):
    solve(client, FIRST)
    key = client.session[LEARNER_KEY]
    user = get_user_model().objects.create_user("ada", password=PASSWORD)
    client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    attempt = LevelAttempt.objects.get(level=FIRST)
    assert attempt.user == user
    assert attempt.session_key == ""
    assert not LevelAttempt.objects.filter(session_key=key).exists()
    assert "level-map__item--solved" in client.get("/challenges/").content.decode()


def test_send_can_repeat_an_action_and_each_repeat_counts(client):
    name = "nine-payments-three-instances"
    client.get(f"/lessons/{load_level(name).lesson}/")
    act(client, name, {"action": "set_instances", "service": "Payment", "count": 3})
    data = form_of({"action": "send", "name": "PlaceOrder", "payload": {"amount": 10}})
    response = client.post(f"/challenges/{name}/act/", {**data, "times": "9"}, follow=True)
    html = response.content.decode()
    assert "9 times" in html
    assert "level__solved" in html
    assert LevelAttempt.objects.get(level=name).best_actions == 10
    bad = client.post(f"/challenges/{name}/act/", {**data, "times": "99"}, follow=True)
    assert "how many times" in bad.content.decode()
    assert len(LevelAttempt.objects.get(level=name).actions) == 10
