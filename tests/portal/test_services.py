import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from agreements.models import AssignmentStatus
from portal.models import CalendarToken
from portal.services import (
    calendar_token_regenerate,
    calendar_token_revoke,
    participation_report_done,
)
from registry.models import ExpertExperience
from registry.services import consent_withdraw
from tests.factories import (
    AssignmentFactory,
    ExpertExperienceFactory,
    ExpertFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 6, 1)


def test_report_done_stores_hours_and_marks_assignment_done(alice_participation):
    participation_report_done(participation=alice_participation, hours=Decimal("3.5"), today=TODAY)
    alice_participation.refresh_from_db()
    assert alice_participation.hours == Decimal("3.50")
    assert alice_participation.assignment.status == AssignmentStatus.DONE


def test_report_done_refuses_future_assignment(alice_participation):
    with pytest.raises(ValidationError) as error:
        participation_report_done(
            participation=alice_participation, hours=Decimal(2), today=datetime.date(2025, 3, 9)
        )
    assert error.value.messages == ["An assignment in the future cannot be marked done yet."]
    alice_participation.refresh_from_db()
    assert alice_participation.hours is None


@pytest.mark.parametrize("status", [AssignmentStatus.DONE, AssignmentStatus.CANCELLED])
def test_report_done_refuses_assignment_that_is_not_planned(alice_participation, status):
    alice_participation.assignment.status = status
    alice_participation.assignment.save()
    with pytest.raises(ValidationError) as error:
        participation_report_done(participation=alice_participation, hours=Decimal(2), today=TODAY)
    assert error.value.messages == [
        f"Only a planned assignment can be marked done; this one is {status.label}."
    ]


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (Decimal(0), "Hours must be more than zero."),
        (Decimal("-1"), "Hours must be more than zero."),
        (Decimal("24.01"), "One day has at most 24 hours."),
    ],
)
def test_report_done_refuses_hours_outside_one_day(alice_participation, hours, message):
    with pytest.raises(ValidationError) as error:
        participation_report_done(participation=alice_participation, hours=hours, today=TODAY)
    assert error.value.message_dict == {"hours": [message]}  # as the coordinator's form says
    alice_participation.refresh_from_db()
    assert alice_participation.hours is None


def test_report_done_allows_24_hours_a_day_over_several_days(alice_agreement):
    participation = ParticipationFactory(
        agreement=alice_agreement,
        assignment=AssignmentFactory(
            date=datetime.date(2025, 3, 10), end_date=datetime.date(2025, 3, 11)
        ),
    )
    participation_report_done(participation=participation, hours=Decimal(48), today=TODAY)
    participation.refresh_from_db()
    assert participation.hours == Decimal("48.00")


def test_consent_withdraw_deletes_experience_rows_and_keeps_the_record(coordinator):
    experience = ExpertExperienceFactory()
    other = ExpertExperienceFactory(consent__expert=ExpertFactory())
    consent = consent_withdraw(consent=experience.consent, by=coordinator)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert list(ExpertExperience.objects.all()) == [other]


def test_consent_withdraw_refuses_twice(coordinator):
    consent = ExpertExperienceFactory().consent
    consent_withdraw(consent=consent, by=coordinator)
    with pytest.raises(ValidationError) as error:
        consent_withdraw(consent=consent, by=coordinator)
    assert error.value.messages == ["This consent has already been withdrawn."]


def test_calendar_token_regenerate_replaces_the_old_token(expert_alice):
    first = calendar_token_regenerate(expert=expert_alice.expert)
    second = calendar_token_regenerate(expert=expert_alice.expert)
    assert first.token != second.token
    assert len(second.token) >= 40
    assert list(CalendarToken.objects.values_list("token", flat=True)) == [second.token]


def test_calendar_token_revoke(expert_alice):
    calendar_token_regenerate(expert=expert_alice.expert)
    assert calendar_token_revoke(expert=expert_alice.expert) is True
    assert calendar_token_revoke(expert=expert_alice.expert) is False
    assert not CalendarToken.objects.exists()
