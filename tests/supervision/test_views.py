"""The coordinator's supervision pages: groups, sessions with attendance, the coverage view."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agreements.models import AssignmentStatus
from supervision.models import Attendance, GroupKind, GroupMembership, SupervisionSession
from supervision.selectors import supervision_due
from supervision.services import membership_add
from tests.factories import (
    AssignmentFactory,
    AttendanceFactory,
    ExpertFactory,
    GroupMembershipFactory,
    ParticipationFactory,
    ProfessionalFactory,
    SupervisionGroupFactory,
    SupervisionSessionFactory,
)

pytestmark = pytest.mark.django_db
EN = {"headers": {"accept-language": "en"}}
TODAY = datetime.date(2025, 6, 30)
WINDOW_START = TODAY - datetime.timedelta(days=90)  # 1.4.2025, included


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


# --- groups ------------------------------------------------------------------------------------


def test_create_group_with_experts_and_professionals(coordinator_client):
    experts = ExpertFactory.create_batch(2)
    professional = ProfessionalFactory()
    response = coordinator_client.post(
        reverse("supervision:group_create"),
        {
            "name": "Kokemustoimijoiden vertaisryhmä",
            "kind": GroupKind.PEER,
            "new_supervisor": "Sirpa Ohjaaja",
            "is_active": "on",
            "experts": [e.pk for e in experts],
            "professionals": [professional.pk],
        },
    )
    assert response.status_code == 302
    memberships = GroupMembership.objects.all()
    assert {m.expert_id for m in memberships if m.expert_id} == {e.pk for e in experts}
    assert [m.professional_id for m in memberships if m.professional_id] == [professional.pk]


def test_removing_a_member_who_attended_keeps_the_history(coordinator_client):
    attendance = AttendanceFactory()
    group = attendance.session.group
    never_came = GroupMembershipFactory(group=group)
    response = coordinator_client.post(
        reverse("supervision:group_update", args=[group.pk]),
        {
            "name": group.name,
            "kind": group.kind,
            "is_active": "on",
            "version": group.version,
        },
    )
    assert response.status_code == 302
    attendance.membership.refresh_from_db()
    assert attendance.membership.left_on is not None
    assert not GroupMembership.objects.filter(pk=never_came.pk).exists()
    assert Attendance.objects.filter(pk=attendance.pk).exists()


def test_group_form_lists_members_as_ticked_checkboxes(coordinator_client):
    """A multiple select lost every other member on a plain click; a checkbox is one person."""
    member = GroupMembershipFactory()
    outsider = ExpertFactory()
    url = reverse("supervision:group_update", args=[member.group.pk])
    page = coordinator_client.get(url, **EN).content.decode()
    boxes = {
        re.search(r'value="(\d+)"', tag)[1]: "checked" in tag
        for tag in re.findall(r'<input type="checkbox"[^>]*name="experts"[^>]*>', page)
    }
    assert boxes[str(member.expert.pk)] is True
    assert boxes[str(outsider.pk)] is False
    assert "Unticking someone ends their membership today." in page


def test_group_form_takes_a_supervisor_from_the_list_or_a_new_one_not_both(coordinator_client):
    data = {"name": "Ryhmä", "kind": GroupKind.JOINT, "new_supervisor": "Sirpa Ohjaaja"}
    response = coordinator_client.post(
        reverse("supervision:group_create"),
        data | {"supervisor": ProfessionalFactory().pk},
        **EN,
    )
    assert response.status_code == 200
    assert '<a href="#id_new_supervisor">' in response.content.decode()
    response = coordinator_client.post(
        reverse("supervision:group_create"), data | {"new_supervisor": "Sirpa"}, **EN
    )
    assert "Give both the first and the last name." in response.content.decode()


STALE = "Someone else saved this while you were editing it, so your changes were not saved."


def _group_data(group, **changes) -> dict:
    return {
        "name": group.name,
        "kind": group.kind,
        "supervisor": group.supervisor_id,
        "is_active": "on",
    } | changes


def test_second_of_two_group_edits_is_refused_and_keeps_the_first_ones_members(
    coordinator_client,
):
    """Two coordinators open the group at version 1: the first takes a new member in, the
    second (still showing the old list) renames the group and would have dropped them."""
    group = SupervisionGroupFactory(name="Torstairyhmä")
    member = GroupMembershipFactory(group=group)
    newcomer = ExpertFactory()
    url = reverse("supervision:group_update", args=[group.pk])
    opened = coordinator_client.get(url).context["form"]["version"].value()
    assert opened == 1

    first = _group_data(group, experts=[member.expert_id, newcomer.pk], version=opened)
    assert coordinator_client.post(url, first).status_code == 302
    second = _group_data(group, name="Perjantairyhmä", experts=[member.expert_id], version=opened)
    response = coordinator_client.post(url, second, **EN)

    assert response.status_code == 200
    page = response.content.decode()
    assert STALE in page
    assert 'value="Perjantairyhmä"' in page  # what the second coordinator typed
    assert ">Torstairyhmä</a>" in page  # the breadcrumb names the group as stored
    group.refresh_from_db()
    assert (group.name, group.version) == ("Torstairyhmä", 2)
    current = group.memberships.filter(left_on__isnull=True)
    assert set(current.values_list("expert_id", flat=True)) == {member.expert_id, newcomer.pk}


def test_a_new_group_needs_no_version(coordinator_client):
    response = coordinator_client.get(reverse("supervision:group_create"))
    assert response.context["form"].fields["version"].disabled


@pytest.mark.parametrize("size", [2, 30])
def test_group_list_counts_members_in_constant_queries(
    coordinator_client, django_assert_max_num_queries, size
):
    for _ in range(size):
        group = SupervisionGroupFactory()
        GroupMembershipFactory.create_batch(2, group=group)
        GroupMembershipFactory(group=group, expert=None, professional=ProfessionalFactory())
        SupervisionSessionFactory(group=group)
    with django_assert_max_num_queries(5):  # session, user, groups, count, page
        response = coordinator_client.get(reverse("supervision:group_list"))
    first = response.context["page_obj"][0]
    assert (first.expert_count, first.professional_count, first.session_count) == (2, 1, 1)


def test_group_list_counts_each_member_and_session_once(coordinator_client):
    busy = SupervisionGroupFactory(name="Kiireinen")
    GroupMembershipFactory.create_batch(2, group=busy)
    GroupMembershipFactory(group=busy, left_on=datetime.date(2025, 1, 31))  # left: not counted
    GroupMembershipFactory(group=busy, expert=None, professional=ProfessionalFactory())
    for day in (3, 17, 10):
        SupervisionSessionFactory(group=busy, date=datetime.date(2025, 2, day))
    SupervisionGroupFactory(name="Uusi")

    response = coordinator_client.get(reverse("supervision:group_list"))

    rows = {
        group.name: (
            group.expert_count,
            group.professional_count,
            group.session_count,
            group.last_session_on,
        )
        for group in response.context["page_obj"]
    }
    assert rows == {
        "Kiireinen": (2, 1, 3, datetime.date(2025, 2, 17)),
        "Uusi": (0, 0, 0, None),
    }
    SupervisionSessionFactory(
        group=SupervisionGroupFactory(name="Vanha"), date=datetime.date(2025, 1, 8)
    )
    response = coordinator_client.get(reverse("supervision:group_list"), {"sort": "-last_session"})
    newest_first = [g.name for g in response.context["page_obj"] if g.last_session_on]
    assert newest_first == ["Kiireinen", "Vanha"]


def test_group_list_filters_by_kind(coordinator_client):
    SupervisionGroupFactory(name="Pari", kind=GroupKind.PAIR)
    SupervisionGroupFactory(name="Yhteinen", kind=GroupKind.JOINT)
    response = coordinator_client.get(reverse("supervision:group_list"), {"kind": "pair"})
    assert [g.name for g in response.context["page_obj"]] == ["Pari"]


def test_group_list_filters_by_activity_and_offers_all_not_unknown(coordinator_client):
    SupervisionGroupFactory(name="Toiminnassa", is_active=True)
    SupervisionGroupFactory(name="Päättynyt", is_active=False)
    url = reverse("supervision:group_list")
    for value, names in (("false", ["Päättynyt"]), ("true", ["Toiminnassa"]), ("", None)):
        response = coordinator_client.get(url, {"is_active": value}, **EN)
        found = sorted(g.name for g in response.context["page_obj"])
        assert found == (names or ["Päättynyt", "Toiminnassa"])
    page = response.content.decode()
    assert '<option value="" selected>All</option>' in page
    assert "Unknown" not in page


# --- sessions and attendance -------------------------------------------------------------------


def test_session_form_records_topics_and_attendance_in_one_go(coordinator_client):
    group = SupervisionGroupFactory()
    came, absent = GroupMembershipFactory.create_batch(2, group=group)
    professional = GroupMembershipFactory(
        group=group, expert=None, professional=ProfessionalFactory()
    )
    response = coordinator_client.post(
        reverse("supervision:session_create", args=[group.pk]),
        {
            "date": "2025-05-20",
            "duration_minutes": "90",
            "topics": ["1"],
            "present": [came.pk, professional.pk],
        },
    )
    assert response.status_code == 302
    session = SupervisionSession.objects.get()
    assert session.topics.count() == 1
    assert set(session.attendances.values_list("membership_id", "present")) == {
        (came.pk, True),
        (absent.pk, False),
        (professional.pk, True),
    }


def test_session_edit_changes_attendance(coordinator_client):
    attendance = AttendanceFactory(present=True)
    session = attendance.session
    response = coordinator_client.post(
        reverse("supervision:session_update", args=[session.pk]),
        {"date": "2025-03-12", "duration_minutes": "60", "present": [], "version": 1},
    )
    assert response.status_code == 302
    attendance.refresh_from_db()
    assert attendance.present is False
    session.refresh_from_db()
    assert session.version == 2


def test_second_of_two_session_edits_is_refused_and_keeps_the_first_ones_attendance(
    coordinator_client,
):
    attendance = AttendanceFactory(present=True)
    session = attendance.session
    url = reverse("supervision:session_update", args=[session.pk])
    assert coordinator_client.get(url).context["form"]["version"].value() == 1

    first = {"date": "2025-03-12", "duration_minutes": "90", "present": [], "version": 1}
    assert coordinator_client.post(url, first).status_code == 302
    second = {
        "date": "2025-03-12",
        "duration_minutes": "90",
        "facilitator": "Alustaja Aino",
        "present": [attendance.membership_id],
        "version": 1,
    }
    response = coordinator_client.post(url, second, **EN)

    assert response.status_code == 200
    page = response.content.decode()
    assert STALE in page
    assert 'value="Alustaja Aino"' in page
    attendance.refresh_from_db()
    session.refresh_from_db()
    assert (attendance.present, session.facilitator, session.version) == (False, "", 2)


def test_session_form_refuses_zero_duration_and_keeps_input(coordinator_client):
    group = SupervisionGroupFactory()
    response = coordinator_client.post(
        reverse("supervision:session_create", args=[group.pk]),
        {"date": "2025-05-20", "duration_minutes": "0", "facilitator": "Alustaja Aino"},
        **EN,
    )
    page = response.content.decode()
    assert "The duration must be between 1 minute and 24 hours." in page
    assert 'value="Alustaja Aino"' in page
    assert not SupervisionSession.objects.exists()


def test_a_zero_duration_is_said_once_at_its_field(coordinator_client):
    group = SupervisionGroupFactory()
    response = coordinator_client.post(
        reverse("supervision:session_create", args=[group.pk]),
        {"date": "2025-05-20", "duration_minutes": "0"},
        **EN,
    )
    message = "The duration must be between 1 minute and 24 hours."
    assert response.context["form"].errors == {"duration_minutes": [message]}
    page = response.content.decode()
    assert page.count(message) == 2  # in the summary, linked to the field, and at the field
    assert '<a href="#id_duration_minutes">' in page
    assert re.search(r'<input type="number" name="duration_minutes"[^>]*aria-invalid="true"', page)


def test_group_page_shows_the_attendance_rate(coordinator_client, django_assert_max_num_queries):
    group = SupervisionGroupFactory()
    member, other = GroupMembershipFactory.create_batch(2, group=group)
    for day in (1, 2):
        session = SupervisionSessionFactory(group=group, date=datetime.date(2025, 3, day))
        AttendanceFactory(session=session, membership=member, present=True)
        AttendanceFactory(session=session, membership=other, present=day == 1)
    # session, user, groups, group, members, seniority counts, series, sessions count,
    # sessions, topics, rate
    with django_assert_max_num_queries(11):
        response = coordinator_client.get(reverse("supervision:group_detail", args=[group.pk]))
    assert response.context["attendance_rate"] == 75  # 3 of 4
    assert '<dd class="col-sm-9" id="attendance-rate">75 %</dd>' in response.content.decode()


# --- coverage ----------------------------------------------------------------------------------


def worked_on(day: datetime.date, **fields):
    return ParticipationFactory(assignment=AssignmentFactory(date=day, **fields)).expert


def attended_on(expert, day: datetime.date, present: bool = True):
    AttendanceFactory(
        session__date=day, membership=GroupMembershipFactory(expert=expert), present=present
    )


def uncovered(today=TODAY) -> set:
    return set(supervision_due(today=today))


def test_coverage_lists_an_expert_who_worked_on_the_first_day_of_the_window():
    expert = worked_on(WINDOW_START)
    assert uncovered() == {expert}


def test_coverage_ignores_work_the_day_before_the_window():
    worked_on(WINDOW_START - datetime.timedelta(days=1))
    assert uncovered() == set()


def test_coverage_counts_today_and_not_tomorrow():
    today_expert = worked_on(TODAY)
    worked_on(TODAY + datetime.timedelta(days=1))
    assert uncovered() == {today_expert}


def test_coverage_ignores_cancelled_assignments():
    worked_on(TODAY, status=AssignmentStatus.CANCELLED)
    assert uncovered() == set()


def test_supervision_on_the_first_day_of_the_window_covers():
    expert = worked_on(TODAY)
    attended_on(expert, WINDOW_START)
    assert uncovered() == set()


def test_supervision_the_day_before_the_window_does_not_cover():
    expert = worked_on(TODAY)
    attended_on(expert, WINDOW_START - datetime.timedelta(days=1))
    assert uncovered() == {expert}


def test_being_absent_from_a_session_does_not_cover():
    expert = worked_on(TODAY)
    attended_on(expert, TODAY, present=False)
    assert uncovered() == {expert}


def test_coverage_page_lists_the_expert_with_dates(
    coordinator_client, django_assert_max_num_queries
):
    today = timezone.localdate()
    days_ago = lambda days: today - datetime.timedelta(days=days)  # noqa: E731
    expert = worked_on(days_ago(28))
    attended_on(expert, days_ago(120))  # before the window
    covered = worked_on(days_ago(27))
    attended_on(covered, days_ago(20))
    # session, user, groups, the targets, the experts' last attendances, the list (no COUNT),
    # its experts' groups now, the groups to offer
    with django_assert_max_num_queries(8):
        response = coordinator_client.get(reverse("supervision:coverage"))
    rows = list(response.context["page_obj"])
    assert rows == [expert]
    assert rows[0].last_assignment_on == days_ago(28)
    assert rows[0].last_supervision_on == days_ago(120)
    assert expert.full_name in response.content.decode()


def test_coverage_counts_only_the_windows_work_and_names_the_latest_dates():
    expert = worked_on(TODAY - datetime.timedelta(days=10))
    for day, status in [
        (TODAY, AssignmentStatus.PLANNED),  # planned today: counts
        (TODAY - datetime.timedelta(days=3), AssignmentStatus.CANCELLED),
        (WINDOW_START - datetime.timedelta(days=1), AssignmentStatus.DONE),  # before the window
        (TODAY + datetime.timedelta(days=1), AssignmentStatus.PLANNED),  # tomorrow
    ]:
        ParticipationFactory(expert=expert, assignment=AssignmentFactory(date=day, status=status))
    attended_on(expert, WINDOW_START - datetime.timedelta(days=40))
    attended_on(expert, WINDOW_START - datetime.timedelta(days=2))
    attended_on(expert, WINDOW_START - datetime.timedelta(days=1), present=False)

    (row,) = supervision_due(today=TODAY)

    assert row == expert
    assert row.last_assignment_on == TODAY
    assert row.last_supervision_on == WINDOW_START - datetime.timedelta(days=2)


# --- adding an expert without supervision to a group, from the coverage page -----------------


@pytest.fixture
def unsupervised():
    """An expert who worked last week and attended no supervision."""
    return worked_on(timezone.localdate() - datetime.timedelta(days=7))


def add_to_group(client, expert, group, **extra):
    data = {"expert": expert.pk, "group": group.pk} | extra
    return client.post(reverse("supervision:coverage_add_member"), data, **EN)


def test_coverage_adds_an_expert_to_a_group_and_lists_it(coordinator_client, unsupervised):
    group = SupervisionGroupFactory(name="Vertaisryhmä Kokkola")
    response = add_to_group(coordinator_client, unsupervised, group, page="1")
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:coverage") + "?page=1"
    membership = GroupMembership.objects.get(group=group, expert=unsupervised)
    assert (membership.joined_on, membership.left_on) == (timezone.localdate(), None)
    page = coordinator_client.get(response["Location"], **EN).content.decode()
    assert f"{unsupervised.full_name} is now a member of Vertaisryhmä Kokkola." in page
    row = re.search(rf"{unsupervised.full_name}</a></th>.*?</tr>", page, re.S)[0]
    assert ">Vertaisryhmä Kokkola</a>" in row  # still unsupervised, now with a group


def test_coverage_offers_only_active_groups(coordinator_client, unsupervised):
    SupervisionGroupFactory(name="Päättynyt ryhmä", is_active=False)
    SupervisionGroupFactory(name="Toimiva ryhmä")
    page = coordinator_client.get(reverse("supervision:coverage"), **EN).content.decode()
    assert ">Toimiva ryhmä</option>" in page
    assert "Päättynyt ryhmä" not in page


def test_adding_an_expert_to_an_ended_group_is_refused(coordinator_client, unsupervised):
    group = SupervisionGroupFactory(is_active=False)
    response = add_to_group(coordinator_client, unsupervised, group)
    page = coordinator_client.get(response["Location"], **EN).content.decode()
    assert "Choose a group for the expert." in page
    assert not GroupMembership.objects.exists()


def test_adding_a_current_member_again_says_so(coordinator_client, unsupervised):
    group = SupervisionGroupFactory(name="Yhteinen työnohjaus")
    GroupMembershipFactory(group=group, expert=unsupervised)
    response = add_to_group(coordinator_client, unsupervised, group)
    page = coordinator_client.get(response["Location"], **EN).content.decode()
    assert f"{unsupervised.full_name} is already a member of Yhteinen työnohjaus." in page
    assert GroupMembership.objects.count() == 1


def test_an_expert_who_left_the_group_comes_back(coordinator_client, unsupervised):
    group = SupervisionGroupFactory()
    left = GroupMembershipFactory(
        group=group,
        expert=unsupervised,
        joined_on=datetime.date(2024, 1, 1),
        left_on=datetime.date(2024, 6, 30),
    )
    add_to_group(coordinator_client, unsupervised, group)
    left.refresh_from_db()
    assert (left.joined_on, left.left_on) == (datetime.date(2024, 1, 1), None)
    assert GroupMembership.objects.count() == 1


def test_the_service_refuses_an_ended_group():
    group = SupervisionGroupFactory(name="Kevään ryhmä", is_active=False)
    with pytest.raises(ValidationError, match="The group Kevään ryhmä has ended"):
        membership_add(group=group, expert=ExpertFactory(), today=TODAY)
