"""Sign-up, sign-in and sign-out, and the anonymous progress that sign-in must keep."""

import pytest
from django.contrib.auth import get_user_model

from courseware.content import load_course
from courseware.models import CheckAnswer, LessonProgress
from learners.identity import LEARNER_KEY

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple-7"


@pytest.fixture
def lesson():
    return load_course().lessons[0]


def do_anonymous_work(client, lesson):
    client.get(f"/lessons/{lesson.slug}/")
    for q in lesson.checks:
        client.post(f"/lessons/{lesson.slug}/check/{q.id}/", {"choice": q.answer})
    key = client.session[LEARNER_KEY]
    assert LessonProgress.objects.filter(session_key=key).exists()
    return key


def test_the_auth_pages_render_in_the_site_layout(client):
    for url in ["/accounts/login/", "/accounts/signup/"]:
        html = client.get(url).content.decode()
        assert 'class="site-header"' in html
        assert 'name="csrfmiddlewaretoken"' in html


def test_sign_up_creates_the_user_signs_in_and_keeps_anonymous_progress(client, lesson):
    old_session = client.session.session_key
    key = do_anonymous_work(client, lesson)
    response = client.post(
        "/accounts/signup/",
        {
            "username": "grace",
            "email": "grace@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="grace")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.session_key != old_session
    assert not LessonProgress.objects.filter(session_key=key).exists()
    progress = LessonProgress.objects.get(user=user)
    assert progress.checked_at is not None
    assert CheckAnswer.objects.filter(user=user).count() == len(lesson.checks)
    assert "Checked" in client.get("/").content.decode()


def test_sign_in_merges_the_anonymous_session_into_the_account(client, lesson):
    user = get_user_model().objects.create_user("linus", password=PASSWORD)
    do_anonymous_work(client, lesson)
    response = client.post("/accounts/login/", {"username": "linus", "password": PASSWORD})
    assert response.status_code == 302
    assert LessonProgress.objects.get().user == user
    assert LEARNER_KEY not in client.session


def test_progress_follows_the_user_to_a_new_browser(client, lesson):
    from django.test import Client

    do_anonymous_work(client, lesson)
    client.post(
        "/accounts/signup/",
        {
            "username": "grace",
            "email": "grace@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    elsewhere = Client()
    elsewhere.post("/accounts/login/", {"username": "grace", "password": PASSWORD})
    html = elsewhere.get("/progress/").content.decode()
    assert "Signed in as <strong>grace</strong>" in html
    assert "1 of" in html


def test_a_rejected_sign_up_says_why_and_creates_nobody(client):
    response = client.post(
        "/accounts/signup/", {"username": "grace", "password1": PASSWORD, "password2": "other"}
    )
    assert response.status_code == 400
    assert "field__errors" in response.content.decode()
    assert not get_user_model().objects.exists()


def test_sign_up_refuses_a_next_url_on_another_site(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "grace",
            "email": "grace@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/"


def test_sign_out_is_a_post_and_starts_a_fresh_anonymous_learner(client, lesson):
    get_user_model().objects.create_user("linus", password=PASSWORD)
    client.post("/accounts/login/", {"username": "linus", "password": PASSWORD})
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session
    html = client.get("/").content.decode()
    assert "Sign in" in html
