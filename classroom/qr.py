"""The join link of a room and its QR code, drawn on the server so no outside service sees it."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

import segno
from django.urls import reverse


def join_url(request, code: str) -> str:
    """The join form's address with the room's code filled in, as a phone's camera opens it."""
    return request.build_absolute_uri(f"{reverse('classroom-home')}?{urlencode({'code': code})}")


@lru_cache(maxsize=64)
def qr_svg(url: str) -> str:
    """`url` as an inline SVG QR code: dark on light whatever the page's theme, since a camera
    reads it that way, with a quiet zone round it."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(
        scale=4,
        border=4,
        dark="#000",
        light="#fff",
        title="QR code: scan it to open the join form with this room's code",
        svgclass="qr",
        lineclass=None,
        omitsize=True,
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)
