"""Production serving settings: gunicorn's from the environment, logging's validated."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "PORT", "HOST", "LOG_FORMAT")
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


GUNICORN = (
    "import json, kokemus.gunicorn_config as c; "
    "print(json.dumps([c.bind, c.workers, c.threads, c.max_requests]))"
)


def test_gunicorn_takes_workers_and_address_from_the_environment():
    result = python(GUNICORN, WEB_CONCURRENCY="3", HOST="127.0.0.1", PORT="8123")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["127.0.0.1:8123", 3, 4, 1000]


def test_gunicorn_threads_come_from_the_environment():
    result = python(GUNICORN, WEB_CONCURRENCY="2", GUNICORN_THREADS="1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[1:3] == [2, 1]


def test_gunicorn_refuses_a_worker_count_that_is_not_a_number():
    result = python(GUNICORN, WEB_CONCURRENCY="many")
    assert result.returncode != 0
    assert "WEB_CONCURRENCY must be a whole number, not 'many'." in result.stderr


def test_django_refuses_an_unknown_log_level():
    result = python(
        "import django; django.setup()",
        DJANGO_SETTINGS_MODULE="kokemus.settings",
        DEBUG="true",
        LOG_LEVEL="LOUD",
    )
    assert result.returncode != 0
    assert "LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL." in result.stderr


LOG_A_WARNING = (
    "import django, logging; django.setup(); logging.getLogger('kokemus').warning('hello')"
)
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "kokemus.settings",
    "DEBUG": "false",
    "SECRET_KEY": "k" * 50,
    "LOG_LEVEL": "WARNING",
}


def test_the_server_logs_json_lines_on_stdout():
    result = python(LOG_A_WARNING, **PRODUCTION, LOG_STREAM="stdout")  # as bin/serve sets it
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stdout.strip().splitlines()[-1])
    assert entry["message"] == "hello"
    assert entry["level"] == "WARNING"


def test_management_commands_log_to_stderr_so_their_output_stays_clean():
    result = python(LOG_A_WARNING, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert json.loads(result.stderr.strip().splitlines()[-1])["message"] == "hello"


@pytest.mark.django_db
def test_pages_name_their_icon_so_browsers_do_not_ask_for_a_missing_favicon(client):
    page = client.get(reverse("login")).content.decode()
    link = page.split('<link rel="icon" href="')[1].split('"')[0]
    assert link.startswith("/static/img/favicon") and link.endswith(".svg")
    assert finders.find("img/favicon.svg")
