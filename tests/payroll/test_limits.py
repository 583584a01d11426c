"""The earnings-limit watch on hand-counted fees: warnings from 90 % and at 100 % of a monthly
and a yearly limit, counting booked, reported and paid fees by the month of the work.

Eero works at 10.00 €/h with no per-assignment fee, so every fee is hours × 10.
"""

from decimal import Decimal

import pytest

from agreements.models import AssignmentStatus
from payroll import services
from payroll.models import EarningsLimit
from payroll.selectors import (
    booking_warnings,
    earnings_position,
    earnings_warnings,
    experts_near_limit,
    offer_fee,
    offer_warnings,
)
from tests.factories import AgreementFactory, AssignmentFactory, ExpertFactory, ParticipationFactory
from tests.payroll.conftest import TODAY, D

pytestmark = pytest.mark.django_db
MARCH = D(2025, 3, 20)
MARCH_5, MARCH_6 = D(2025, 3, 5), D(2025, 3, 6)


@pytest.fixture
def eero(coordinator):
    expert = ExpertFactory(first_name="Eero", last_name="Eläkeläinen")
    AgreementFactory(expert=expert, hourly_fee=Decimal("10.00"), assignment_fee=Decimal("0.00"))
    return expert


def _limit(expert, coordinator, *, monthly=None, yearly=None):
    return services.earnings_limit_save(
        expert=expert,
        monthly_limit=Decimal(monthly) if monthly else None,
        yearly_limit=Decimal(yearly) if yearly else None,
        basis="disability_pension",
        consent_given_on=D(2025, 1, 2),
        by=coordinator,
    )


def _booked(expert, hours, date=MARCH_5, status=AssignmentStatus.PLANNED):
    return ParticipationFactory(
        agreement=expert.agreements.get(),
        assignment=AssignmentFactory(date=date, hours=Decimal(hours), status=status),
    )


def _reported(expert, hours, date=MARCH_6, coordinator=None):
    line = services.line_submit(
        participation=_booked(expert, hours, date), hours=Decimal(hours), today=TODAY
    )
    if coordinator:
        services.lines_approve(line_ids=[line.pk], by=coordinator)
    return line


def test_the_position_sums_booked_reported_and_paid_fees_of_the_month_and_year(eero, coordinator):
    _limit(eero, coordinator, monthly="100.00", yearly="1000.00")
    _reported(eero, "20", date=D(2025, 1, 10), coordinator=coordinator)  # 200.00, paid below
    services.run_export(
        run=services.run_create(month=D(2025, 1, 1), by=coordinator, today=TODAY), by=coordinator
    )
    _booked(eero, "4.5")  # 45.00, March, planned
    _reported(eero, "3")  # 30.00, March, waiting
    _booked(eero, "2", status=AssignmentStatus.CANCELLED)  # cancelled: never counted
    _booked(eero, "7", date=D(2024, 12, 31))  # another year

    position = earnings_position(eero, MARCH)

    assert (position.month.booked, position.month.reported, position.month.paid) == (
        Decimal("45.00"),
        Decimal("30.00"),
        Decimal("0.00"),
    )
    assert (position.month.used, position.month.share) == (Decimal("75.00"), Decimal("0.750"))
    assert (position.year.booked, position.year.reported, position.year.paid) == (
        Decimal("45.00"),
        Decimal("30.00"),
        Decimal("200.00"),
    )
    assert (position.year.used, position.year.share) == (Decimal("275.00"), Decimal("0.275"))


def test_a_reported_line_replaces_the_booked_estimate(eero, coordinator):
    """Booked 4 h (40.00); she reports 3 h: 30.00 is counted, not 70.00."""
    _limit(eero, coordinator, monthly="100.00")
    participation = _booked(eero, "4")
    services.line_submit(participation=participation, hours=Decimal(3), today=TODAY)
    assert earnings_position(eero, MARCH).month.used == Decimal("30.00")


def test_no_warning_below_90_percent_of_the_monthly_limit(eero, coordinator):
    _limit(eero, coordinator, monthly="100.00")
    _booked(eero, "8.99")  # 89.90
    assert earnings_warnings(expert=eero, day=MARCH) == []
    assert earnings_position(eero, MARCH).level == "ok"


def test_a_warning_at_90_percent_of_the_monthly_limit(eero, coordinator):
    _limit(eero, coordinator, monthly="100.00")
    _booked(eero, "4.5")  # 45.00 booked
    _reported(eero, "4.5")  # 45.00 reported: 90.00 of 100.00
    assert earnings_warnings(expert=eero, day=MARCH) == [
        "Eero Eläkeläinen reaches 90 % of their monthly earnings limit: 90.00 € of 100.00 €."
    ]
    assert earnings_position(eero, MARCH).level == "near"


def test_a_warning_at_100_percent_of_the_monthly_limit(eero, coordinator):
    _limit(eero, coordinator, monthly="100.00")
    _reported(eero, "10", coordinator=coordinator)  # 100.00 approved
    assert earnings_warnings(expert=eero, day=MARCH) == [
        "Eero Eläkeläinen passes their monthly earnings limit: 100.00 € of 100.00 € (100 %)."
    ]
    assert earnings_position(eero, MARCH).level == "over"


