"""Settings come from the environment; production settings pass Django's deployment check."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "production-like-secret-key-with-enough-entropy-9f8e7d",
    "ALLOWED_HOSTS": "kokemus.example.fi",
    "DATABASE_URL": "sqlite:////tmp/kokemus-check.sqlite3",
    "ORGANISATION_NAME": "Keski-Pohjanmaan hyvinvointialue",
}


def manage_env(env: dict) -> dict:
    """The test run's environment without its test settings, plus ``env``."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "SESSION_", "CSRF_", "LOG_"))
        and k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests only
    return clean | env


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=manage_env(env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean_with_a_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("name", ["", "Kokemus"])
def test_check_deploy_refuses_production_without_the_organisations_name(name):
    result = manage(
        "check", "--deploy", "--fail-level", "ERROR", env=PRODUCTION | {"ORGANISATION_NAME": name}
    )
    assert result.returncode == 1
    assert "(kokemus.E001) ORGANISATION_NAME is not set" in result.stderr


@pytest.mark.parametrize(
    ("debug", "name", "errors"),
    [(False, "Kokemus", ["kokemus.E001"]), (False, "Soite", []), (True, "Kokemus", [])],
)
def test_the_organisation_name_check_speaks_only_for_production(settings, debug, name, errors):
    settings.DEBUG, settings.ORGANISATION_NAME = debug, name
    found = [e.id for e in run_checks(include_deployment_checks=True) if e.id.startswith("kok")]
    assert found == errors
    assert not [e for e in run_checks() if e.id == "kokemus.E001"]  # only with --deploy


def test_bin_serve_checks_the_settings_before_it_migrates():
    serve = (ROOT / "bin" / "serve").read_text()
    check = serve.index("manage.py check --deploy --fail-level ERROR")
    assert check < serve.index("manage.py migrate")


@pytest.mark.parametrize("server", ["kokemus.wsgi", "kokemus.asgi"])
def test_the_server_refuses_to_start_without_a_secret_key(server):
    env = PRODUCTION | {"SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "-c", f"import {server}"],
        cwd=ROOT,
        env=manage_env(env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_commands_run_without_a_secret_key_and_log_only_warnings(tmp_path):
    # As a script would run them: no DEBUG, no SECRET_KEY, only the database.
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = manage("migrate", "--noinput", env=env)
    assert result.returncode == 0, result.stderr
    assert "Applying registry.0001_initial... OK" in result.stdout
    assert result.stderr == ""  # no INFO lines (axes announces itself at INFO)


def test_check_deploy_flags_the_development_key():
    result = manage("check", "--deploy", env=PRODUCTION | {"SECRET_KEY": ""})
    assert "security.W009" in result.stderr + result.stdout


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


def _database_options(url: str) -> dict:
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=manage_env({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "kokemus.settings"}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgresql_connections_turn_jit_off_unless_the_url_sets_its_options():
    assert _database_options("postgres://kokemus@db/kokemus") == {
        "options": "-c jit=off -c random_page_cost=1.1"
    }
    own = _database_options("postgres://kokemus@db/kokemus?options=-c%20work_mem%3D8MB")
    assert own == {"options": "-c work_mem=8MB"}
    assert "options" not in _database_options("sqlite:////tmp/kokemus.sqlite3")


@pytest.mark.django_db
def test_the_test_database_runs_without_jit_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("JIT is a PostgreSQL setting; SQLite has none")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
