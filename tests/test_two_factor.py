"""Two-factor login with TOTP: optional, or required for coordinators and admins."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "salasana-testiin-123"


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06}"


def log_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.fixture
def coordinator_with_device(coordinator):
    TOTPDevice.objects.create(user=coordinator, name="Kokemus", confirmed=True)
    return coordinator


def test_user_with_a_device_must_enter_a_code(client, coordinator_with_device):
    log_in(client, coordinator_with_device)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor_verify")


def test_wrong_code_is_refused_with_a_message(client, coordinator_with_device):
    log_in(client, coordinator_with_device)
    response = client.post(
        reverse("two_factor_verify"), {"token": "000000"}, headers={"accept-language": "en"}
    )
    assert response.status_code == 200
    assert "The code is wrong or too old." in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_right_code_lets_the_user_in(client, coordinator_with_device):
    log_in(client, coordinator_with_device)
    device = TOTPDevice.objects.get(user=coordinator_with_device)
    response = client.post(reverse("two_factor_verify"), {"token": code(device)})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_two_factor_is_optional_by_default(client, coordinator):
    log_in(client, coordinator)
    assert client.get(reverse("home")).status_code == 200


def test_required_setting_sends_coordinators_to_set_it_up(client, coordinator, settings):
    settings.TWO_FACTOR_REQUIRED = True
    log_in(client, coordinator)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("two_factor_setup")
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    response = client.post(reverse("two_factor_setup"), {"token": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200


def test_required_setting_does_not_apply_to_experts(client, expert_alice, settings):
    settings.TWO_FACTOR_REQUIRED = True
    log_in(client, expert_alice)
    assert client.get(reverse("home")).status_code == 200


def test_required_setting_covers_admins(client, settings):
    settings.TWO_FACTOR_REQUIRED = True
    admin = UserFactory(username="admin2", is_staff=True, is_superuser=True)
    log_in(client, admin)
    response = client.get(reverse("admin:index"))
    assert response["Location"] == reverse("two_factor_setup")


def test_setup_refuses_a_wrong_code(client, coordinator):
    log_in(client, coordinator)
    client.get(reverse("two_factor_setup"))
    client.post(reverse("two_factor_setup"), {"token": "123"})
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()


def test_experts_cannot_open_the_setup_page(client, expert_alice):
    log_in(client, expert_alice)
    assert client.get(reverse("two_factor_setup")).status_code == 403


def test_admin_login_also_asks_for_the_code(client, settings):
    admin = UserFactory(username="admin3", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=admin, name="Kokemus", confirmed=True)
    response = client.post(reverse("admin:login"), {"username": "admin3", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("admin:index"))["Location"] == reverse("two_factor_verify")
