"""The join QR code: drawn on the server, and it holds the join link with the room's code."""

from __future__ import annotations

import re

import segno
from django.test import RequestFactory

from classroom.qr import join_url, qr_svg


def modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules an inline SVG from segno draws, read back from its path: each `h` run
    along a row, `m` moves, rows one unit apart (its quiet zone is four modules wide)."""
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg).group(1)
    dark, x, y = set(), 0.0, 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for step in range(int(float(a))):
                dark.add((int(x) + step - 4, int(y) - 4))
            x += float(a)
    return dark


def expected(url: str) -> set[tuple[int, int]]:
    matrix = segno.make(url, error="m").matrix
    return {(x, y) for y, row in enumerate(matrix) for x, bit in enumerate(row) if bit}


def test_the_join_link_fills_in_the_code(settings):
    settings.ALLOWED_HOSTS = ["class.example"]
    request = RequestFactory().get("/", HTTP_HOST="class.example")
    assert join_url(request, "K7QMX2") == "http://class.example/classroom/?code=K7QMX2"


def test_the_qr_code_holds_exactly_the_join_link():
    url = "http://class.example/classroom/?code=K7QMX2"
    svg = qr_svg(url)
    assert svg.startswith('<svg role="img"')
    assert "<title>" in svg
    assert modules(svg) == expected(url)
    assert modules(svg) != expected(url.replace("K7QMX2", "K7QMX3"))
