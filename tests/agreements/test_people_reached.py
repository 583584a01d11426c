"""People reached (issue 20): the coordinator marks a client panel, workshop, lecture or
communication assignment done and says how many people it reached and which group; other
types are not asked."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements import services
from agreements.models import Assignment, AssignmentStatus
from registry.models import AssignmentType
from tests.agreements.test_assignment_views import form_data
from tests.factories import AgreementFactory, AssignmentFactory, ParticipationFactory

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}
MARCH_10 = datetime.date(2025, 3, 10)


def of_type(code: str, **fields) -> Assignment:
    """A past assignment of a default type (the migrations' types), with one expert."""
    assignment = AssignmentFactory(
        type=AssignmentType.objects.get(code=code), date=MARCH_10, **fields
    )
    ParticipationFactory(assignment=assignment, agreement=AgreementFactory())
    return assignment


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def mark_done(client, assignment, headers=EN, **fields):
    data = {"status": "done", "version": assignment.version} | fields
    url = reverse("assignments:assignment_status", args=[assignment.pk])
    return client.post(url, data, headers=headers)


def test_the_default_types_that_record_reach():
    recording = AssignmentType.objects.filter(records_reach=True).values_list("code", flat=True)
    assert set(recording) == {"client_panel", "training", "communication", "development"}


# --- The status button ------------------------------------------------------------------------


def test_marking_a_lecture_done_asks_for_the_people_reached(coordinator_client):
    lecture = of_type("training")
    page = coordinator_client.get(
        reverse("assignments:assignment_detail", args=[lecture.pk]), headers=EN
    ).content.decode()
    assert 'for="id_people_reached"' in page
    assert 'for="id_reached_group"' in page
    response = mark_done(coordinator_client, lecture, people_reached="35", reached_group="students")
    assert response.status_code == 302
    lecture.refresh_from_db()
    assert (lecture.status, lecture.people_reached, lecture.reached_group) == (
        AssignmentStatus.DONE,
        35,
        "students",
    )
    page = coordinator_client.get(response["Location"], headers=EN).content.decode()
    assert re.search(r'id="people-reached">\s*35 \(students\)\s*</dd>', page)


def test_without_them_it_is_refused_with_messages_naming_the_fields(coordinator_client):
    panel = of_type("client_panel")
    response = mark_done(coordinator_client, panel, headers={"accept-language": "fi"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tavoitetut henkilöt: Kerro, montako ihmistä tehtävä tavoitti" in page
    assert "Tavoitettu ryhmä: Valitse ryhmä, jonka tehtävä tavoitti." in page
    panel.refresh_from_db()
    assert (panel.status, panel.people_reached) == (AssignmentStatus.PLANNED, None)


def test_a_negative_number_is_refused_and_zero_is_a_figure(coordinator_client):
    workshop = of_type("development")
    response = mark_done(coordinator_client, workshop, people_reached="-1", reached_group="staff")
    assert "People reached cannot be negative." in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.status == AssignmentStatus.PLANNED
    mark_done(coordinator_client, workshop, people_reached="0", reached_group="staff")
    workshop.refresh_from_db()
    assert (workshop.status, workshop.people_reached) == (AssignmentStatus.DONE, 0)


def test_an_unknown_group_is_refused(coordinator_client):
    news = of_type("communication")
    response = mark_done(coordinator_client, news, people_reached="200", reached_group="voters")
    assert response.status_code == 200
    news.refresh_from_db()
    assert news.status == AssignmentStatus.PLANNED


def test_other_types_are_not_asked(coordinator_client):
    support = of_type("client_support")
    page = coordinator_client.get(
        reverse("assignments:assignment_detail", args=[support.pk]), headers=EN
    ).content.decode()
    assert "id_people_reached" not in page
    assert 'id="people-reached"' not in page
    # what such a form would send is not kept
    mark_done(coordinator_client, support, people_reached="5", reached_group="clients")
    support.refresh_from_db()
    assert (support.status, support.people_reached, support.reached_group) == ("done", None, "")


def test_the_service_asks_the_same_and_returning_to_planned_keeps_the_figure():
    lecture = of_type("training")
    with pytest.raises(ValidationError) as refused:
        services.assignment_set_status(assignment=lecture, status=AssignmentStatus.DONE)
    assert set(refused.value.message_dict) == {"people_reached", "reached_group"}
    services.assignment_set_status(
        assignment=lecture, status=AssignmentStatus.DONE, people_reached=12, reached_group="staff"
    )
    services.assignment_set_status(assignment=lecture, status=AssignmentStatus.PLANNED)
    lecture.refresh_from_db()
    # kept to prefill the next marking; the report counts only done assignments
    assert (lecture.status, lecture.people_reached) == (AssignmentStatus.PLANNED, 12)


# --- The edit form ----------------------------------------------------------------------------


def edit_data(assignment, **fields) -> dict:
    participation = assignment.participations.get()
    return form_data(
        experts=[(participation.expert, "")],
        version=assignment.version,
        **({"type": assignment.type_id, "service_area": assignment.service_area_id} | fields),
    )


def test_editing_a_done_lecture_keeps_its_figure_required(coordinator_client):
    lecture = of_type(
        "training", status=AssignmentStatus.DONE, people_reached=20, reached_group="clients"
    )
    url = reverse("assignments:assignment_update", args=[lecture.pk])
    page = coordinator_client.get(url, headers=EN).content.decode()
    assert 'name="people_reached" value="20"' in page
    response = coordinator_client.post(
        url, edit_data(lecture, people_reached="", reached_group="clients"), headers=EN
    )
    assert response.status_code == 200
    assert "Say how many people the assignment reached (0 if no one came)." in (
        response.content.decode()
    )
    coordinator_client.post(url, edit_data(lecture, people_reached="22", reached_group="residents"))
    lecture.refresh_from_db()
    assert (lecture.people_reached, lecture.reached_group) == (22, "residents")


def test_a_planned_assignment_or_another_type_is_not_asked_on_edit(coordinator_client):
    planned = of_type("training")
    support = of_type("client_support", status=AssignmentStatus.DONE)
    for assignment in (planned, support):
        url = reverse("assignments:assignment_update", args=[assignment.pk])
        assert "people_reached" not in coordinator_client.get(url).content.decode()
        response = coordinator_client.post(url, edit_data(assignment, title="Uusi nimi"))
        assert response.status_code == 302


def test_changing_a_done_assignments_type_asks_or_clears(coordinator_client):
    support = of_type("client_support", status=AssignmentStatus.DONE)
    url = reverse("assignments:assignment_update", args=[support.pk])
    panel_type = AssignmentType.objects.get(code="client_panel")
    response = coordinator_client.post(url, edit_data(support, type=panel_type.pk), headers=EN)
    assert response.status_code == 200  # now a client panel: the figure is asked
    assert 'for="id_people_reached"' in response.content.decode()
    data = edit_data(support, type=panel_type.pk, people_reached="8", reached_group="clients")
    assert coordinator_client.post(url, data).status_code == 302
    support.refresh_from_db()
    assert (support.type, support.people_reached) == (panel_type, 8)

    back = AssignmentType.objects.get(code="client_support")
    support.refresh_from_db()
    coordinator_client.post(url, edit_data(support, type=back.pk))
    support.refresh_from_db()
    assert (support.type, support.people_reached, support.reached_group) == (back, None, "")
