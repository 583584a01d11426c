"""/healthz: the load balancer's check answers without a login, a session or HTTPS."""

import json
import logging

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from kokemus.logging import JsonFormatter

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_healthz_makes_no_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert "csrftoken" not in response.cookies
    assert Session.objects.count() == 0


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("login")).status_code == 301  # other pages still are
    assert client.get("/healthz").status_code == 200


def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


def test_json_formatter_writes_one_object_with_the_context():
    record = logging.LogRecord(
        "kokemus.test", logging.WARNING, __file__, 1, "%s failed", ("export",), None
    )
    record.user_id = 7
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "kokemus.test"
    assert entry["message"] == "export failed"
    assert entry["user_id"] == 7
    assert entry["time"].endswith("+00:00")


def test_json_formatter_turns_a_gunicorn_access_line_into_fields():
    atoms = {"h": "10.0.0.5", "m": "GET", "U": "/oma/", "q": "", "s": "200", "B": "5120"}
    atoms |= {"M": 12, "a": "curl/8"}
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(h)s", None, None)
    record.args = atoms  # gunicorn passes its atoms as the args mapping
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "request"
    assert entry["path"] == "/oma/"
    assert entry["status"] == 200
    assert entry["duration_ms"] == 12
    assert "query" not in entry
