"""Sign-in lockout (django-axes) and the throttles on sign-up and password reset."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tests.accounts.helpers import PASSWORD, sign_in, sign_up

pytestmark = pytest.mark.django_db


def test_fifty_wrong_passwords_lock_the_account_even_against_the_right_one(client, user):
    for _ in range(50):
        sign_in(client, "ada", "wrong-password")
    response = sign_in(client, "ada", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert "Too many wrong passwords" in html
    assert "_auth_user_id" not in client.session


def test_a_few_wrong_passwords_do_not_stop_the_right_one(client, user):
    for _ in range(3):
        assert sign_in(client, "ada", "wrong-password").status_code == 200
    assert sign_in(client, "ada", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_lockout_is_per_account_across_addresses(user):
    for n in range(10):
        sign_in(Client(), "ada", "wrong-password", address=f"10.0.0.{n + 1}")
    response = sign_in(Client(), "ada", PASSWORD, address="10.0.1.1")
    assert response.status_code == 429
    assert "signing in to this account is paused for 15 minutes" in response.content.decode()
    # Another account from a fresh address is not affected.
    get_user_model().objects.create_user("bob", password=PASSWORD)
    assert sign_in(Client(), "bob", PASSWORD, address="10.0.1.1").status_code == 302


def test_the_lockout_is_per_address_across_accounts(user, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "signin-address": "20/15m"}
    for n in range(20):
        sign_in(Client(), f"guess-{n}", "wrong-password", address="10.9.9.9")
    response = sign_in(Client(), "ada", PASSWORD, address="10.9.9.9")
    assert response.status_code == 429
    assert "After 20 failed sign-ins from this address" in response.content.decode()
    assert sign_in(Client(), "ada", PASSWORD, address="10.9.9.10").status_code == 302


def test_a_class_behind_one_address_survives_a_few_typos_each(settings):
    """Twenty learners, one school address, each mistyping twice: nobody is locked out."""
    accounts = [
        get_user_model().objects.create_user(f"pupil{n}", password=PASSWORD) for n in range(20)
    ]
    for account in accounts:
        for _ in range(2):
            sign_in(Client(), account.username, "typo", address="10.8.8.8")
    for account in accounts:
        assert sign_in(Client(), account.username, PASSWORD, address="10.8.8.8").status_code == 302


def test_the_admin_sign_in_is_locked_out_too(client):
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    for _ in range(50):
        sign_in(client, "root", "wrong-password", url="/admin/login/")
    response = sign_in(client, "root", PASSWORD, url="/admin/login/")
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_scripted_sign_ups_from_one_address_are_stopped(settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "signup-address": "10/h"}
    for n in range(10):
        assert sign_up(Client(), f"bot{n}", address="10.1.1.1").status_code == 302
    response = sign_up(Client(), "bot10", address="10.1.1.1")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many accounts were created from this address" in html
    assert 'class="site-header"' in html
    assert not get_user_model().objects.filter(username="bot10").exists()
    # Someone elsewhere still signs up.
    assert sign_up(Client(), "human", address="10.1.1.2").status_code == 302


def test_password_reset_requests_are_limited_per_account(client, user):
    for n in range(3):
        response = client.post(
            "/accounts/password_reset/", {"email": "ADA@example.org"}, REMOTE_ADDR=f"10.2.0.{n}"
        )
        assert response.status_code == 302
    response = client.post(
        "/accounts/password_reset/", {"email": "ada@example.org"}, REMOTE_ADDR="10.2.0.9"
    )
    assert response.status_code == 429
    assert "Too many reset emails" in response.content.decode()
    assert len(mail.outbox) == 3


def test_password_reset_requests_are_limited_per_address(client):
    for n in range(10):
        response = client.post(
            "/accounts/password_reset/", {"email": f"x{n}@example.org"}, REMOTE_ADDR="10.3.0.1"
        )
        assert response.status_code == 302
    response = client.post(
        "/accounts/password_reset/", {"email": "y@example.org"}, REMOTE_ADDR="10.3.0.1"
    )
    assert response.status_code == 429