def test_an_offer_warns_before_it_would_pass_the_monthly_limit(eero, coordinator):
    _limit(eero, coordinator, monthly="100.00")
    _booked(eero, "8")  # 80.00 booked
    assert offer_fee(expert=eero, day=MARCH, hours=Decimal(1)) == Decimal("10.00")
    assert offer_warnings(expert=eero, day=MARCH, hours=Decimal(1)) == [
        "Eero Eläkeläinen reaches 90 % of their monthly earnings limit: 90.00 € of 100.00 €."
    ]
    assert offer_warnings(expert=eero, day=MARCH, hours=Decimal(2)) == [
        "Eero Eläkeläinen passes their monthly earnings limit: 100.00 € of 100.00 € (100 %)."
    ]
    assert earnings_warnings(expert=eero, day=MARCH) == []  # nothing booked yet: no warning


def test_warnings_at_90_and_100_percent_of_the_yearly_limit(eero, coordinator):
    _limit(eero, coordinator, yearly="1000.00")
    _reported(eero, "24", date=D(2025, 1, 15), coordinator=coordinator)  # 240.00
    _reported(eero, "24", date=D(2025, 2, 15), coordinator=coordinator)  # 240.00
    services.run_export(
        run=services.run_create(month=D(2025, 2, 1), by=coordinator, today=TODAY), by=coordinator
    )  # 480.00 paid
    _reported(eero, "24", date=D(2025, 3, 15))  # 240.00 reported
    _booked(eero, "18")  # 180.00 booked: 900.00 of 1000.00
    assert earnings_warnings(expert=eero, day=D(2025, 11, 1)) == [
        "Eero Eläkeläinen reaches 90 % of their yearly earnings limit: 900.00 € of 1,000.00 €."
    ]
    _booked(eero, "10", date=D(2025, 12, 1))  # 100.00 more in December: 1000.00
    assert earnings_warnings(expert=eero, day=D(2025, 11, 1)) == [
        "Eero Eläkeläinen passes their yearly earnings limit: 1,000.00 € of 1,000.00 € (100 %)."
    ]
    assert earnings_position(eero, D(2026, 1, 1)).year.used == Decimal("0.00")  # a new year


def test_a_reversed_line_counts_once_in_the_limit(eero, coordinator):
    _limit(eero, coordinator, monthly="100.00")
    line = _reported(eero, "9", coordinator=coordinator)  # 90.00
    services.run_export(
        run=services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY), by=coordinator
    )
    line.refresh_from_db()
    services.line_correct(line=line, comment="Tunteja oli 5", by=coordinator)
    services.line_submit(participation=line.participation, hours=Decimal(5), today=TODAY)
    position = earnings_position(eero, MARCH)
    # paid 90.00; the reversal (-90.00) and the correction (50.00) wait for the next run
    assert (position.month.paid, position.month.reported, position.month.used) == (
        Decimal("90.00"),
        Decimal("-40.00"),
        Decimal("50.00"),
    )


def test_an_expert_without_a_limit_has_no_position_and_no_warning(eero):
    _booked(eero, "20")
    assert earnings_position(eero, MARCH) is None
    assert earnings_warnings(expert=eero, day=MARCH) == []


def test_a_booking_warns_of_each_expert_near_a_limit(eero, coordinator):
    _limit(eero, coordinator, monthly="100.00")
    other = ExpertFactory(first_name="Olli")
    agreement = AgreementFactory(expert=other, hourly_fee=Decimal("10.00"))
    assignment = AssignmentFactory(date=D(2025, 3, 25), hours=Decimal("9.5"))
    ParticipationFactory(assignment=assignment, agreement=eero.agreements.get())
    ParticipationFactory(assignment=assignment, agreement=agreement)
    assert booking_warnings(assignment) == [
        "Eero Eläkeläinen reaches 95 % of their monthly earnings limit: 95.00 € of 100.00 €."
    ]


def test_the_dashboard_lists_experts_within_10_percent_of_a_limit(
    eero, coordinator, django_assert_max_num_queries
):
    _limit(eero, coordinator, monthly="100.00")
    _booked(eero, "9.5")  # 95 %
    far = ExpertFactory(first_name="Kaukana")
    AgreementFactory(expert=far, hourly_fee=Decimal("10.00"))
    _limit(far, coordinator, yearly="5000.00")
    _booked(far, "10")
    over = ExpertFactory(first_name="Yli")
    AgreementFactory(expert=over, hourly_fee=Decimal("10.00"))
    _limit(over, coordinator, yearly="100.00", monthly="100.00")
    _booked(over, "12")  # 120 % of both
    # limits with their experts, their lines, their unreported participations
    with django_assert_max_num_queries(3):
        near = experts_near_limit(MARCH)
    assert [(expert.first_name, position.level) for expert, position in near] == [
        ("Yli", "over"),
        ("Eero", "near"),
    ]


@pytest.mark.parametrize(
    ("monthly", "yearly", "message"),
    [
        (None, None, "Give a monthly limit, a yearly limit or both."),
        ("0", None, "A limit must be more than zero."),
        ("900", "800", "The yearly limit cannot be below the monthly one."),
    ],
)
def test_a_limit_must_make_sense(eero, coordinator, monthly, yearly, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        _limit(eero, coordinator, monthly=monthly, yearly=yearly)
    assert message in error.value.messages


def test_the_subject_access_export_holds_the_limit_and_erasure_removes_it(eero, coordinator):
    from kokemus.privacy import expert_anonymise, expert_data_export

    _limit(eero, coordinator, monthly="900.00")
    _reported(eero, "2")
    data = expert_data_export(expert=eero, by=coordinator)
    assert data["earnings_limit"]["monthly_limit"] == "900.00"
    assert [line["hours"] for line in data["hours_reports"]] == ["2.00"]
    expert_anonymise(expert=eero, by=coordinator)
    assert not EarningsLimit.objects.exists()
