"""Forms and query strings the site cannot read get a 400 in the site's look, and store nothing."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from classroom import services
from classroom.models import Room
from quizzes.models import Answer

pytestmark = pytest.mark.django_db

NUL = "\x00"


@pytest.fixture
def teacher_client():
    client = Client()
    client.force_login(get_user_model().objects.create_user("teacher", is_staff=True))
    return client


def refused(response) -> str:
    assert response.status_code == 400
    html = response.content.decode()
    assert "That request could not be read" in html
    assert "Nothing was stored." in html
    return html


def test_a_join_name_with_nul_is_refused_and_nobody_joins(client):
    teacher = get_user_model().objects.create_user("t", is_staff=True)
    room = services.room_open(teacher=teacher, scenario="order-flow")
    html = refused(client.post("/classroom/join/", {"code": room.code, "name": f"An{NUL}a"}))
    assert "control character" in html
    assert services.room_state(room.code).seq == 1


def test_a_room_title_with_a_control_character_is_refused(teacher_client):
    response = teacher_client.post(
        "/classroom/open/", {"scenario": "order-flow", "title": f"Group{NUL}B"}
    )
    refused(response)
    assert not Room.objects.exists()


def test_a_quiz_rename_answer_with_nul_is_refused(client):
    response = client.post("/quizzes/naming/start/", {"token": str(uuid.uuid4())})
    url = response.url
    response = client.post(url + "questions/rename-send-welcome-email/", {"answer": f"Ema{NUL}il"})
    refused(response)
    assert not Answer.objects.exists()


@pytest.mark.parametrize("field", ["username", "password"])
def test_sign_in_fields_with_nul_are_refused(client, field):
    data = {"username": "someone", "password": "a-password-of-sorts"}
    data[field] += "\x1b"
    refused(client.post("/accounts/login/", data))


def test_the_grammar_checker_refuses_nul_but_keeps_tabs_and_new_lines(client):
    refused(client.post("/grammar/", {"names": f"PlaceOrder\n{NUL}"}))
    refused(client.get("/grammar/", {"names": f"PlaceOrder{NUL}"}))
    response = client.post("/grammar/", {"names": "PlaceOrder\r\n\tOrderPlaced"})
    assert response.status_code == 200
    assert "2 names checked" in response.content.decode()


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "no-such-charset"])
def test_a_form_in_an_unreadable_encoding_gets_a_400_not_a_500(charset):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.generic(
        "POST",
        "/classroom/join/",
        "code=ABCDEF&name=Jos\xe9".encode("latin-1"),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code in (400, 403)  # 403: the CSRF check, which now reads the form
    assert response.status_code != 500
    if charset == "latin-1":
        assert "encoding the site cannot read" in refused(response)


def test_a_body_past_the_upload_limit_gets_a_413_page_not_a_traceback(client, caplog):
    response = client.post("/grammar/", {"names": "x" * 3_000_000})
    assert response.status_code == 413
    assert "larger than the site accepts" in response.content.decode()
    assert "Traceback" not in caplog.text
