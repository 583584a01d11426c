"""Planned supervision: series of sessions from a rule, their invitations, frequency targets
measured on the coverage page, new and experienced members, topic proposals."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from notifications.models import Message
from supervision.models import (
    Attendance,
    GroupMembership,
    Seniority,
    SeriesRule,
    SessionSeries,
    TopicProposal,
    Weekday,
)
from supervision.selectors import supervision_due
from supervision.services import series_dates, series_end, series_save
from tests.factories import (
    AssignmentFactory,
    AttendanceFactory,
    ExpertFactory,
    GroupMembershipFactory,
    ParticipationFactory,
    ProfessionalFactory,
    SupervisionGroupFactory,
    SupervisionSessionFactory,
    TopicProposalFactory,
)

pytestmark = pytest.mark.django_db
EN = {"headers": {"accept-language": "en"}}
MONDAY = datetime.date(2025, 3, 3)


def d(month: int, day: int) -> datetime.date:
    return datetime.date(2025, month, day)


def _series(group=None, **fields) -> SessionSeries:
    values = {
        "group": group or SupervisionGroupFactory(),
        "weekday": Weekday.TUESDAY,
        "interval_weeks": 4,
        "start_time": datetime.time(14, 0),
        "first_date": MONDAY,
        "count": 4,
        "location": "Neuvotteluhuone 2",
    } | fields
    return SessionSeries(**values)


def _dates(series: SessionSeries) -> list[datetime.date]:
    return list(series.sessions.order_by("date").values_list("date", flat=True))


# --- the rule ------------------------------------------------------------------------------


def test_every_fourth_tuesday_from_a_monday():
    # 3.3.2025 is a Monday: the first Tuesday is 4.3., then every 28 days
    assert series_dates(_series()) == [d(3, 4), d(4, 1), d(4, 29), d(5, 27)]


def test_a_last_date_ends_the_rule_and_is_included():
    series = _series(count=None, last_date=d(4, 29))
    assert series_dates(series) == [d(3, 4), d(4, 1), d(4, 29)]


def test_monthly_on_the_second_tuesday_and_on_the_last_friday():
    second_tuesday = _series(rule=SeriesRule.MONTHLY, nth=2, count=3, first_date=d(3, 1))
    # March 2025: Tuesdays 4 and 11; April 1 and 8; May 6 and 13
    assert series_dates(second_tuesday) == [d(3, 11), d(4, 8), d(5, 13)]
    last_friday = _series(
        rule=SeriesRule.MONTHLY, nth=-1, weekday=Weekday.FRIDAY, count=2, first_date=d(3, 1)
    )
    assert series_dates(last_friday) == [d(3, 28), d(4, 25)]


def test_a_series_of_more_than_26_sessions_is_refused():
    weekly_for_a_year = _series(interval_weeks=1, count=None, last_date=d(12, 31))
    with pytest.raises(ValidationError, match="more than 26 sessions"):
        series_save(series=weekly_for_a_year, today=MONDAY)
    assert not SessionSeries.objects.exists()


def test_a_series_needs_an_end_and_an_interval_of_1_to_8_weeks():
    with pytest.raises(ValidationError) as error:
        series_save(series=_series(count=None, interval_weeks=9), today=MONDAY)
    assert set(error.value.message_dict) == {"last_date", "interval_weeks"}


# --- making, changing and ending the sessions -----------------------------------------------


def test_setting_up_a_series_makes_its_sessions_with_time_and_place():
    series = series_save(series=_series(), today=MONDAY)
    assert _dates(series) == [d(3, 4), d(4, 1), d(4, 29), d(5, 27)]
    session = series.sessions.first()
    assert (session.start_time, session.duration_minutes, session.location) == (
        datetime.time(14, 0),
        90,
        "Neuvotteluhuone 2",
    )
    assert session.group == series.group


def test_a_series_that_began_earlier_makes_only_the_coming_sessions():
    series = series_save(series=_series(), today=d(4, 1))
    assert _dates(series) == [d(4, 1), d(4, 29), d(5, 27)]


def test_a_change_moves_only_coming_sessions_without_attendance_with_their_proposals():
    series = series_save(series=_series(), today=MONDAY)
    recorded = series.sessions.get(date=d(4, 29))
    AttendanceFactory(session=recorded)
    moved = series.sessions.get(date=d(5, 27))
    proposal = TopicProposalFactory(session=moved)

    series.weekday = Weekday.THURSDAY  # every fourth Thursday from 6.3.: 6.3., 3.4., 1.5., 29.5.
    series_save(series=series, today=d(4, 10), expected_version=1)

    # held (4.3., 1.4.) and recorded (29.4.) stay; 27.5. moves to 1.5.; 29.5. is new
    assert _dates(series) == [d(3, 4), d(4, 1), d(4, 29), d(5, 1), d(5, 29)]
    proposal.refresh_from_db()
    assert proposal.session.date == d(5, 1)
    assert proposal.session.pk == moved.pk


def test_ending_a_series_removes_its_coming_sessions_without_attendance():
    series = series_save(series=_series(), today=MONDAY)
    AttendanceFactory(session=series.sessions.get(date=d(4, 29)))
    series_end(series=series, today=d(4, 10), expected_version=1)
    assert _dates(series) == [d(3, 4), d(4, 1), d(4, 29)]
    series.refresh_from_db()
    assert (series.last_date, series.count) == (d(4, 10), None)
    assert Attendance.objects.count() == 1


def test_a_stale_series_form_is_refused():
    series = series_save(series=_series(), today=MONDAY)
    series_save(series=series, today=MONDAY, expected_version=1)
    with pytest.raises(ValidationError, match="Someone else saved this"):
        series_save(series=series, today=MONDAY, expected_version=1)


# --- invitations -----------------------------------------------------------------------------


def test_each_expert_member_with_an_e_mail_gets_the_dates_with_a_calendar_invitation():
    group = SupervisionGroupFactory(name="Tiistairyhmä")
    invited = GroupMembershipFactory(group=group, expert=ExpertFactory(email="a@example.fi"))
    GroupMembershipFactory(group=group, expert=ExpertFactory(email=""))
    GroupMembershipFactory(
        group=group, expert=ExpertFactory(email="left@example.fi"), left_on=d(2, 1)
    )
    GroupMembership.objects.create(group=group, professional=ProfessionalFactory())

    series = series_save(series=_series(group), today=MONDAY)

    [message] = Message.objects.all()
    assert message.to == invited.expert.email
    assert message.subject == "Työnohjauskerrat: Tiistairyhmä"
    assert "ti 4.3.2025 klo 14.00, Neuvotteluhuone 2" in message.text
    assert "ti 27.5.2025" in message.text
    assert message.ics_method == "REQUEST"
    assert message.ics.count("BEGIN:VEVENT") == 4
    first = series.sessions.order_by("date").first()
    assert f"UID:supervision-{first.pk}@kokemus" in message.ics

    series.location = "Etäyhteys"
    series_save(series=series, today=MONDAY, expected_version=1)  # a change: the dates again
    assert Message.objects.filter(to=invited.expert.email).count() == 2
    assert "SEQUENCE:2" in Message.objects.latest("pk").ics


def _removal_cancellations(member) -> list[Message]:
    return list(Message.objects.filter(to=member.expert.email, ics_method="CANCEL"))


def test_sessions_a_change_removes_are_cancelled_in_the_members_calendars():
    group = SupervisionGroupFactory(name="Tiistairyhmä")
    member = GroupMembershipFactory(group=group, expert=ExpertFactory(email="a@example.fi"))
    series = series_save(series=_series(group), today=MONDAY)
    last_two = list(series.sessions.order_by("date")[2:])

    series.count = 2
    series_save(series=series, today=MONDAY, expected_version=1)
    series_save(series=series, today=MONDAY, expected_version=2)  # nothing more removed

    [cancel] = _removal_cancellations(member)
    assert cancel.subject == "Työnohjauskerrat peruttu: Tiistairyhmä"
    assert "ti 29.4.2025" in cancel.text and "ti 27.5.2025" in cancel.text
    assert "4.3.2025" not in cancel.text
    assert cancel.ics.count("BEGIN:VEVENT") == 2 and "METHOD:CANCEL" in cancel.ics
    for session in last_two:
        assert f"UID:supervision-{session.pk}@kokemus" in cancel.ics
    assert "SEQUENCE:2" in cancel.ics


def test_ending_a_series_cancels_its_coming_sessions():
    group = SupervisionGroupFactory()
    member = GroupMembershipFactory(group=group, expert=ExpertFactory(email="a@example.fi"))
    series = series_save(series=_series(group), today=MONDAY)

    series_end(series=series, today=d(4, 10), expected_version=1)

    [cancel] = _removal_cancellations(member)
    assert cancel.ics.count("BEGIN:VEVENT") == 2  # 29.4. and 27.5.; 4.3. and 1.4. are past
    assert "ti 29.4.2025" in cancel.text


# --- frequency targets and coverage ----------------------------------------------------------

TODAY = d(6, 30)


RECENTLY = d(6, 20)


def _worker(day=RECENTLY):
    return ParticipationFactory(assignment=AssignmentFactory(date=day)).expert


def _member(expert, group, *, attended=None, own_weeks=None):
    membership = GroupMembershipFactory(group=group, expert=expert, target_interval_weeks=own_weeks)
    if attended:
        AttendanceFactory(membership=membership, session__group=group, session__date=attended)
    return membership


def _due():
    return {expert: (expert.target_days, expert.due_on) for expert in supervision_due(today=TODAY)}


def test_a_four_week_target_is_met_by_a_session_28_days_ago_and_not_29():
    group = SupervisionGroupFactory(target_interval_weeks=4)
    on_time = _worker()
    _member(on_time, group, attended=d(6, 2))  # 28 days before 30.6.: due today
    late = _worker()
    _member(late, group, attended=d(6, 1))  # 29 days: due 29.6., yesterday
    assert _due() == {late: (28, d(6, 29))}


def test_the_strictest_target_of_an_experts_groups_applies():
    expert = _worker()
    _member(expert, SupervisionGroupFactory(target_interval_weeks=12), attended=d(5, 20))
    _member(expert, SupervisionGroupFactory(target_interval_weeks=4))
    # 20.5. + 28 days = 17.6.; the 12-week group alone would be content until 12.8.
    assert _due() == {expert: (28, d(6, 17))}


def test_a_members_own_target_overrides_the_groups():
    expert = _worker()
    _member(
        expert, SupervisionGroupFactory(target_interval_weeks=12), attended=d(6, 15), own_weeks=2
    )
    assert _due() == {expert: (14, d(6, 29))}  # 15.6. + 14 days


def test_an_ended_group_sets_no_target():
    expert = _worker()
    _member(
        expert, SupervisionGroupFactory(target_interval_weeks=1, is_active=False), attended=d(6, 1)
    )
    assert _due() == {}  # the default 90 days: 1.6. is recent enough


@override_settings(SUPERVISION_TARGET_DAYS=30)
def test_without_a_target_the_default_setting_applies():
    expert = _worker()
    _member(expert, SupervisionGroupFactory(), attended=d(5, 30))  # 31 days ago
    assert _due() == {expert: (30, d(6, 29))}


def test_work_before_the_experts_own_target_does_not_list_them():
    expert = _worker(day=d(5, 1))  # 60 days ago: within the default, not within 4 weeks
    _member(expert, SupervisionGroupFactory(target_interval_weeks=4))
    assert _due() == {}


def test_the_overdue_come_first_never_attended_first_and_the_rest_only_when_asked():
    group = SupervisionGroupFactory(target_interval_weeks=4)
    fine = _worker()
    _member(fine, group, attended=d(6, 25))
    a_little = _worker()
    _member(a_little, group, attended=d(5, 31))
    long_ago = _worker()
    _member(long_ago, group, attended=d(4, 1))
    never = _worker()
    _member(never, group)
    assert supervision_due(today=TODAY) == [never, long_ago, a_little]
    everyone = supervision_due(today=TODAY, overdue_only=False)
    assert everyone == [never, long_ago, a_little, fine]
    assert [e.is_overdue for e in everyone] == [True, True, True, False]


@time_machine.travel(datetime.datetime(2025, 6, 30, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_coverage_page_shows_targets_and_due_dates(
    client, coordinator, django_assert_max_num_queries
):
    group = SupervisionGroupFactory(target_interval_weeks=4)
    for _ in range(3):
        _member(_worker(), group, attended=d(5, 1))
    ok = _worker()
    _member(ok, group, attended=d(6, 25))
    client.force_login(coordinator)
    # as test_views' coverage page: session, user, groups, the targets, the last attendances,
    # the list, its experts' groups now, the groups to offer
    with django_assert_max_num_queries(8):
        response = client.get(reverse("supervision:coverage"), {"show": "all"}, **EN)
    rows = list(response.context["page_obj"])
    assert len(rows) == 4 and rows[-1] == ok
    page = response.content.decode()
    assert "overdue" in page and "29.05.2025" not in page


# --- new and experienced members -------------------------------------------------------------


def test_group_page_counts_and_filters_new_and_experienced_members(client, coordinator):
    group = SupervisionGroupFactory()
    GroupMembershipFactory(group=group, seniority=Seniority.NEW, expert__last_name="Uusinen")
    GroupMembershipFactory(group=group, seniority=Seniority.NEW, expert__last_name="Uusimaa")
    GroupMembershipFactory(
        group=group, seniority=Seniority.EXPERIENCED, expert__last_name="Konkari"
    )
    GroupMembershipFactory(group=group, expert__last_name="Merkitsemätön")
    client.force_login(coordinator)
    url = reverse("supervision:group_detail", args=[group.pk])
    page = client.get(url, **EN).content.decode()
    assert "Current members: 2 new, 1 experienced, 1 not marked." in page
    filtered = client.get(url, {"seniority": "experienced"}, **EN)
    assert [m.expert.last_name for m in filtered.context["members"]] == ["Konkari"]
    unmarked = client.get(url, {"seniority": "unmarked"}, **EN)
    assert [m.expert.last_name for m in unmarked.context["members"]] == ["Merkitsemätön"]
    odd = client.get(url, {"seniority": "<odd>"}, **EN)
    assert len(odd.context["members"]) == 4


def test_coordinator_marks_a_member_and_sets_their_own_target(client, coordinator):
    membership = GroupMembershipFactory()
    client.force_login(coordinator)
    url = reverse("supervision:membership_update", args=[membership.pk])
    data = {"seniority": "new", "version": membership.version}
    response = client.post(url, data | {"target_interval_weeks": "99"}, **EN)
    assert response.status_code == 200  # more than 52 weeks
    response = client.post(url, data | {"target_interval_weeks": "6"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.seniority, membership.target_interval_weeks) == ("new", 6)


def test_the_second_of_two_member_edits_is_refused(client, coordinator):
    membership = GroupMembershipFactory()
    client.force_login(coordinator)
    url = reverse("supervision:membership_update", args=[membership.pk])
    opened = client.get(url).context["form"]["version"].value()
    client.post(url, {"seniority": "new", "target_interval_weeks": "6", "version": opened})

    response = client.post(
        url, {"seniority": "experienced", "target_interval_weeks": "", "version": opened}, **EN
    )

    assert response.status_code == 200
    assert "Someone else saved this while you were editing it" in response.content.decode()
    membership.refresh_from_db()
    assert (membership.seniority, membership.target_interval_weeks) == ("new", 6)


def test_a_professional_member_has_no_own_target(client, coordinator):
    membership = GroupMembership.objects.create(
        group=SupervisionGroupFactory(), professional=ProfessionalFactory()
    )
    client.force_login(coordinator)
    url = reverse("supervision:membership_update", args=[membership.pk])
    form = client.get(url).context["form"]
    assert "target_interval_weeks" not in form.fields


# --- the supervisor as a person --------------------------------------------------------------


def test_a_new_supervisor_is_a_professional_reused_by_name_with_their_experience(
    client, coordinator
):
    known = ProfessionalFactory(first_name="Raija", last_name="Rinne")
    client.force_login(coordinator)
    response = client.post(
        reverse("supervision:group_create"),
        {
            "name": "Uusi ryhmä",
            "kind": "joint",
            "new_supervisor": "raija RINNE",
            "supervisor_experience": "Vertaisohjaaja vuodesta 2015.",
            "target_interval_weeks": "8",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    known.refresh_from_db()
    assert known.supervised_groups.get().target_interval_weeks == 8
    assert known.peer_work_experience == "Vertaisohjaaja vuodesta 2015."
    page = client.get(response["Location"], **EN).content.decode()
    assert "Vertaisohjaaja vuodesta 2015." in page


def _group_form(client, url, **fields):
    """The group form as the page shows it, with the coordinator's changes."""
    form = client.get(url).context["form"]
    data = {name: value for name in form.fields if (value := form[name].value()) not in (None, [])}
    data["is_active"] = "on" if data.get("is_active") else ""
    return client.post(url, data | fields)


