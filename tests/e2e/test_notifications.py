"""A coordinator books two experts in the browser; the worker sends both their notices."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command

from kokemus.access import Role
from registry.models import AssignmentType, ServiceArea
from tests.factories import AgreementFactory, ExpertFactory, UserFactory
from tests.smtp import body_text, calendar_part

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "salasana-testiin-123"
NOW = datetime.datetime(2027, 5, 3, 10, 0, tzinfo=datetime.UTC)


def test_booking_two_experts_in_the_browser_sends_both_a_notice(page, smtp):
    with time_machine.travel(NOW, tick=True):
        Group.objects.get_or_create(name=Role.COORDINATOR)
        UserFactory(username="koordinaattori", groups=[Role.COORDINATOR])
        experts = []
        for first_name, email in (("Anna", "anna@example.fi"), ("Ben", "ben@example.fi")):
            expert = ExpertFactory(first_name=first_name, last_name="Koe", email=email)
            AgreementFactory(
                expert=expert,
                valid_from=datetime.date(2027, 1, 1),
                valid_until=datetime.date(2027, 12, 31),
            )
            experts.append(expert)

        page.goto("/kirjaudu/")
        page.locator("#id_username").fill("koordinaattori")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_url("**/")
        page.goto("/tehtavat/uusi/")
        page.locator("#id_title").fill("Asiakasraati")
        page.locator("#id_type").select_option(
            str(AssignmentType.objects.get(code="client_panel").pk)
        )
        page.locator("#id_service_area").select_option(
            str(ServiceArea.objects.filter(parent__isnull=True).first().pk)
        )
        page.locator("#id_date").fill("2027-05-10")
        page.locator("#id_hours").fill("2")
        for row, expert in enumerate(experts):
            page.locator(f"#id_experts-{row}-expert").select_option(str(expert.pk))
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/tehtavat/*/")

        # The save queued a delivery task; the worker runs what is queued, then stops.
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO()
        )

    for address, name, other in (
        ("anna@example.fi", "Anna", "Ben"),
        ("ben@example.fi", "Ben", "Anna"),
    ):
        [message] = smtp.of(address)
        assert message["Subject"].strip() == "Sinut on varattu: Asiakasraati 10.5.2027"
        assert f"Hei {name}," in body_text(message)
        assert f"Mukana myös: {other}" in body_text(message)
        assert calendar_part(message) is not None
