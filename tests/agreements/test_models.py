import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agreements.models import AgreementStatus
from tests.factories import AgreementFactory, AssignmentFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def assert_refused(instance, message):
    """Both full_clean (what forms show) and the database itself refuse the row."""
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    assert message in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()


def test_agreement_validity_cannot_end_before_it_starts():
    agreement = AgreementFactory.build(
        valid_from=datetime.date(2025, 5, 1), valid_until=datetime.date(2025, 4, 30)
    )
    agreement.expert.save()
    agreement.division.save()
    assert_refused(agreement, "The end of validity cannot be before its start.")


def test_agreement_one_day_validity_is_allowed():
    AgreementFactory(valid_from=datetime.date(2025, 5, 1), valid_until=datetime.date(2025, 5, 1))


def test_signed_agreement_needs_signed_date():
    agreement = AgreementFactory()
    agreement.signed_on = None
    assert_refused(agreement, "A signed agreement needs the date it was signed.")


def test_draft_agreement_needs_no_signed_date():
    AgreementFactory(status=AgreementStatus.DRAFT, signed_on=None).full_clean()


@pytest.mark.parametrize("field", ["hourly_fee", "assignment_fee", "travel_compensation"])
def test_agreement_fees_cannot_be_negative(field):
    agreement = AgreementFactory()
    setattr(agreement, field, Decimal("-0.01"))
    assert_refused(agreement, "Fees and compensations cannot be negative.")


def test_agreement_number_is_unique():
    AgreementFactory(number="TS-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementFactory(number="TS-1")


@pytest.mark.parametrize("hours", [Decimal("0"), Decimal("-1")])
def test_assignment_hours_must_be_positive(hours):
    assignment = AssignmentFactory()
    assignment.hours = hours
    assert_refused(assignment, "Hours must be more than zero.")


def test_one_day_assignment_has_at_most_24_hours():
    assignment = AssignmentFactory()
    assignment.hours = Decimal("24.5")
    assert_refused(assignment, "One day has at most 24 hours.")


def test_multi_day_assignment_may_exceed_24_hours():
    AssignmentFactory(end_date=datetime.date(2025, 3, 12), hours=Decimal("30"))


def test_assignment_end_date_not_before_date():
    assignment = AssignmentFactory()
    assignment.end_date = assignment.date - datetime.timedelta(days=1)
    assert_refused(assignment, "The end date cannot be before the start date.")


def test_expert_is_on_an_assignment_once():
    participation = ParticipationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipationFactory(assignment=participation.assignment, agreement=participation.agreement)


def test_participation_own_hours_must_be_positive():
    participation = ParticipationFactory()
    participation.hours = Decimal("0")
    assert_refused(participation, "Hours must be more than zero.")


def test_worked_hours_prefer_the_experts_own():
    participation = ParticipationFactory(assignment__hours=Decimal("2"))
    assert participation.worked_hours == Decimal("2")
    participation.hours = Decimal("1.5")
    assert participation.worked_hours == Decimal("1.5")


def test_covers_only_signed_agreements_within_validity():
    agreement = AgreementFactory.build(
        valid_from=datetime.date(2025, 1, 1), valid_until=datetime.date(2025, 1, 31)
    )
    assert agreement.covers(datetime.date(2025, 1, 1))
    assert agreement.covers(datetime.date(2025, 1, 31))
    assert not agreement.covers(datetime.date(2025, 2, 1))
    agreement.status = AgreementStatus.DRAFT
    assert not agreement.covers(datetime.date(2025, 1, 15))
