"""Login security: lockout after repeated failures, idle timeout, staff sessions."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "salasana-testiin-123"


def post_login(client, username, password):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.5"
    )


def test_five_failures_lock_the_login_for_15_minutes(client):
    user = UserFactory(username="aino")
    for _ in range(4):
        assert post_login(client, "aino", "wrong-password").status_code == 200
    locked = post_login(client, "aino", "wrong-password")
    assert locked.status_code == 429
    assert "Kirjautuminen on lukittu 15 minuutiksi" in locked.content.decode()
    # even the right password is refused while locked
    assert post_login(client, "aino", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    assert user.username == "aino"


def test_lock_ends_after_15_minutes(client, settings):
    UserFactory(username="aino")
    for _ in range(5):
        post_login(client, "aino", "wrong-password")
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    response = post_login(client, "aino", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_admin_unlocks_by_deleting_the_attempt(client):
    UserFactory(username="aino")
    for _ in range(5):
        post_login(client, "aino", "wrong-password")
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username="aino").delete()
    assert post_login(client, "aino", PASSWORD).status_code == 302


def test_lock_is_per_username_and_address(client):
    UserFactory(username="aino")
    UserFactory(username="eeva")
    for _ in range(5):
        post_login(client, "aino", "wrong-password")
    assert post_login(client, "eeva", PASSWORD).status_code == 302


def test_session_ends_after_30_idle_minutes(client):
    UserFactory(username="aino")
    post_login(client, "aino", PASSWORD)
    assert client.get(reverse("home")).status_code in (200, 403)  # logged in
    assert client.session.get_expiry_age() == 30 * 60
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_requests_renew_the_idle_time_at_most_once_a_minute(client):
    UserFactory(username="aino", groups=["coordinator"])
    post_login(client, "aino", PASSWORD)
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    client.get(reverse("home"))  # within the minute: no write
    assert Session.objects.get().expire_date - timezone.now() < datetime.timedelta(minutes=2)
    session = client.session
    session["refreshed_at"] -= 61
    session.save()
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    client.get(reverse("home"))
    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining > datetime.timedelta(minutes=29)


def test_staff_session_ends_with_the_browser(client):
    UserFactory(username="admin2", is_staff=True)
    response = post_login(client, "admin2", PASSWORD)
    assert response.status_code == 302
    assert client.session.get_expire_at_browser_close()
    assert response.cookies["sessionid"]["expires"] == ""


def test_other_users_keep_the_cookie_for_the_idle_time(client):
    UserFactory(username="aino")
    response = post_login(client, "aino", PASSWORD)
    assert not client.session.get_expire_at_browser_close()
    assert response.cookies["sessionid"]["max-age"] == 30 * 60


def test_staff_logging_in_through_the_admin_also_end_with_the_browser(client):
    UserFactory(username="admin2", is_staff=True)
    client.post(reverse("admin:login"), {"username": "admin2", "password": PASSWORD})
    assert client.session.get_expire_at_browser_close()
