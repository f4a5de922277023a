"""The progress page and the outline show each quiz's best and last score."""

import uuid

import pytest

pytestmark = pytest.mark.django_db


def take_naming_quiz(client, right: bool):
    token = str(uuid.uuid4())
    url = client.post("/quizzes/naming/start/", {"token": token}).url
    client.post(url + "questions/refund-issued/", {"answer": "event" if right else "command"})
    client.post(url + "questions/archive-project/", {"answer": "command" if right else "event"})


def test_nothing_taken_says_so_on_both_pages(client):
    assert "Not taken yet" in client.get("/").content.decode()
    assert "not taken yet" in client.get("/progress/").content.decode()


def naming_size() -> int:
    from quizzes.banks import load_banks

    return len(load_banks().by_slug["naming"].questions)


def test_best_and_last_scores_show_on_the_outline_and_the_progress_page(client):
    take_naming_quiz(client, right=True)
    take_naming_quiz(client, right=False)
    home = client.get("/").content.decode()
    n = naming_size()
    assert f"Best 2 of {n}" in home
    assert f"last 0 of {n}" in home
    assert "Not taken yet" in home  # the other quizzes
    progress = client.get("/progress/").content.decode()
    assert f"<td>2 of {n}</td>" in progress
    assert f">0 of {n}</a>" in progress
    assert "<td>2</td>" in progress  # attempts


def test_another_learner_does_not_see_my_scores(client):
    from django.test import Client

    take_naming_quiz(client, right=True)
    html = Client().get("/").content.decode()
    assert f"Best 2 of {naming_size()}" not in html