def test_a_new_group_with_a_known_supervisor_keeps_their_experience(client, coordinator):
    known = ProfessionalFactory(peer_work_experience="Vertaisohjaaja vuodesta 2015.")
    client.force_login(coordinator)

    response = _group_form(
        client,
        reverse("supervision:group_create"),
        name="Uusi ryhmä",
        kind="joint",
        supervisor=known.pk,
        target_interval_weeks="8",
    )

    assert response.status_code == 302
    known.refresh_from_db()
    assert known.peer_work_experience == "Vertaisohjaaja vuodesta 2015."


def test_a_new_supervisor_of_a_known_name_keeps_their_experience(client, coordinator):
    known = ProfessionalFactory(
        first_name="Raija", last_name="Rinne", peer_work_experience="Ohjannut ryhmiä."
    )
    group = SupervisionGroupFactory(supervisor=ProfessionalFactory(peer_work_experience="X:n"))
    client.force_login(coordinator)

    response = _group_form(
        client,
        reverse("supervision:group_update", args=[group.pk]),
        supervisor="",
        new_supervisor="Raija Rinne",
    )

    assert response.status_code == 302
    known.refresh_from_db()
    assert known.supervised_groups.get() == group
    assert known.peer_work_experience == "Ohjannut ryhmiä."


