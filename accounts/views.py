"""Sign-up, password reset, and a signed-in learner's settings: their data and their account.

Sign-in, sign-out and password change are Django's own views with our templates
(templates/registration/); sign-in lockout is django-axes's. What a script could repeat is
throttled here, and a throttled request gets its own page back with a sentence saying so.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import services
from accounts.forms import DeleteAccountForm, SignUpForm
from throttles import limited, period_minutes, reached, wait_words

TOO_MANY = 429


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    """Creates an account and signs it in; sign-in merges the anonymous progress."""
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and limited(request, "signup-address"):
        form = SignUpForm(request.POST)
        throttled = (
            "Too many accounts were created from this address. Wait "
            f"{wait_words('signup-address')}, then try again."
        )
        return render(
            request,
            "registration/signup.html",
            {"form": form, "next": next_url, "throttled": throttled},
            status=TOO_MANY,
        )
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(_safe_next(request))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "registration/signup.html", {"form": form, "next": next_url}, status=status
    )


def locked_out(request, original_response=None, credentials=None):
    """The answer to a sign-in refused for its account (django-axes) or for its address
    (accounts.backends), on the site's sign-in page or the admin's."""
    if reached(request, "signin-address"):
        context = {
            "address": True,
            "failure_limit": int(settings.THROTTLE_RATES["signin-address"].split("/")[0]),
            "minutes": period_minutes("signin-address"),
        }
    else:
        context = {
            "address": False,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)),
        }
    return render(request, "registration/locked_out.html", context, status=TOO_MANY)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, counted per address and per email address asked about.

    Whether or not an account has that address, the answer is the same "sent" page, so the
    form tells nobody which addresses have accounts.
    """

    def post(self, request, *args, **kwargs):
        email = request.POST.get("email", "").strip().casefold()[:254]
        over_address = limited(request, "reset-address")
        over_account = bool(email) and limited(request, "reset-account", key=email)
        if over_address or over_account:
            name = "reset-address" if over_address else "reset-account"
            context = self.get_context_data(form=self.get_form())
            context["throttled"] = (
                "Too many reset emails were asked for. Wait "
                f"{wait_words(name)}, then try again; a link already sent still works."
            )
            return self.render_to_response(context, status=TOO_MANY)
        return super().post(request, *args, **kwargs)


@login_required
@require_safe
def settings_page(request):
    return render(
        request,
        "accounts/settings.html",
        {"delete_form": DeleteAccountForm(user=request.user), "summary": _summary(request)},
    )


def _summary(request) -> dict:
    data = services.learner_data(user=request.user, session=request.session)
    return {
        "lessons": len(data["lessons"]),
        "answers": len(data["check_answers"]),
        "attempts": len(data["quiz_attempts"]),
        "sandboxes": len(data["sandboxes"]),
        "rooms": len(data["rooms"]["joined"]) + len(data["rooms"]["taught"]),
    }


@login_required
@require_safe
def data_download(request):
    data = services.learner_data(user=request.user, session=request.session)
    body = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)
    stamp = timezone.now().strftime("%Y-%m-%d")
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="events-vs-commands-{request.user.pk}-{stamp}.json"'
    )
    return response


@login_required
@require_POST
def account_delete(request):
    form = DeleteAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(
            request,
            "accounts/settings.html",
            {"delete_form": form, "summary": _summary(request)},
            status=400,
        )
    services.account_delete(user=request.user, session=request.session)
    logout(request)
    return render(request, "accounts/deleted.html")
