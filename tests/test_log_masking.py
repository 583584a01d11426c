"""Bearer tokens in URLs stay out of the logs.

The calendar feed's URL carries its key (``/oma/kalenteri/<token>.ics``), and so do the
password-reset link (``/salasana/uusi/<uid>/<token>/``) and a requester's status page
(``/tilaa/tila/<token>/``): whoever reads the server's access log could subscribe to an
expert's calendar, set their password or read a request. Both logs mask them, gunicorn's access
log (one line per request) and Django's, in JSON and in text.
"""

import json
import logging
import logging.config
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

TOKEN = "s3cr3t-Token_0123456789abcdefghijklmnopqrstu"
CALENDAR = reverse("portal:calendar_feed", args=[TOKEN])
RESET = reverse("password_reset_confirm", args=["MQ", f"cd5k2x-{TOKEN}"])
STATUS = reverse("ordering:status", args=[TOKEN])
TOKEN_URLS = pytest.mark.parametrize(
    "path", [CALENDAR, RESET, STATUS], ids=["calendar", "password reset", "request status"]
)

# gunicorn's own Logger, configured as bin/serve configures it, logs one request.
ACCESS_LOG = """
import datetime, types
from gunicorn.config import Config
from gunicorn.glogging import Logger
from kokemus import gunicorn_config

config = Config()
config.set("logconfig_dict", gunicorn_config.logconfig_dict)
config.set("access_log_format", gunicorn_config.access_log_format)
path = {path!r}
environ = {{
    "REQUEST_METHOD": "GET", "RAW_URI": path + "?x=1", "PATH_INFO": path,
    "QUERY_STRING": "x=1", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.5",
    "HTTP_USER_AGENT": "Calendar/1.0", "HTTP_REFERER": "https://example.fi" + path,
}}
response = types.SimpleNamespace(status="200 OK", sent=512, headers=[])
Logger(config).access(response, [], environ, datetime.timedelta(milliseconds=7))
"""


def _access_line(path: str, log_format: str) -> str:
    environment = os.environ | {"LOG_FORMAT": log_format, "LOG_STREAM": "stdout"}
    done = subprocess.run(
        [sys.executable, "-c", ACCESS_LOG.format(path=path)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=settings.BASE_DIR,
        timeout=60,
        check=True,
    )
    return done.stdout


@TOKEN_URLS
def test_the_access_log_masks_the_token_in_json(path):
    line = _access_line(path, "json")

    entry = json.loads(line)
    assert TOKEN not in line  # in no field: path, query, request line, referer
    assert "***" in entry["path"]
    assert (entry["status"], entry["query"], entry["user_agent"]) == (200, "x=1", "Calendar/1.0")


def test_the_access_log_keeps_the_path_around_the_mask():
    entry = json.loads(_access_line(CALENDAR, "json"))

    assert entry["path"] == reverse("portal:calendar_feed", args=["***"])


@TOKEN_URLS
def test_the_access_log_masks_the_token_in_text(path):
    line = _access_line(path, "text")

    assert TOKEN not in line
    assert '"GET ' in line and "***" in line


def test_a_set_password_page_and_other_calendar_pages_are_not_masked():
    set_password = reverse("password_reset_confirm", args=["MQ", "set-password"])
    revoke = reverse("portal:calendar_revoke", args=[12])

    for path in (set_password, revoke):
        assert json.loads(_access_line(path, "json"))["path"] == path


@pytest.mark.parametrize("name", ["json", "text"])
def test_djangos_own_log_masks_the_token(name):
    formatter = logging.config.DictConfigurator({}).configure_formatter(
        settings.LOGGING["formatters"][name]
    )
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (CALENDAR,), None
    )
    record.request = RequestFactory().get(CALENDAR)

    line = formatter.format(record)

    assert TOKEN not in line
    assert "Not Found: /oma/kalenteri/***.ics" in line
