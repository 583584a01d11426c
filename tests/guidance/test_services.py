"""The steps of a period, and its meetings as the guide's assignments under the usual rules."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from agreements.models import AssignmentStatus
from guidance import services
from guidance.models import Meeting, Outcome, PeriodStatus, Place
from tests.factories import ExpertFactory
from tests.guidance.conftest import covered_guide
from tests.guidance.factories import PeriodFactory, meeting, started_period

pytestmark = pytest.mark.django_db


def test_the_start_meeting_starts_the_period_with_its_goals_and_an_assignment(
    frozen_clock, mental_health_service
):
    guide = covered_guide()
    period = started_period(guide=guide, service_area=mental_health_service, client_code="KO-7")
    assert period.status == PeriodStatus.ONGOING
    assert period.started_on == datetime.date(2025, 3, 10)
    assert [goal.text for goal in period.goals.order_by("position")] == ["Arjen rytmi", "Asiointi"]
    start = period.meetings.get()
    assignment = start.assignment
    assert start.is_start
    assert assignment.type.code == "experience_guidance"
    assert assignment.service_area == mental_health_service
    assert assignment.status == AssignmentStatus.DONE  # its day is behind us
    assert assignment.hours == Decimal("1.50")
    assert "KO-7" not in assignment.title + assignment.location + assignment.description
    participation = assignment.participations.get()
    assert participation.expert == guide
    assert participation.agreement == guide.agreements.get()


def test_a_guide_without_a_covering_agreement_cannot_record_a_meeting(frozen_clock):
    period = PeriodFactory(guide=ExpertFactory(first_name="Ulla", last_name="Ulkona"))
    start = Meeting(date=datetime.date(2025, 3, 10), hours=Decimal(1), place=Place.REMOTE)
    with pytest.raises(ValidationError) as refusal:
        services.period_start(period=period, meeting=start, goals=["Arki"])
    assert "Ulla Ulkona has no signed agreement that covers" in str(refusal.value)
    period.refresh_from_db()
    assert period.status == PeriodStatus.REFERRED  # nothing half-written
    assert not period.goals.exists()


@pytest.mark.parametrize("goals", [[], ["  "], ["1", "2", "3", "4", "5", "6"]])
def test_one_to_five_goals(goals, frozen_clock):
    period = PeriodFactory(guide=covered_guide())
    start = Meeting(date=datetime.date(2025, 3, 10), hours=Decimal(1), place=Place.HOME)
    with pytest.raises(ValidationError, match="one to 5 goals"):
        services.period_start(period=period, meeting=start, goals=goals)


def test_a_meeting_is_an_assignment_and_its_correction_moves_it(frozen_clock):
    period = started_period(guide=covered_guide())
    later = meeting(period, datetime.date(2025, 7, 1))
    assert later.assignment.status == AssignmentStatus.PLANNED  # not yet come
    later.date, later.hours = datetime.date(2025, 4, 2), Decimal("3.00")
    services.meeting_save(period=period, meeting=later)
    later.assignment.refresh_from_db()
    assert (later.assignment.date, later.assignment.hours) == (datetime.date(2025, 4, 2), 3)
    assert later.assignment.status == AssignmentStatus.DONE
    assert period.meetings.count() == 2


def test_hours_follow_the_assignments_rules_at_the_meetings_duration(frozen_clock):
    period = started_period(guide=covered_guide())
    long = Meeting(date=datetime.date(2025, 4, 1), hours=Decimal(25), place=Place.HOME)
    with pytest.raises(ValidationError) as refusal:
        services.meeting_save(period=period, meeting=long)
    assert refusal.value.message_dict == {"hours": ["One day has at most 24 hours."]}


def test_the_end_records_an_outcome_per_goal_and_a_closing_note(frozen_clock):
    period = started_period(guide=covered_guide())
    first, second = period.goals.order_by("position")
    with pytest.raises(ValidationError, match="every goal its outcome"):
        services.period_end(
            period=period,
            ended_on=datetime.date(2025, 5, 1),
            outcomes={first.pk: Outcome.REACHED},
            closing_note="",
        )
    services.period_end(
        period=period,
        ended_on=datetime.date(2025, 5, 1),
        outcomes={first.pk: Outcome.REACHED, second.pk: Outcome.PARTLY},
        closing_note="Hyvä jakso.",
    )
    period.refresh_from_db()
    assert (period.status, period.ended_on) == (PeriodStatus.ENDED, datetime.date(2025, 5, 1))
    assert list(period.goals.values_list("outcome", flat=True)) == ["reached", "partly"]
    with pytest.raises(ValidationError, match="ongoing"):
        meeting(period, datetime.date(2025, 5, 2))


def test_a_form_opened_before_another_save_is_refused(frozen_clock):
    period = started_period(guide=covered_guide())
    opened = period.version
    meeting(period, datetime.date(2025, 4, 1))  # someone saved meanwhile
    late = Meeting(date=datetime.date(2025, 4, 8), hours=Decimal(1), place=Place.HOME)
    with pytest.raises(ValidationError, match="Someone else saved"):
        services.meeting_save(period=period, meeting=late, expected_version=opened)


def test_moving_the_start_meeting_moves_the_start_but_not_past_another_meeting(frozen_clock):
    period = started_period(guide=covered_guide())
    start = period.meetings.get()
    meeting(period, datetime.date(2025, 3, 20))
    start.date = datetime.date(2025, 3, 5)
    services.meeting_save(period=period, meeting=start)
    period.refresh_from_db()
    assert period.started_on == datetime.date(2025, 3, 5)
    start.date = datetime.date(2025, 3, 25)
    with pytest.raises(ValidationError, match="cannot be after another meeting"):
        services.meeting_save(period=period, meeting=start)
