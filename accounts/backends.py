"""Sign-in refused for an address that has failed too often lately, whatever the account.

django-axes locks an account after repeated wrong passwords; an address is counted here
instead, with a higher limit, because a whole class may sign in from one school address and a
few typos each must not lock every learner out. Failures are counted by `accounts.apps`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from throttles import reached


class AddressThrottleBackend:
    """First in AUTHENTICATION_BACKENDS: it never signs anyone in, it only refuses. Without a
    `get_user`, Django never records it as the backend of a session."""

    def authenticate(self, request, **credentials):
        if request is not None and reached(request, "signin-address"):
            # AxesMiddleware answers a request marked so with the lockout page.
            request.axes_locked_out = True
            raise PermissionDenied("too many failed sign-ins from this address")
        return None
