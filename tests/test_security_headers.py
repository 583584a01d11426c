"""Transport security and headers on real responses, with the production defaults."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_plain_http_is_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_https_response_carries_the_security_headers(client):
    response = client.get(reverse("login"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_content_security_policy_allows_no_inline_script_or_style(client):
    policy = client.get(reverse("login"), secure=True)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy


def test_cookies_are_secure_httponly_and_samesite(client, settings, coordinator):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    page = client.get(reverse("login"), secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    response = client.post(
        reverse("login"),
        {"username": coordinator.username, "password": "salasana-testiin-123"},
        secure=True,
    )
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_pages_load_scripts_only_from_files(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts
    assert all(" src=" in tag for tag in scripts)
    assert " style=" not in page
