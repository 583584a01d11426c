"""The one definition of a fee (agreements.fees), on hand-counted participations."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from agreements.fees import euros, fee_cents, paid_fee_cents
from agreements.models import AssignmentStatus, Participation
from tests.factories import AgreementFactory, AssignmentFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def _participation(*, hours, hourly, per_assignment="0.00", own=None, status="done"):
    agreement = AgreementFactory(hourly_fee=Decimal(hourly), assignment_fee=Decimal(per_assignment))
    assignment = AssignmentFactory(hours=Decimal(hours), status=status)
    own_hours = Decimal(own) if own else None
    return ParticipationFactory(assignment=assignment, agreement=agreement, hours=own_hours)


def _fee(participation, expression) -> Decimal:
    cents = (
        Participation.objects.filter(pk=participation.pk)
        .annotate(fee=expression)
        .values_list("fee", flat=True)
        .get()
    )
    return euros(cents)


@pytest.mark.parametrize(
    ("hours", "hourly", "per_assignment", "expected"),
    [
        ("2.00", "25.00", "0.00", "50.00"),
        ("1.25", "12.34", "0.00", "15.43"),  # 15.425 rounds half up
        ("0.33", "10.05", "0.00", "3.32"),  # 3.3165
        ("1.15", "15.00", "0.00", "17.25"),  # 1.15 is not exact as a float
        ("1.50", "20.00", "35.00", "65.00"),  # plus the per-assignment fee
        ("0.10", "0.05", "0.00", "0.01"),  # 0.005 rounds up to a cent
        ("0.10", "0.04", "0.00", "0.00"),  # 0.004 rounds down
    ],
)
def test_fee_is_hours_times_hourly_fee_plus_per_assignment_fee_to_the_cent(
    hours, hourly, per_assignment, expected
):
    participation = _participation(hours=hours, hourly=hourly, per_assignment=per_assignment)

    assert _fee(participation, fee_cents()) == Decimal(expected)


def test_fee_counts_the_experts_own_hours_where_recorded():
    participation = _participation(hours="3.00", hourly="20.00", own="1.50")

    assert _fee(participation, fee_cents()) == Decimal("30.00")


@pytest.mark.parametrize("status", [AssignmentStatus.PLANNED, AssignmentStatus.CANCELLED])
def test_only_a_done_assignment_is_paid(status):
    participation = _participation(hours="2.00", hourly="25.00", status=status)

    assert _fee(participation, paid_fee_cents()) == Decimal("0.00")


def test_a_sum_rounds_each_participation_first():
    for _ in range(3):  # 3 × 15.425 would be 46.275 → 46.28; per participation 3 × 15.43
        _participation(hours="1.25", hourly="12.34")

    total = Participation.objects.aggregate(total=Sum(fee_cents()))["total"]

    assert euros(total) == Decimal("46.29")
