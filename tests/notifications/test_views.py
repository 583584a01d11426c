"""The user's choice of messages, and the coordinator's warning of an expert without e-mail."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from notifications.models import Kind, Preference
from tests.factories import (
    AgreementFactory,
    AssignmentTypeFactory,
    ExpertFactory,
    ServiceAreaFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("notifications:preferences")


def test_an_expert_turns_reminders_off_and_chooses_swedish(login, expert_alice):
    client = login(expert_alice)
    page = client.get(URL)
    assert "Muistutus, päivää ennen" in page.content.decode()
    assert "Viikkokooste" not in page.content.decode()  # the digest is for coordinators

    response = client.post(
        URL, {"language": "sv", "reminder_days": "3", "wanted": [Kind.SUPERVISION]}
    )

    assert response.status_code == 302
    preference = Preference.objects.get(user=expert_alice)
    assert (preference.language, preference.reminder_days) == ("sv", 3)
    assert not preference.wants(Kind.REMINDER)
    assert preference.wants(Kind.SUPERVISION)
    assert preference.wants(Kind.BOOKED)  # cannot be turned off


def test_a_reminder_lead_time_over_30_days_is_refused_with_a_message(login, expert_alice):
    response = login(expert_alice).post(URL, {"language": "fi", "reminder_days": "45"})

    assert response.status_code == 200
    assert "Tämän arvon on oltava enintään 30." in response.content.decode()
    assert not Preference.objects.exists()


def test_a_coordinator_asks_for_the_weekly_digest(login, coordinator):
    login(coordinator).post(URL, {"language": "fi", "wanted": [Kind.WORK_REPORTED], "digest": "on"})

    preference = Preference.objects.get(user=coordinator)
    assert preference.wants(Kind.DIGEST)
    assert not preference.wants(Kind.AGREEMENT_ENDING)


@time_machine.travel(datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_booking_an_expert_without_e_mail_warns_the_coordinator_at_once(login, coordinator):
    silent = ExpertFactory(first_name="Sanna", last_name="Postiton", email="")
    AgreementFactory(expert=silent)
    response = login(coordinator).post(
        reverse("assignments:assignment_create"),
        {
            "title": "Luento",
            "type": AssignmentTypeFactory().pk,
            "service_area": ServiceAreaFactory().pk,
            "date": "2025-03-10",
            "hours": "2",
            "experts-TOTAL_FORMS": "1",
            "experts-INITIAL_FORMS": "0",
            "experts-0-expert": silent.pk,
        },
        follow=True,
    )

    assert "Henkilöllä Sanna Postiton ei ole sähköpostiosoitetta" in response.content.decode()
