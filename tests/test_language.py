"""The footer's language switch works for every user and is remembered (language cookie)."""

import datetime

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

pytestmark = pytest.mark.django_db


def test_expert_switches_to_swedish_and_it_is_remembered(login, expert_alice):
    client = login(expert_alice)
    response = client.post(reverse("set_language"), {"language": "sv", "next": "/oma/"})
    assert response.status_code == 302
    assert response["Location"] == "/oma/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"
    page = client.get(reverse("portal:my_page")).content.decode()
    assert '<html lang="sv">' in page
    assert '<option value="sv" lang="sv" selected>Svenska</option>' in page


def test_each_language_is_named_in_its_own_words(client):
    page = client.get(reverse("login")).content.decode()  # in Finnish
    assert '<option value="sv" lang="sv">Svenska</option>' in page
    assert '<option value="en" lang="en">English</option>' in page
    assert '<option value="fi" lang="fi" selected>Suomi</option>' in page


def test_anonymous_user_switches_language_on_the_login_page(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/kirjaudu/"})
    assert response.status_code == 302
    assert response["Location"] == "/kirjaudu/"
    assert '<html lang="en">' in client.get(reverse("login")).content.decode()


def test_unknown_language_keeps_finnish(client):
    client.post(reverse("set_language"), {"language": "xx", "next": "/kirjaudu/"})
    assert '<html lang="fi">' in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_dates_are_day_month_year_in_every_language(language):
    """Swedish in Finland writes 26.11.2026, not Sweden's 2026-11-26."""
    day = datetime.date(2026, 11, 26)
    with translation.override(language):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "26.11.2026"
        assert forms.DateField(localize=True).clean("26.11.2026") == day
