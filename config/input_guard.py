"""Refuses a request whose fields the site cannot read, before any view or form sees it.

Two kinds of input used to end in a 500: a form sent in another encoding than UTF-8 (Django
refuses it while the CSRF check reads the form, and again in the error page's own CSRF check,
so the server answered with its bare error page), and text holding control characters, NUL
above all, which PostgreSQL cannot store. Both get a 400 page that says what to change, in the
site's look, and nothing is stored. Tab, line feed and carriage return stay allowed: a textarea
sends them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from live.boundary import has_control

UNREADABLE = "This form was sent in an encoding the site cannot read. Send it as UTF-8."
CONTROL = (
    "Something you typed contains a control character (such as NUL), which the site does not "
    "accept. Remove it and send the form again."
)


def _has_control(fields) -> bool:
    return any(
        has_control(key) or any(has_control(value) for value in values)
        for key, values in fields.lists()
    )


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            problem = self.problem(request)
        except RequestDataTooBig:
            megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1_000_000
            message = (
                f"What you sent is larger than the site accepts ({megabytes:g} MB in one form). "
                "Send something smaller."
            )
            return render(request, "400.html", {"message": message}, status=413)
        if problem:
            return render(request, "400.html", {"message": problem}, status=400)
        return self.get_response(request)

    @staticmethod
    def problem(request) -> str:
        if _has_control(request.GET):
            return CONTROL
        if request.method == "POST":
            try:
                fields = request.POST
            except (
                BadRequest,
                LookupError,  # an unknown charset
                UnicodeDecodeError,
                MultiPartParserError,
                ValueError,
            ):
                # Too many fields or too large a body raise SuspiciousOperation, which Django
                # already answers with a 400 of its own.
                return UNREADABLE
            if _has_control(fields):
                return CONTROL
        return ""
