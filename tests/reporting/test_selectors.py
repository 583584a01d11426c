"""monthly_figures against hand-counted data (tests/reporting/conftest.py)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from agreements.models import AssignmentStatus
from registry.models import ServiceArea
from reporting.exports import as_json
from reporting.selectors import monthly_figures
from tests.factories import AgreementFactory, AssignmentFactory, ParticipationFactory

pytestmark = pytest.mark.django_db
# The months as kept (reporting/months.py): in a test's transaction on PostgreSQL the pending
# raise of the versions first, the months' versions, the kept months; then types and service
# areas.
KEPT_FIGURE_QUERIES = (connection.vendor == "postgresql") + 2 + 2
# With months counted again: the assignment groups, the people reached, every other figure in
# one statement, the feedback's four (feedback.selectors.feedback_counts), then keeping them.
FIGURE_QUERIES = KEPT_FIGURE_QUERIES + 3 + 4 + 1


def month(figures, number):
    return figures.months[number - 1]


def test_new_agreements_count_by_signed_date_and_skip_a_draft(report_data):
    figures = monthly_figures(2025)
    assert [m.new_agreements for m in figures.months] == [2] + [0] * 10 + [1]
    assert figures.totals.new_agreements == 3


def test_assignments_on_the_month_and_year_boundaries_and_never_cancelled(report_data):
    figures = monthly_figures(2025)
    assert [m.assignments for m in figures.months] == [2, 1, 1] + [0] * 8 + [1]
    assert figures.totals.assignments == 5


def test_several_experts_on_one_assignment_are_participations_hours_and_fees(report_data):
    january = month(monthly_figures(2025), 1)
    # 1.1.: 3 experts × 2 h, but Cecilia's own 1.5 h; 31.1.: Aino 3 h
    assert january.participations == 4
    assert january.hours == Decimal("8.50")
    # 1.1. is done: 2×20 + (2×30 + 10 per assignment) + 1.5×25; 31.1. is planned: no fee yet
    assert january.fees == Decimal("147.50")
    assert january.active_experts == 3


def test_an_assignment_without_experts_counts_with_no_participations(report_data):
    march = month(monthly_figures(2025), 3)
    assert (march.assignments, march.participations, march.hours) == (1, 0, Decimal("0.00"))
    assert march.active_experts == 0


def test_year_totals_count_distinct_experts_once(report_data):
    totals = monthly_figures(2025).totals
    assert totals.participations == 7
    assert totals.hours == Decimal("17.75")
    assert totals.fees == Decimal("357.50")  # January 147.50 + 31.12.: 4×20 + 4×30 + 10
    assert totals.active_experts == 3  # not 3 + 1 + 0 + 2


def test_paid_experts_have_a_fee_of_done_work_in_the_month_and_once_over_the_year(report_data):
    figures = monthly_figures(2025)
    # done: 1.1. (Aino, Bertta, Cecilia) and 31.12. (Aino, Bertta); the rest is planned
    assert [m.paid_experts for m in figures.months] == [3] + [0] * 10 + [2]
    assert [m.active_experts for m in figures.months] == [3, 1] + [0] * 9 + [2]
    assert figures.totals.paid_experts == 3


def test_an_expert_whose_done_work_earns_nothing_is_active_but_not_paid():
    free = AgreementFactory(hourly_fee=Decimal("0.00"), assignment_fee=Decimal("0.00"))
    paid = AgreementFactory(hourly_fee=Decimal("20.00"), assignment_fee=Decimal("0.00"))
    _paid_work(datetime.date(2031, 5, 4), "2.00", AssignmentStatus.DONE, (free, None), (paid, None))
    figures = monthly_figures(2031)
    may = month(figures, 5)
    assert (may.active_experts, may.paid_experts, may.fees) == (2, 1, Decimal("40.00"))
    assert (figures.totals.active_experts, figures.totals.paid_experts) == (2, 1)
    assert monthly_figures(2032).totals.paid_experts == 0  # no experts: 0, not None


def test_by_type_by_area_and_by_division_of_a_division_itself_and_a_service(report_data):
    figures = monthly_figures(2025)
    january = month(figures, 1)
    assert january.by_type == {"client_support": 1, "training": 1}
    assert january.by_service_area == {"mh_outpatient": 1, "mental_health": 1}
    assert january.by_division == {"mental_health": 2}
    assert figures.totals.by_type == {
        "client_support": 1,
        "training": 2,
        "communication": 1,
        "development": 1,
    }
    assert figures.totals.by_division == {"mental_health": 3, "family_social": 1, "disability": 1}
    assert figures.type_by_division == {
        ("client_support", "mental_health"): 1,
        ("training", "mental_health"): 1,
        ("training", "family_social"): 1,
        ("communication", "mental_health"): 1,
        ("development", "disability"): 1,
    }


def test_supervision_counts_sessions_present_attendances_and_distinct_experts(report_data):
    figures = monthly_figures(2025)
    january, december = month(figures, 1), month(figures, 12)
    # two sessions; present: Aino, Bertta, a professional, then Aino; Cecilia was absent
    assert (january.supervision_sessions, january.supervision_attendances) == (2, 4)
    assert january.supervision_experts == 2
    assert (december.supervision_sessions, december.supervision_attendances) == (1, 1)
    totals = figures.totals
    assert (totals.supervision_sessions, totals.supervision_attendances) == (3, 5)
    assert totals.supervision_experts == 3


def test_division_filter_keeps_its_services_its_agreements_and_its_groups(report_data):
    figures = monthly_figures(2025, ServiceArea.objects.get(code="mental_health"))
    assert [m.assignments for m in figures.months] == [2, 0, 1] + [0] * 9
    assert figures.totals.participations == 4
    assert figures.totals.hours == Decimal("8.50")
    assert figures.totals.fees == Decimal("147.50")
    assert [m.new_agreements for m in figures.months] == [1] + [0] * 10 + [1]
    assert figures.totals.supervision_sessions == 2
    assert {label.code for label in figures.divisions} == {"mental_health"}
    assert "family_services" not in {label.code for label in figures.service_areas}


def test_reports_in_turn_each_get_their_own_year_and_division(report_data):
    mental_health = ServiceArea.objects.get(code="mental_health")
    family_social = ServiceArea.objects.get(code="family_social")
    reports = {
        ("mental_health", 2025): monthly_figures(2025, mental_health),
        ("family_social", 2025): monthly_figures(2025, family_social),
        ("all", 2024): monthly_figures(2024),
        ("mental_health", 2026): monthly_figures(2026, mental_health),
        ("all", 2025): monthly_figures(2025),
    }
    assignments = {key: [m.assignments for m in r.months] for key, r in reports.items()}
    assert assignments == {
        ("mental_health", 2025): [2, 0, 1] + [0] * 9,
        ("family_social", 2025): [0, 1] + [0] * 10,
        ("all", 2024): [0] * 11 + [1],
        ("mental_health", 2026): [1] + [0] * 11,
        ("all", 2025): [2, 1, 1] + [0] * 8 + [1],
    }
    family = reports["family_social", 2025].totals
    # Bertta's 1.25 h on 1.2. is planned: hours, but no fee yet
    assert (family.new_agreements, family.hours, family.fees) == (
        1,
        Decimal("1.25"),
        Decimal("0.00"),
    )
    assert family.by_division == {"family_social": 1}
    assert family.supervision_sessions == 0
    assert reports["mental_health", 2026].totals.new_agreements == 1
    assert reports["all", 2024].totals.by_service_area == {"mh_outpatient": 1}


def test_an_empty_year_has_twelve_zero_months(report_data):
    figures = monthly_figures(2030)
    assert len(figures.months) == 12
    assert all(m.assignments == 0 and m.hours == Decimal("0.00") for m in figures.months)
    assert figures.totals.assignments == 0
    assert figures.totals.active_experts == 0
    assert figures.type_by_division == {}


def _paid_work(day, hours, status, *experts):
    """An assignment of 2031 with its experts: (agreement, own hours or None) per expert."""
    assignment = AssignmentFactory(date=day, hours=Decimal(hours), status=status)
    for agreement, own in experts:
        ParticipationFactory(
            assignment=assignment, agreement=agreement, hours=Decimal(own) if own else None
        )


def test_fees_are_done_work_with_the_fee_per_assignment_rounded_per_participation():
    """agreements.fees by hand: 12.34 €/h + 35 € per assignment (A), 20.10 €/h (B)."""
    a = AgreementFactory(hourly_fee=Decimal("12.34"), assignment_fee=Decimal("35.00"))
    b = AgreementFactory(hourly_fee=Decimal("20.10"), assignment_fee=Decimal("0.00"))
    done, planned, cancelled = AssignmentStatus.DONE, AssignmentStatus.PLANNED, "cancelled"
    march, april = datetime.date(2031, 3, 2), datetime.date(2031, 4, 2)
    _paid_work(march, "1.25", done, (a, None), (b, "0.75"))  # 15.425 + 35; 15.075
    _paid_work(march, "1.25", done, (a, None))  # 15.425 + 35
    _paid_work(march, "2.00", planned, (a, None), (b, None))  # counted, not paid yet
    _paid_work(march, "3.00", cancelled, (a, None))  # never counts
    _paid_work(april, "0.25", done, (b, None))  # 5.025

    figures = monthly_figures(2031)

    march_figures, april_figures = month(figures, 3), month(figures, 4)
    assert (march_figures.participations, march_figures.hours) == (5, Decimal("7.25"))
    # 50.43 + 15.08 + 50.43: each participation to the cent first (a month's sum of the
    # unrounded amounts, 115.925, would give 115.93)
    assert march_figures.fees == Decimal("115.94")
    assert april_figures.fees == Decimal("5.03")  # the half cent rounds up
    assert figures.totals.fees == Decimal("120.97")  # the sum of the months, as the table shows


def _add_assignments(count: int) -> None:
    for day in range(1, count + 1):
        ParticipationFactory(
            assignment=AssignmentFactory(date=datetime.date(2025, 1 + day % 12, 1))
        )


@pytest.mark.parametrize("extra", [1, 30])
def test_query_count_does_not_grow_with_the_data(report_data, extra, django_assert_num_queries):
    _add_assignments(extra)
    with django_assert_num_queries(FIGURE_QUERIES):  # one aggregate query per figure group
        figures = monthly_figures(2025)
    assert figures.totals.assignments == 5 + extra
    with django_assert_num_queries(KEPT_FIGURE_QUERIES):
        kept = monthly_figures(2025)
    # as_json adds queries of its own: tests/orders and tests/guidance count them
    assert as_json(kept) == as_json(figures)


def test_the_benchmarks_hand_written_sql_gives_the_reports_figures(report_data):
    """bench/report_benchmark.py times the report against SAME_FIGURES_SQL; on the
    hand-counted data both must give every figure alike, or the timing compares nothing."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the benchmark's SQL is PostgreSQL's (GROUPING SETS, ROLLUP)")
    from bench.report_benchmark import (
        SAME_FIGURES_SQL,
        counted_by_sql,
        experts_paid,
        same_figures,
    )

    with connection.cursor() as cursor:
        cursor.execute(SAME_FIGURES_SQL, {"start": "2025-01-01", "end": "2026-01-01"})
        expected, type_by_division, paid = same_figures(cursor.fetchall(), 2025)
    figures = monthly_figures(2025)
    assert expected["totals"]["assignments"] == 5  # not the cancelled one
    assert counted_by_sql(as_json(figures)) == expected
    assert figures.type_by_division == type_by_division
    assert experts_paid(figures) == paid
