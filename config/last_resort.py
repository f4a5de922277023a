"""The answer when the HTTP application itself fails before it has started a response.

Django turns a failing view into the site's own 500 page, with every security header. Only a
failure outside that (in an error page's own handling, say) reached the server, which then
answered with its bare page and no headers. This wrapper answers instead with the site's 500
page and the headers the middleware would have set, and logs one line without the request's
contents.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.csp import build_policy

logger = logging.getLogger("config.last_resort")

PLAIN = b"<!doctype html><title>Something broke</title><h1>Something went wrong on our side</h1>"


def security_headers() -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", settings.X_FRAME_OPTIONS.encode()),
        (b"referrer-policy", settings.SECURE_REFERRER_POLICY.encode()),
        (b"cross-origin-opener-policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY.encode()),
        (b"content-security-policy", build_policy(settings.SECURE_CSP).encode()),
    ]
    if settings.SECURE_HSTS_SECONDS:
        headers.append(
            (b"strict-transport-security", f"max-age={settings.SECURE_HSTS_SECONDS}".encode())
        )
    return headers


def error_page() -> bytes:
    try:
        return render_to_string("500.html").encode()
    except Exception:
        return PLAIN


class LastResort:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as error:
            logger.error("HTTP application failed: %s", type(error).__name__)
            if started:
                raise
            body = error_page()
            await send(
                {"type": "http.response.start", "status": 500, "headers": security_headers()}
            )
            await send({"type": "http.response.body", "body": body})
