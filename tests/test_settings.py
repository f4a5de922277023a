"""Production settings refuse unsafe defaults and pass Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-secret-key-used-only-by-this-test-6a1f0c9e2b7d4e8f9a3c",
    "DJANGO_ALLOWED_HOSTS": "course.example.org",
    "DJANGO_EMAIL_HOST": "smtp.example.org",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_checklist_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_EMAIL_HOST"]
)
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_a_malformed_boolean_is_refused_with_its_name():
    result = manage("check", env={"DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_development_defaults_need_no_environment():
    result = manage("check", env={})
    assert result.returncode == 0, result.stderr


def test_redis_url_selects_the_redis_channel_layer():
    code = "from django.conf import settings; print(settings.CHANNEL_LAYERS['default']['BACKEND'])"
    result = manage(
        "shell", "--no-imports", "-c", code, env={"REDIS_URL": "redis://127.0.0.1:6399/0"}
    )
    assert result.stdout.strip() == "channels_redis.pubsub.RedisPubSubChannelLayer", result.stderr
    result = manage("shell", "--no-imports", "-c", code, env={})
    assert result.stdout.strip() == "classroom.layers.InMemoryChannelLayer", result.stderr


def test_database_url_selects_postgresql():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env={"DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db"},
    )
    assert result.stdout.strip() == "django.db.backends.postgresql", result.stderr


def test_content_security_policy_allows_nothing_inline():
    from django.conf import settings

    policy = " ".join(" ".join(v) for v in settings.SECURE_CSP.values())
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert settings.SECURE_CSP["script-src"] == ["'self'"]


def test_production_mail_goes_through_the_smtp_server_from_the_environment():
    code = (
        "from django.core import mail; m = mail.mailers['default']; "
        "print(type(m).__name__, m.host, m.port, m.username, m.use_tls)"
    )
    env = {**PRODUCTION, "DJANGO_EMAIL_HOST_USER": "course", "DJANGO_EMAIL_PORT": "587"}
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.stdout.strip() == "EmailBackend smtp.example.org 587 course True", result.stderr


def test_development_mail_is_printed_on_the_console():
    code = "from django.conf import settings; print(settings.MAILERS['default']['BACKEND'])"
    result = manage("shell", "--no-imports", "-c", code, env={})
    assert result.stdout.strip() == "django.core.mail.backends.console.EmailBackend", result.stderr
