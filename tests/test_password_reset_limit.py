"""Password-reset mails are limited per address and per client, with the same answer always.

Ten requests for one address sent ten mails: a way to fill someone's inbox from the login
page. Each address now gets at most RESETS_PER_ADDRESS mails an hour and each client address
RESETS_PER_CLIENT requests; past the limit the page says what it always says ("if the
address is known, a link was sent"), so the limit tells nothing about which accounts exist.
"""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kokemus.accounts import RESET_WINDOW, RESETS_PER_ADDRESS, RESETS_PER_CLIENT
from kokemus.models import PasswordResetRequest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _ask(client, email: str, address: str = "192.0.2.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def _page(client, url: str) -> str:
    """The page without its form's CSRF token, which differs on every request."""
    return CSRF_TOKEN.sub("", client.get(url).content.decode())


def test_ten_requests_for_one_address_send_the_limit_of_mails(client):
    UserFactory(email="aino@example.fi")

    answers = {_ask(client, "aino@example.fi", f"192.0.2.{n}")["Location"] for n in range(10)}

    assert answers == {reverse("password_reset_done")}
    assert len(mail.outbox) == RESETS_PER_ADDRESS == 3


def test_an_address_in_other_letters_is_the_same_address(client):
    UserFactory(email="aino@example.fi")

    for email in ("aino@example.fi", "AINO@example.fi", " Aino@Example.fi ", "aino@EXAMPLE.FI"):
        _ask(client, email)

    assert len(mail.outbox) == RESETS_PER_ADDRESS


def test_one_client_asking_for_many_addresses_is_stopped(client):
    for n in range(RESETS_PER_CLIENT + 2):
        UserFactory(email=f"henkilo{n}@example.fi")

    for n in range(RESETS_PER_CLIENT + 2):
        assert _ask(client, f"henkilo{n}@example.fi")["Location"] == reverse("password_reset_done")

    assert len(mail.outbox) == RESETS_PER_CLIENT == 10
    assert _ask(client, "henkilo0@example.fi", "198.51.100.7").status_code == 302
    assert len(mail.outbox) == RESETS_PER_CLIENT + 1  # another client is not held back


def test_the_answer_past_the_limit_is_the_answer_for_an_unknown_address(client):
    UserFactory(email="aino@example.fi")
    for _ in range(RESETS_PER_ADDRESS):
        _ask(client, "aino@example.fi")

    limited, unknown = _ask(client, "aino@example.fi"), _ask(client, "ei.ole@example.fi")

    assert (limited.status_code, limited["Location"]) == (unknown.status_code, unknown["Location"])
    assert _page(client, limited["Location"]) == _page(client, unknown["Location"])
    assert len(mail.outbox) == RESETS_PER_ADDRESS


def test_the_limit_lasts_an_hour_and_old_requests_are_forgotten(client):
    UserFactory(email="aino@example.fi")
    for _ in range(RESETS_PER_ADDRESS):
        _ask(client, "aino@example.fi")
    past_the_window = timezone.now() - RESET_WINDOW - datetime.timedelta(seconds=1)
    PasswordResetRequest.objects.update(requested_at=past_the_window)

    _ask(client, "aino@example.fi")

    assert len(mail.outbox) == RESETS_PER_ADDRESS + 1
    assert PasswordResetRequest.objects.count() == 1  # the old ones are gone


def test_no_address_is_stored_as_typed(client):
    _ask(client, "aino@example.fi")

    stored = PasswordResetRequest.objects.values_list("email_digest", "client_digest").get()
    assert "aino" not in str(stored) and "192.0.2.1" not in str(stored)
