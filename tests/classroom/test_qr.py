"""The join QR code: drawn on the server, and it holds the join link with the room's code."""

from __future__ import annotations

from django.test import RequestFactory

from classroom.qr import join_url, qr_svg
from tests.classroom.helpers import expected_qr_modules, qr_modules


def test_the_join_link_fills_in_the_code(settings):
    settings.ALLOWED_HOSTS = ["class.example"]
    request = RequestFactory().get("/", HTTP_HOST="class.example")
    assert join_url(request, "K7QMX2") == "http://class.example/classroom/?code=K7QMX2"


def test_the_qr_code_holds_exactly_the_join_link():
    url = "http://class.example/classroom/?code=K7QMX2"
    svg = qr_svg(url)
    assert svg.startswith('<svg role="img"')
    assert "<title>" in svg
    assert qr_modules(svg) == expected_qr_modules(url)
    assert qr_modules(svg) != expected_qr_modules(url.replace("K7QMX2", "K7QMX3"))
