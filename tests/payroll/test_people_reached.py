"""People reached (issue 20) on the experts' side: the hours report that marks an assignment
done (the last expert on it to report) asks for them where the type records reach, in the
portal and in the coordinator's "report for them"."""

from decimal import Decimal

import pytest
from django.urls import reverse

from agreements.models import AssignmentStatus
from payroll import services
from payroll.models import ReportLine
from tests.factories import AgreementFactory
from tests.payroll.conftest import EN, TODAY, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_agreement(expert_alice):
    return AgreementFactory(expert=expert_alice.expert, number="TS-ALICE")


def report_url(participation) -> str:
    return reverse("portal:assignment_report", args=[participation.assignment_id])


def detail_url(participation) -> str:
    return reverse("portal:assignment_detail", args=[participation.assignment_id])


def test_the_expert_who_completes_a_lecture_gives_the_people_reached(login, alice_agreement):
    (alice,) = book([alice_agreement], type_code="training")
    client = login(alice_agreement.expert.user)
    assert 'name="people_reached"' in client.get(detail_url(alice)).content.decode()
    response = client.post(
        report_url(alice), {"hours": "2", "people_reached": "18", "reached_group": "residents"}
    )
    assert response.status_code == 302
    alice.assignment.refresh_from_db()
    assert (alice.assignment.status, alice.assignment.people_reached) == ("done", 18)
    assert alice.assignment.reached_group == "residents"
    page = client.get(detail_url(alice), headers=EN).content.decode()
    assert 'id="people-reached">18 (residents)' in page


def test_without_them_nothing_is_written_and_the_fields_say_why(login, alice_agreement):
    (alice,) = book([alice_agreement], type_code="client_panel")
    client = login(alice_agreement.expert.user)
    response = client.post(
        report_url(alice), {"hours": "2", "people_reached": "-3"}, headers={"accept-language": "fi"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tavoitetut henkilöt: Tavoitettujen henkilöiden määrä ei voi olla negatiivinen." in page
    assert "Tavoitettu ryhmä: Valitse ryhmä, jonka tehtävä tavoitti." in page
    assert not ReportLine.objects.exists()
    alice.assignment.refresh_from_db()
    assert alice.assignment.status == AssignmentStatus.PLANNED


def test_only_the_report_that_completes_the_assignment_asks(login, alice_agreement, people):
    alice, _aino = book([alice_agreement, people.aino_agreement], type_code="training")
    client = login(alice_agreement.expert.user)
    assert "people_reached" not in client.get(detail_url(alice)).content.decode()
    client.post(report_url(alice), {"hours": "2"})  # Aino has not reported: not done yet
    alice.assignment.refresh_from_db()
    assert alice.assignment.status == AssignmentStatus.PLANNED


def test_a_coordinator_reporting_for_the_last_expert_is_asked(client, coordinator, people):
    aino, bertta = book([people.aino_agreement, people.bertta_agreement], type_code="development")
    services.line_submit(participation=aino, hours=Decimal(2), today=TODAY)
    client.force_login(coordinator)
    url = reverse("payroll:report_for", args=[bertta.pk])
    assert 'name="reached_group"' in client.get(url).content.decode()
    response = client.post(url, {"hours": "2"}, headers=EN)
    assert "Say how many people the assignment reached (0 if no one came)." in (
        response.content.decode()
    )
    assert not ReportLine.objects.filter(participation=bertta).exists()
    client.post(url, {"hours": "2", "people_reached": "0", "reached_group": "staff"})
    bertta.assignment.refresh_from_db()
    assert (bertta.assignment.status, bertta.assignment.people_reached) == ("done", 0)


def test_other_types_are_not_asked(login, alice_agreement):
    (alice,) = book([alice_agreement], type_code="client_support")
    client = login(alice_agreement.expert.user)
    assert "people_reached" not in client.get(detail_url(alice)).content.decode()
    client.post(report_url(alice), {"hours": "2"})
    alice.assignment.refresh_from_db()
    assert (alice.assignment.status, alice.assignment.people_reached) == ("done", None)
