"""How often one address, one account or one learner may do what a script would repeat.

Sign-in lockout is django-axes's (see settings); everything else goes through `limited`, which
counts with django-ratelimit in the cache. A throttled request is answered with the page it
asked for and a sentence saying how long to wait, never with a bare error page.

A package of its own rather than part of accounts: the classroom counts joins with it, and
accounts gathers what the classroom holds about a learner, so living in either would make the
two apps import each other.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django_ratelimit.core import get_usage, is_ratelimited

logger = logging.getLogger(__name__)

# The period letter of a rate, as a person would say it.
PERIOD_WORDS = {"s": "a few seconds", "m": "a minute", "h": "an hour", "d": "a day"}


def client_address(request) -> str:
    """The address a request came from. Behind a proxy, daphne's --proxy-headers puts the
    client's own address here; addresses are never read from headers a client can set."""
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def limited(request, name: str, key: str | None = None) -> bool:
    """Counts this request against the throttle `name` and says whether it is over the limit.

    `key` is what is counted (an account's email, a learner's id); by default the address.
    While the cache is unreachable (Redis restarting) nothing is counted and nothing refused:
    sign-in lockout lives in the database and holds, and a minute without the other limits
    costs less than a site where nobody can sign up or join.
    """
    try:
        return is_ratelimited(
            request,
            group=name,
            key="ip" if key is None else (lambda group, request: key),
            rate=settings.THROTTLE_RATES[name],
            increment=True,
        )
    except Exception as error:
        logger.warning("throttle %s unavailable: %s", name, type(error).__name__)
        return False


def reached(request, name: str) -> bool:
    """Whether the address has used up the throttle `name`, without counting this request."""
    try:
        usage = get_usage(
            request, group=name, key="ip", rate=settings.THROTTLE_RATES[name], increment=False
        )
    except Exception as error:
        logger.warning("throttle %s unavailable: %s", name, type(error).__name__)
        return False
    return usage is not None and usage["count"] >= usage["limit"]


def period_minutes(name: str) -> int:
    """How many minutes the throttle `name` counts over ("50/15m" -> 15)."""
    period = settings.THROTTLE_RATES[name].rsplit("/", 1)[-1]
    number, unit = period[:-1] or "1", period[-1:]
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(unit, 60)
    return max(1, int(number) * seconds // 60)


def wait_words(name: str) -> str:
    """'an hour' for a throttle counted per hour: how long a person may have to wait."""
    period = settings.THROTTLE_RATES[name].rsplit("/", 1)[-1]
    return PERIOD_WORDS.get(period[-1:], "a while")