def test_switching_supervisor_keeps_each_ones_experience_unless_edited(client, coordinator):
    first = ProfessionalFactory(peer_work_experience="Ensimmäisen kokemus.")
    second = ProfessionalFactory(peer_work_experience="Toisen kokemus.")
    group = SupervisionGroupFactory(supervisor=first)
    url = reverse("supervision:group_update", args=[group.pk])
    client.force_login(coordinator)

    assert _group_form(client, url, supervisor=second.pk).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.peer_work_experience == "Ensimmäisen kokemus."
    assert second.peer_work_experience == "Toisen kokemus."

    _group_form(client, url, supervisor_experience="Toisen uusi kuvaus.")  # edited: recorded
    second.refresh_from_db()
    assert second.peer_work_experience == "Toisen uusi kuvaus."


# --- topic proposals -------------------------------------------------------------------------


@pytest.fixture
def alices_group(expert_alice):
    group = SupervisionGroupFactory(name="Alicen ryhmä")
    GroupMembershipFactory(group=group, expert=expert_alice.expert)
    return group


@time_machine.travel(datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_an_expert_proposes_a_topic_and_sees_the_others_by_first_name(
    client, expert_alice, alices_group
):
    session = SupervisionSessionFactory(group=alices_group, date=d(3, 4))
    other = GroupMembershipFactory(
        group=alices_group, expert__first_name="Kaisa", expert__last_name="Kuusisto"
    )
    TopicProposalFactory(session=session, proposed_by=other.expert, text="Jaksaminen")
    client.force_login(expert_alice)
    url = reverse("portal:session_topics", args=[session.pk])
    assert client.post(url, {"text": "  Omat rajat  "}).status_code == 302
    proposal = TopicProposal.objects.get(proposed_by=expert_alice.expert)
    assert proposal.text == "Omat rajat"
    page = client.get(url, **EN).content.decode()
    assert "Jaksaminen" in page and "Kaisa" in page and "Kuusisto" not in page
    assert "Omat rajat" in page
    listed = client.get(reverse("portal:supervision")).content.decode()
    assert url in listed


@time_machine.travel(datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_past_sessions_others_groups_and_a_group_left_answer_404(
    client, expert_alice, alices_group
):
    past = SupervisionSessionFactory(group=alices_group, date=d(3, 2))
    others = SupervisionSessionFactory(date=d(3, 4))
    left_group = SupervisionGroupFactory()
    GroupMembershipFactory(group=left_group, expert=expert_alice.expert, left_on=d(2, 1))
    left = SupervisionSessionFactory(group=left_group, date=d(3, 4))
    client.force_login(expert_alice)
    for session in (past, others, left):
        url = reverse("portal:session_topics", args=[session.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"text": "x"}).status_code == 404
    assert not TopicProposal.objects.exists()


def test_an_empty_proposal_is_refused_with_a_message(client, expert_alice, alices_group):
    session = SupervisionSessionFactory(group=alices_group, date=datetime.date(2100, 1, 1))
    client.force_login(expert_alice)
    url = reverse("portal:session_topics", args=[session.pk])
    response = client.post(url, {"text": "   "}, **EN)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_coordinator_sees_proposals_with_full_names_and_marks_one_taken_up(client, coordinator):
    proposal = TopicProposalFactory(
        proposed_by__first_name="Kaisa", proposed_by__last_name="Kuusisto"
    )
    client.force_login(coordinator)
    page = client.get(reverse("supervision:session_update", args=[proposal.session_id]), **EN)
    assert "Kaisa Kuusisto" in page.content.decode()
    response = client.post(reverse("supervision:proposal_take_up", args=[proposal.pk]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.taken_up
    client.post(reverse("supervision:proposal_take_up", args=[proposal.pk]), {"taken_up": "0"})
    proposal.refresh_from_db()
    assert not proposal.taken_up


def test_portal_supervision_page_queries_do_not_grow_with_sessions(
    client, expert_alice, alices_group, django_assert_max_num_queries
):
    for day in range(1, 10):
        SupervisionSessionFactory(group=alices_group, date=datetime.date(2100, 1, day))
    client.force_login(expert_alice)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("portal:supervision"))
    assert len(response.context["coming"]) == 6
