"""The footer's language switch works for every user and is remembered (language cookie)."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_expert_switches_to_swedish_and_it_is_remembered(login, expert_alice):
    client = login(expert_alice)
    response = client.post(reverse("set_language"), {"language": "sv", "next": "/oma/"})
    assert response.status_code == 302
    assert response["Location"] == "/oma/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"
    page = client.get(reverse("portal:my_page")).content.decode()
    assert '<html lang="sv">' in page
    assert '<option value="sv" selected>' in page


def test_anonymous_user_switches_language_on_the_login_page(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/kirjaudu/"})
    assert response.status_code == 302
    assert response["Location"] == "/kirjaudu/"
    assert '<html lang="en">' in client.get(reverse("login")).content.decode()


def test_unknown_language_keeps_finnish(client):
    client.post(reverse("set_language"), {"language": "xx", "next": "/kirjaudu/"})
    assert '<html lang="fi">' in client.get(reverse("login")).content.decode()
