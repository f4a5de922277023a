"""The page bench/pages.py holds the course's pages against, routed only with BENCH_MINIMAL_VIEW.

It goes through the same middleware as every page (sessions, CSRF, CSP, the input guard) but
touches neither the session nor the database and renders no template, so the ratio of a lesson's
rate to its rate is what the lesson itself costs, its learner lookup included.
"""

from django.http import HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def minimal(request):
    return HttpResponse("<!doctype html><title>minimal</title>")
