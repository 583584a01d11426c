"""A coordinator invites an expert: a login without a password and a set-password e-mail."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


def _invite_url(expert, next_url=""):
    url = reverse("portal:invite", args=[expert.pk])
    return url + (f"?next={next_url}" if next_url else "")


def test_invitation_page_asks_for_confirmation(login, coordinator):
    expert = ExpertFactory(first_name="Iida", last_name="Kutsuttu", email="iida@example.fi")
    response = login(coordinator).get(_invite_url(expert), headers=EN)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Invite Iida Kutsuttu to log in" in page
    assert "Send the invitation" in page


def test_invitation_creates_login_and_sends_set_password_link(login, coordinator, client):
    expert = ExpertFactory(first_name="Iida", last_name="Kutsuttu", email="Iida@Example.fi")
    response = login(coordinator).post(
        _invite_url(expert), {"next": "/kokemustoimijat/"}, headers=EN
    )
    assert response.status_code == 302
    assert response["Location"] == "/kokemustoimijat/"
    expert.refresh_from_db()
    assert expert.version == 2  # a form opened before the invitation cannot detach the login
    user = expert.user
    assert user.username == "iida@example.fi"
    assert user.email == "iida@example.fi"
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == ["expert"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["iida@example.fi"]
    assert message.subject == "Kokemus: your login"
    assert "Your username is iida@example.fi." in message.body
    link = re.search(r"http://testserver(/salasana/uusi/\S+/)", message.body).group(1)

    client.logout()
    response = client.get(link)  # Django redirects to the set-password form
    assert response.status_code == 302
    form_url = response["Location"]
    response = client.post(
        form_url, {"new_password1": "Kokemus-salasana-77", "new_password2": "Kokemus-salasana-77"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("Kokemus-salasana-77")


def test_invitation_refuses_an_expert_without_email(login, coordinator):
    expert = ExpertFactory(first_name="Eino", last_name="Osoitteeton", email="")
    response = login(coordinator).post(_invite_url(expert), headers=EN, follow=True)
    assert "Eino Osoitteeton has no e-mail address: add one before inviting." in (
        response.content.decode()
    )
    assert not User.objects.filter(expert__isnull=False).exists()
    assert mail.outbox == []


def test_invitation_refuses_an_expert_with_a_login(login, coordinator, expert_alice):
    expert = expert_alice.expert
    response = login(coordinator).post(_invite_url(expert), headers=EN, follow=True)
    assert f"{expert.full_name} already has a login." in response.content.decode()
    assert mail.outbox == []


def test_invitation_refuses_a_taken_username(login, coordinator):
    User.objects.create_user("sama@example.fi")
    expert = ExpertFactory(email="sama@example.fi")
    response = login(coordinator).post(_invite_url(expert), headers=EN, follow=True)
    assert "A login with the username sama@example.fi already exists." in (
        response.content.decode()
    )
    expert.refresh_from_db()
    assert expert.user is None


def test_invitation_ignores_an_unsafe_next(login, coordinator):
    expert = ExpertFactory(email="turva@example.fi")
    response = login(coordinator).post(_invite_url(expert), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_expert_cannot_invite(login, expert_alice):
    expert = ExpertFactory(email="x@example.fi")
    assert login(expert_alice).post(_invite_url(expert)).status_code == 403
    expert.refresh_from_db()
    assert expert.user is None


def test_password_reset_is_public_and_the_login_page_links_to_it(client):
    page = client.get(reverse("login"), headers=EN).content.decode()
    assert f'href="{reverse("password_reset")}"' in page
    assert "Forgot your password?" in page
    response = client.post(reverse("password_reset"), {"email": "nobody@example.fi"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert client.get(reverse("password_reset_done")).status_code == 200


def test_password_reset_sends_a_link_to_a_user_with_a_password(client, expert_alice):
    client.post(reverse("password_reset"), {"email": expert_alice.email})
    assert len(mail.outbox) == 1
    assert "/salasana/uusi/" in mail.outbox[0].body
