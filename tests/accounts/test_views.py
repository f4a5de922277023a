"""Password reset and change in the site's look, the settings page, data download, deletion."""

import json
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from challenges.models import LevelAttempt
from classroom import services as rooms
from classroom.models import Room
from courseware.content import load_course
from courseware.models import CheckAnswer, LessonProgress
from quizzes.models import Attempt, ReviewAnswer
from simulator.models import Sandbox
from systems.models import SavedSystem
from tests.accounts.helpers import PASSWORD, sign_up

pytestmark = pytest.mark.django_db
LESSON = load_course().lessons[0]


def test_sign_up_asks_for_an_email_address_and_keeps_it(client):
    assert 'type="email"' in client.get("/accounts/signup/").content.decode()
    response = sign_up(client, "grace", email="Grace@Example.ORG")
    assert response.status_code == 302
    assert get_user_model().objects.get(username="grace").email == "Grace@example.org"


def test_sign_up_refuses_a_missing_or_taken_email_address(client, user):
    response = client.post(
        "/accounts/signup/",
        {"username": "grace", "email": "", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 400
    response = sign_up(client, "grace", email="ADA@example.org")
    assert response.status_code == 400
    assert "An account already uses this address" in response.content.decode()
    assert not get_user_model().objects.filter(username="grace").exists()


def test_the_sign_in_page_links_to_the_reset(client):
    assert 'href="/accounts/password_reset/"' in client.get("/accounts/login/").content.decode()


@pytest.mark.parametrize(
    "url",
    ["/accounts/password_reset/", "/accounts/password_reset/done/", "/accounts/reset/done/"],
)
def test_the_reset_pages_are_in_the_site_look(client, url):
    html = client.get(url).content.decode()
    assert 'class="site-header"' in html
    assert "Django administration" not in html


def test_a_password_reset_goes_from_request_to_a_new_password(client, user):
    response = client.post("/accounts/password_reset/", {"email": "ada@example.org"})
    assert response["Location"] == "/accounts/password_reset/done/"
    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]
    assert message.subject == "Reset your password for Events vs Commands"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    html = form_page.content.decode()
    assert 'class="site-header"' in html
    assert "Choose a new password" in html
    new = "a-brand-new-passphrase-51"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "Your password is changed" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(new)
    # The link works once.
    assert "does not work any more" in client.get(link, follow=True).content.decode()


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []


def test_a_signed_in_learner_changes_their_password(client, user):
    client.force_login(user)
    html = client.get("/accounts/password_change/").content.decode()
    assert 'class="site-header"' in html
    new = "another-new-passphrase-77"
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "Your password is changed" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(new)


def test_the_settings_page_needs_signing_in_and_is_linked_from_the_header(client, user):
    response = client.get("/accounts/settings/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert 'href="/accounts/settings/"' not in client.get("/").content.decode()
    client.force_login(user)
    assert 'href="/accounts/settings/"' in client.get("/").content.decode()
    html = client.get("/accounts/settings/").content.decode()
    assert 'href="/accounts/password_change/"' in html
    assert 'href="/accounts/password_reset/"' in html
    assert 'href="/accounts/settings/data.json"' in html


@pytest.fixture
def busy(client, user, teacher):
    """Ada, signed in, with progress, answers, a quiz attempt, a sandbox and a room seat."""
    client.force_login(user)
    client.get(f"/lessons/{LESSON.slug}/")
    for question in LESSON.checks:
        client.post(f"/lessons/{LESSON.slug}/check/{question.id}/", {"choice": question.answer})
    started = client.post("/quizzes/naming/start/", {"token": str(uuid.uuid4())})
    assert started.status_code == 302
    Sandbox.objects.create(user=user, scenario="order-flow", inputs=[{"a": 1}])
    LevelAttempt.objects.create(user=user, level="the-latecomer", actions=[{"action": "x"}])
    ReviewAnswer.objects.create(
        user=user,
        source="quiz:naming",
        question_id="q1",
        response="event",
        correct=True,
        answered_at=timezone.now(),
    )
    SavedSystem.objects.create(user=user, token="t" * 16, title="Refunds", design={"x": 1})
    room = rooms.room_open(teacher=teacher, scenario="order-flow", title="Group B")
    assert client.post("/classroom/join/", {"code": room.code, "name": "Ada"}).status_code == 302
    return room


@pytest.fixture
def teacher(db):
    return get_user_model().objects.create_user("teacher", is_staff=True)


def test_the_data_download_holds_everything_of_the_learner(client, user, busy):
    other = get_user_model().objects.create_user("bob", password=PASSWORD)
    Sandbox.objects.create(user=other, scenario="secret-of-bob")
    response = client.get("/accounts/settings/data.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["username"] == "ada"
    assert data["account"]["email"] == "ada@example.org"
    assert [p["lesson"] for p in data["lessons"]] == [LESSON.slug]
    assert len(data["check_answers"]) == len(LESSON.checks)
    assert [a["quiz"] for a in data["quiz_attempts"]] == ["naming"]
    assert [s["scenario"] for s in data["sandboxes"]] == ["order-flow"]
    assert [a["level"] for a in data["challenge_levels"]] == ["the-latecomer"]
    assert [r["item"] for r in data["review_answers"]] == ["quiz:naming/q1"]
    assert [x["title"] for x in data["systems"]] == ["Refunds"]
    assert data["rooms"]["joined"] == [
        {"code": busy.code, "title": "Group B", "open": True, "name": "Ada", "role": ""}
    ]
    assert "secret-of-bob" not in response.content.decode()


def test_deleting_needs_the_password_and_otherwise_changes_nothing(client, user, busy):
    response = client.post("/accounts/settings/delete/", {"password": "not-it"})
    assert response.status_code == 400
    assert "That is not your password; nothing was deleted." in response.content.decode()
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert LessonProgress.objects.filter(user=user).exists()
    assert "Ada" in [p["name"] for p in rooms.room_state(busy.code).participants.values()]


def test_deleting_the_account_deletes_everything_it_held(client, user, busy, teacher):
    bob = Client()
    bob.force_login(get_user_model().objects.create_user("bob", password=PASSWORD))
    bob.get(f"/lessons/{LESSON.slug}/")
    taught = rooms.room_open(teacher=user, scenario="order-flow")
    response = client.post("/accounts/settings/delete/", {"password": PASSWORD})
    assert response.status_code == 200
    assert "Your account is deleted" in response.content.decode()
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not LessonProgress.objects.filter(user_id=user.pk).exists()
    assert not CheckAnswer.objects.filter(user_id=user.pk).exists()
    assert not Attempt.objects.filter(user_id=user.pk).exists()
    assert not Sandbox.objects.filter(user=user).exists()
    assert not LevelAttempt.objects.filter(user_id=user.pk).exists()
    assert not Room.objects.filter(pk=taught.pk).exists()
    state = rooms.room_state(busy.code)
    assert "Ada" not in [p["name"] for p in state.participants.values()]
    assert rooms.room_log(busy)[-1]["text"] == "Ada left the room."
    assert "_auth_user_id" not in client.session
    # Someone else's progress is untouched.
    assert LessonProgress.objects.filter(user__username="bob").exists()
