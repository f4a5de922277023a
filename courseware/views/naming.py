"""The naming checker as a fragment for lesson pages, and as a page of its own without JS."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from courseware.views.lessons import is_partial_request
from naming.grammar import InvalidName, classify

MAX_NAME_LENGTH = 200


@require_safe
def naming_check(request):
    name = request.GET.get("name")
    verdict, error, status = None, "", 200
    if name is not None:
        if not name.strip():
            error = "Type a message name first, such as OrderPlaced or PlaceOrder."
        elif len(name) > MAX_NAME_LENGTH:
            error = f"A message name has at most {MAX_NAME_LENGTH} characters."
        else:
            try:
                verdict = classify(name)
            except InvalidName as exc:
                error = str(exc)
        status = 400 if error else 200
    context = {"name": name or "", "verdict": verdict, "error": error}
    if is_partial_request(request):
        return render(request, "courseware/naming_check.html#verdict", context, status=status)
    return render(request, "courseware/naming_check.html", context, status=status)
