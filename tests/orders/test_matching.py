"""Which experts are suggested for a request, on cases counted by hand.

The request: Monday 12.5.2025 at 10–12 in Kokkola, in Finnish, experience of mental health
(tests/orders/factories.py). Each expert below differs from a match in one way only.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import AgreementStatus
from orders.matching import Slot, suggestions
from orders.models import Mode
from payroll.models import EarningsLimit, LimitBasis
from registry.models import Expert, ExpertStatus
from registry.services import consent_withdraw
from tests.factories import AgreementFactory, AssignmentFactory, ExpertFactory, ParticipationFactory
from tests.orders.conftest import matching_expert
from tests.orders.factories import RequestFactory

pytestmark = pytest.mark.django_db


def _book(expert, day, start, hours="2.00", **fields):
    """The expert on a planned assignment under their agreement."""
    return ParticipationFactory(
        expert=expert,
        agreement=expert.agreements.get(),
        assignment=AssignmentFactory(date=day, start_time=start, hours=Decimal(hours), **fields),
    )


def _names(order) -> list[str]:
    return [s.expert.first_name for s in suggestions(order)]


@pytest.fixture
def order(mental_health):
    return RequestFactory(experience_area=mental_health)


def test_a_matching_expert_is_suggested_with_every_reason(order, mental_health):
    anna = matching_expert("Anna", mental_health)

    [suggestion] = suggestions(order)

    assert suggestion.expert == anna
    assert suggestion.reasons == [
        "Agreement TS-ANNA covers 12.5.2025",
        "Experience area Mental health, with consent",
        "Lives in Kokkola",
        "Works in Finnish",
        "Free at that time",
        "0 assignments in May 2025",
        "No earlier assignments",
    ]
    assert suggestion.warnings == ["No login: they cannot answer in Kokemus."]


def test_a_withdrawn_consent_means_no_match_by_that_area(order, mental_health, coordinator):
    anna = matching_expert("Anna", mental_health)
    bea = matching_expert("Bea", mental_health)
    consent_withdraw(consent=bea.consents.get(), by=coordinator)

    assert _names(order) == ["Anna"]
    order.experience_area = None  # no area wished: Bea matches again on everything else
    assert sorted(_names(order)) == ["Anna", "Bea"]
    assert anna.pk  # (Anna was the control)


def test_an_area_recorded_under_a_withdrawn_consent_never_counts(order, mental_health):
    """Even a row left behind (withdrawal deletes the areas; an import or a bug might not)."""
    bea = matching_expert("Bea", mental_health)
    bea.consents.update(withdrawn_at=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC))

    assert _names(order) == []


def test_an_overlapping_booking_means_no_suggestion(order, mental_health):
    matching_expert("Anna", mental_health)
    cecilia = matching_expert("Cecilia", mental_health)
    _book(cecilia, datetime.date(2025, 5, 12), datetime.time(11))  # 11–13 overlaps 10–12
    david = matching_expert("David", mental_health)
    _book(david, datetime.date(2025, 5, 12), datetime.time(13))  # 13–15: free at 10–12
    eino = matching_expert("Eino", mental_health)
    _book(eino, datetime.date(2025, 5, 12), None)  # no time given: the whole day counts
    frida = matching_expert("Frida", mental_health)
    _book(frida, datetime.date(2025, 5, 12), datetime.time(11), status="cancelled")

    assert _names(order) == ["Anna", "Frida", "David"]  # David has 1 in May, so last


def test_a_booking_over_several_days_blocks_each_of_them(order, mental_health):
    anna = matching_expert("Anna", mental_health)
    _book(anna, datetime.date(2025, 5, 11), None, end_date=datetime.date(2025, 5, 13))

    assert _names(order) == []


def test_reach_language_agreement_and_status_each_exclude(order, mental_health):
    matching_expert("Anna", mental_health)
    matching_expert("Eeva", mental_health, municipality="Kannus")
    matching_expert("Frans", mental_health, languages="sv")
    matching_expert("Fia", mental_health, languages="sv,fi")
    matching_expert("Ilkka", mental_health, status=ExpertStatus.INACTIVE)
    greta = ExpertFactory(first_name="Greta", municipality="Kokkola")
    AgreementFactory(expert=greta, status=AgreementStatus.DRAFT, signed_on=None)
    hanna = ExpertFactory(first_name="Hanna", municipality="Kokkola")
    AgreementFactory(expert=hanna, valid_until=datetime.date(2025, 4, 30))

    assert sorted(_names(order)) == ["Anna", "Fia"]
    order.mode, order.municipality = Mode.REMOTE, ""
    assert sorted(_names(order)) == ["Anna", "Eeva", "Fia"]  # remote: anyone within reach


def test_fewer_assignments_this_month_come_first_then_the_longest_wait(order, mental_health):
    anna = matching_expert("Anna", mental_health)
    bea = matching_expert("Bea", mental_health)
    cilla = matching_expert("Cilla", mental_health)
    _book(anna, datetime.date(2025, 5, 2), None)
    _book(anna, datetime.date(2025, 5, 20), None)
    _book(bea, datetime.date(2025, 5, 5), None)
    _book(cilla, datetime.date(2025, 3, 3), None)
    matching_expert("Dora", mental_health)  # never worked: waited longest of all

    found = suggestions(order)

    assert [s.expert.first_name for s in found] == ["Dora", "Cilla", "Bea", "Anna"]
    assert found[1].reasons[-2:] == ["0 assignments in May 2025", "Last assignment 3.3.2025"]
    assert found[3].reasons[-2] == "2 assignments in May 2025"


def test_the_last_assignment_counts_however_long_ago_and_not_after_the_day(order, mental_health):
    """work_of looks at the recent weeks first and further back only for who has none there."""
    anna = matching_expert("Anna", mental_health)
    bea = matching_expert("Bea", mental_health)
    _book(anna, datetime.date(2023, 1, 9), None)  # years ago
    _book(anna, datetime.date(2025, 5, 20), None)  # later in the month: counted, not "last"
    _book(bea, datetime.date(2025, 5, 2), None)
    _book(bea, datetime.date(2024, 12, 2), None)

    found = {s.expert.first_name: s for s in suggestions(order)}

    assert (found["Anna"].month_count, found["Anna"].last_date) == (1, datetime.date(2023, 1, 9))
    assert (found["Bea"].month_count, found["Bea"].last_date) == (1, datetime.date(2025, 5, 2))


def _limit(expert, monthly: str) -> EarningsLimit:
    return EarningsLimit.objects.create(
        expert=expert,
        monthly_limit=Decimal(monthly),
        basis=LimitBasis.DISABILITY_PENSION,
        consent_given_on=datetime.date(2025, 1, 1),
    )


def test_a_reached_earnings_limit_is_flagged_and_listed_last(order, mental_health):
    anna = matching_expert("Anna", mental_health)
    bea = matching_expert("Bea", mental_health)
    # The request pays 2 h × 25 € = 50 €: Anna has 49.99 € left of her limit, Bea 50.01 €.
    _limit(anna, "49.99")
    _limit(bea, "50.01")

    found = suggestions(order)

    assert [(s.expert.first_name, s.at_earnings_limit) for s in found] == [
        ("Bea", False),
        ("Anna", True),
    ]
    assert found[1].fee_cents == 5000
    assert found[1].warnings[0] == (
        "This assignment would reach their earnings limit (49.99 € left)."
    )


def test_without_a_recorded_limit_nobody_is_flagged(order, mental_health):
    matching_expert("Anna", mental_health)

    assert [s.at_earnings_limit for s in suggestions(order)] == [False]


@pytest.mark.parametrize(
    ("other", "clash"),
    [
        (Slot(datetime.date(2025, 5, 12), None, datetime.time(12), Decimal(1)), False),
        (Slot(datetime.date(2025, 5, 12), None, datetime.time(11, 59), Decimal(1)), True),
        (Slot(datetime.date(2025, 5, 12), None, datetime.time(8), Decimal(2)), False),
        (Slot(datetime.date(2025, 5, 12), None, datetime.time(8), Decimal("2.5")), True),
        (Slot(datetime.date(2025, 5, 13), None, datetime.time(10), Decimal(2)), False),
        (Slot(datetime.date(2025, 5, 12), None, None, Decimal(1)), True),
    ],
)
def test_slots_overlap_only_where_they_share_time(other, clash):
    request_slot = Slot(datetime.date(2025, 5, 12), None, datetime.time(10), Decimal(2))

    assert request_slot.overlaps(other) is clash
    assert other.overlaps(request_slot) is clash


def _many_experts(count: int, area) -> None:
    for n in range(count):
        matching_expert(f"Expert{n}", area)


@pytest.mark.parametrize("count", [10, 100])
def test_suggestions_cost_eight_queries_however_many_experts(order, mental_health, count):
    _many_experts(count, mental_health)
    _book(order_expert := matching_expert("Busy", mental_health), order.date, None)
    _limit(Expert.objects.get(first_name="Expert0"), "500.00")

    with CaptureQueriesContext(connection) as queries:
        found = suggestions(order)

    assert len(found) == count
    assert order_expert not in [s.expert for s in found]
    # candidates, their bookings, their agreements; earnings limits, the limited experts' hours
    # report lines and their unreported work (payroll.selectors.positions_of); their work's
    # counts and last dates in the recent weeks, and the last dates before them (work_of)
    assert len(queries) == 8
