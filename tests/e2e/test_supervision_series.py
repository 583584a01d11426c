"""A coordinator sets up a recurring supervision series in the browser; the worker delivers
each member's invitation, with the dates and a calendar file, to a real SMTP inbox."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command

from kokemus.access import Role
from supervision.models import SupervisionSession
from tests.factories import (
    ExpertFactory,
    GroupMembershipFactory,
    SupervisionGroupFactory,
    UserFactory,
)
from tests.smtp import body_text, calendar_part

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "salasana-testiin-123"
MONDAY = datetime.datetime(2027, 5, 3, 10, 0, tzinfo=datetime.UTC)


def test_a_coordinator_sets_up_a_series_and_the_members_invitations_arrive(page, smtp):
    with time_machine.travel(MONDAY, tick=True):
        Group.objects.get_or_create(name=Role.COORDINATOR)
        UserFactory(username="koordinaattori", groups=[Role.COORDINATOR])
        group = SupervisionGroupFactory(name="Tiistain työnohjaus")
        for first_name, email in (("Anna", "anna@example.fi"), ("Ben", "ben@example.fi")):
            GroupMembershipFactory(
                group=group, expert=ExpertFactory(first_name=first_name, email=email)
            )

        page.goto("/kirjaudu/")
        page.locator("#id_username").fill("koordinaattori")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_url("**/")
        page.goto(f"/tyonohjaus/{group.pk}/")
        page.get_by_role("link", name="Luo toistuvat kerrat").click()
        page.get_by_label("n viikon välein").check()
        page.locator("#id_weekday").select_option("1")  # Tuesday
        page.locator("#id_interval_weeks").fill("4")
        page.locator("#id_start_time").fill("14:00")
        page.locator("#id_first_date").fill("2027-05-03")
        page.locator("#id_count").fill("3")
        page.locator("#id_location").fill("Neuvotteluhuone 2")
        page.get_by_role("button", name="Tallenna ja lähetä kutsut").click()
        page.wait_for_url(f"**/tyonohjaus/{group.pk}/")
        assert page.locator("#series-heading").is_visible()

        # The save queued a delivery task; the worker runs what is queued, then stops.
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO()
        )

    dates = list(SupervisionSession.objects.order_by("date").values_list("date", flat=True))
    assert dates == [
        datetime.date(2027, 5, 4),
        datetime.date(2027, 6, 1),
        datetime.date(2027, 6, 29),
    ]
    for address, name in (("anna@example.fi", "Anna"), ("ben@example.fi", "Ben")):
        [message] = smtp.of(address)
        assert message["Subject"].strip() == "Työnohjauskerrat: Tiistain työnohjaus"
        text = body_text(message)
        assert f"Hei {name}," in text
        assert "ti 4.5.2027 klo 14.00, Neuvotteluhuone 2" in text
        assert "ti 29.6.2027" in text
        invitation = calendar_part(message)
        assert invitation is not None
        assert invitation.get_content().count("BEGIN:VEVENT") == 3
