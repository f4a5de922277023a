"""What every page owes a client: HEAD answered like GET, a long name refused, a 500 in the
site's look with its headers."""

import pytest
from django.test import Client, override_settings
from django.urls import include, path

from config.last_resort import LastResort

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/lessons/",
    "/lessons/facts-and-requests/",
    "/accounts/signup/",
    "/grammar/",
    "/grammar/check/?name=OrderPlaced",
    "/glossary/",
    "/cheatsheet/",
    "/simulator/",
    "/quizzes/",
    "/quizzes/naming/",
    "/progress/",
    "/classroom/",
    "/accounts/login/",
]


@pytest.mark.parametrize("url", PAGES)
def test_head_is_answered_wherever_get_is(client, url):
    got = client.get(url)
    assert got.status_code == 200, url
    head = client.head(url)
    assert head.status_code == 200
    assert head.content == b""


def test_a_scenario_name_too_long_for_the_file_system_is_a_404(client, caplog):
    response = Client(raise_request_exception=False).get("/simulator/?scenario=" + "x" * 300)
    assert response.status_code == 404
    assert "x" * 100 not in caplog.text


def test_the_grammar_form_posts_so_its_whole_limit_is_usable(client):
    names = "\n".join(f"PlaceOrder{i:05d}" for i in range(1, 1200))[:19_990]
    response = client.post("/grammar/", {"names": names})
    assert response.status_code == 200
    assert "names checked" in response.content.decode()


async def test_an_application_failing_outside_django_gets_the_styled_page_with_headers():
    async def failing(scope, receive, send):
        raise RuntimeError("boom")

    sent = []

    async def send(message):
        sent.append(message)

    await LastResort(failing)({"type": "http"}, None, send)
    start, body = sent
    assert start["status"] == 500
    headers = dict(start["headers"])
    assert b"default-src 'self'" in headers[b"content-security-policy"]
    assert headers[b"x-frame-options"] == b"DENY"
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert b"Something went wrong on our side" in body["body"]


def failing_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("fails/", failing_view), path("", include("config.urls"))]


@override_settings(ROOT_URLCONF=__name__)
def test_djangos_own_500_is_the_sites_page_with_its_headers():
    response = Client(raise_request_exception=False).get("/fails/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
