"""Settings come from the environment; production settings pass Django's deployment check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "production-like-secret-key-with-enough-entropy-9f8e7d",
    "ALLOWED_HOSTS": "kokemus.example.fi",
    "DATABASE_URL": "sqlite:////tmp/kokemus-check.sqlite3",
}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_", "CSRF_"))
    }
    clean.pop("SECRET_KEY", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests only
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean_with_a_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = PRODUCTION | {"SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("LANGUAGE_CODE", "fi"),
        ("TIME_ZONE", "Europe/Helsinki"),
        ("PASSWORD_HASHERS[0]", "django.contrib.auth.hashers.Argon2PasswordHasher"),
        ("SECURE_SSL_REDIRECT", "True"),
        ("SESSION_COOKIE_SECURE", "True"),
    ],
)
def test_production_defaults(setting, expected):
    name, _, index = setting.partition("[")
    expression = f"settings.{name}" + (f"[{index}" if index else "")
    result = manage(
        "shell", "-c", f"from django.conf import settings; print({expression})", env=PRODUCTION
    )
    assert result.stdout.strip().splitlines()[-1] == expected, result.stderr


def test_login_is_required_by_default(settings):
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE
