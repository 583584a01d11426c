"""The monthly report's fees over approved lines, with travel and other costs as figures of
their own (payroll.selectors.line_payments, a part of reporting.selectors' statement)."""

from decimal import Decimal

import pytest

from payroll import services
from registry.models import ServiceArea
from reporting.disclosure import without_small_counts
from reporting.exports import as_json
from reporting.selectors import Hidden, monthly_figures
from tests.factories import AssignmentFactory, ParticipationFactory
from tests.payroll.conftest import TODAY, D
from tests.reporting.test_selectors import FIGURE_QUERIES

pytestmark = pytest.mark.django_db


def approved_figures_by_month(year, division=None) -> dict:
    """The report's months by number."""
    return {figures.month: figures for figures in monthly_figures(year, division).months}


def _approved(agreement, day, hours, area_code="mh_outpatient", **fields):
    participation = ParticipationFactory(
        agreement=agreement,
        assignment=AssignmentFactory(
            date=day, hours=Decimal(hours), service_area=ServiceArea.objects.get(code=area_code)
        ),
    )
    line = services.line_submit(
        participation=participation, hours=Decimal(hours), today=TODAY, **fields
    )
    services.lines_approve(line_ids=[line.pk], by=None)
    return line


def test_only_approved_lines_count_by_the_month_of_the_work(people, coordinator):
    _approved(people.aino_agreement, D(2025, 3, 10), "2.50", kilometres=Decimal("42"))
    _approved(
        people.bertta_agreement, D(2025, 3, 31), "1.75",
        other_costs=Decimal("4.20"), other_costs_description="Bussi",
    )  # fmt: skip
    _approved(people.bertta_agreement, D(2025, 2, 1), "1.00", area_code="family_services")
    waiting = ParticipationFactory(
        agreement=people.aino_agreement, assignment=AssignmentFactory(date=D(2025, 3, 12))
    )
    services.line_submit(participation=waiting, hours=Decimal(5), today=TODAY)  # not approved

    figures = approved_figures_by_month(2025)

    march, february = figures[3], figures[2]
    assert (march.fees, march.travel, march.other_costs) == (
        Decimal("106.56"),  # 73.75 + 32.81; Aino's waiting 5 h not yet
        Decimal("12.60"),
        Decimal("4.20"),
    )
    assert february.fees == Decimal("18.75")
    assert figures[4].fees == Decimal("0.00")

    mental_health = approved_figures_by_month(2025, ServiceArea.objects.get(code="mental_health"))
    assert (mental_health[3].fees, mental_health[2].fees) == (Decimal("106.56"), Decimal("0.00"))


def test_a_correction_nets_out_in_the_month_of_the_work(people, coordinator):
    line = _approved(people.aino_agreement, D(2025, 3, 10), "2.50")
    services.run_export(
        run=services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY), by=coordinator
    )
    line.refresh_from_db()
    services.line_correct(line=line, comment="2 h", by=coordinator)
    assert approved_figures_by_month(2025)[3].fees == Decimal("0.00")  # reversed, not yet redone
    corrected = services.line_submit(
        participation=line.participation, hours=Decimal(2), today=TODAY
    )
    services.lines_approve(line_ids=[corrected.pk], by=coordinator)
    assert approved_figures_by_month(2025)[3].fees == Decimal("61.00")  # 2 × 25.50 + 10.00


def test_the_lines_add_no_query_to_the_report(people, django_assert_num_queries):
    _approved(people.aino_agreement, D(2025, 3, 10), "2.50")
    # as without lines (tests/reporting/test_selectors.py)
    with django_assert_num_queries(FIGURE_QUERIES):
        approved_figures_by_month(2025)


def test_the_report_shows_fees_travel_and_other_costs_of_approved_lines(people):
    _approved(
        people.aino_agreement, D(2025, 3, 10), "2.50", kilometres=Decimal("42"),
        other_costs=Decimal("4.20"), other_costs_description="Bussi",
    )  # fmt: skip
    data = as_json(monthly_figures(2025))
    march = data["months"][2]
    assert (march["fees"], march["travel"], march["other_costs"]) == ("73.75", "12.60", "4.20")
    assert (data["totals"]["fees"], data["totals"]["travel"]) == ("73.75", "12.60")


def test_done_work_nobody_reported_is_paid_by_its_participation(people, coordinator):
    """Imported history (or work recorded before hours reports): a done assignment without any
    report counts at its hours under the covering agreement, as before approval existed; once
    the expert reports, only the approved line counts."""
    history = ParticipationFactory(
        agreement=people.aino_agreement,
        assignment=AssignmentFactory(date=D(2025, 1, 20), hours=Decimal(2), status="done"),
    )
    assert approved_figures_by_month(2025)[1].fees == Decimal("61.00")  # 2 × 25.50 + 10.00
    line = services.line_submit(participation=history, hours=Decimal(3), today=TODAY)
    assert approved_figures_by_month(2025)[1].fees == Decimal("0.00")  # waiting for approval
    services.lines_approve(line_ids=[line.pk], by=coordinator)
    assert approved_figures_by_month(2025)[1].fees == Decimal("86.50")  # 3 × 25.50 + 10.00


def test_travel_and_other_costs_of_one_expert_are_hidden_from_the_evaluation_group(people):
    """Small counts: travel and other costs rest on the experts paid them, not on everyone."""
    _approved(
        people.aino_agreement, D(2025, 3, 10), "2.50", kilometres=Decimal("42"),
        other_costs=Decimal("4.20"), other_costs_description="Bussi",
    )  # fmt: skip
    figures = monthly_figures(2025)
    march = figures.months[2]
    assert (march.paid_experts, march.travelling_experts, march.experts_with_costs) == (1, 1, 1)

    shown = without_small_counts(figures, threshold=3).months[2]

    assert isinstance(shown.travel, Hidden)
    assert isinstance(shown.other_costs, Hidden)


def test_the_benchmarks_hand_written_sql_pays_by_the_same_lines(people, coordinator):
    """bench/report_benchmark.py's baseline computes fees, travel, other costs and the experts
    paid from the lines as the report does: approved, waiting, reversed and corrected."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the benchmark's SQL is PostgreSQL's (GROUPING SETS, ROLLUP)")
    from bench.report_benchmark import (
        SAME_FIGURES_SQL,
        counted_by_sql,
        experts_paid,
        same_figures,
    )

    corrected = _approved(people.aino_agreement, D(2025, 3, 10), "2.50", kilometres=Decimal(42))
    services.run_export(
        run=services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY), by=coordinator
    )
    corrected.refresh_from_db()
    services.line_correct(line=corrected, comment="2 h", by=coordinator)
    redone = services.line_submit(participation=corrected.participation, hours=Decimal(2))
    services.lines_approve(line_ids=[redone.pk], by=coordinator)
    _approved(
        people.bertta_agreement, D(2025, 3, 31), "1.75",
        other_costs=Decimal("4.20"), other_costs_description="Bussi",
    )  # fmt: skip
    waiting = ParticipationFactory(
        agreement=people.aino_agreement,
        assignment=AssignmentFactory(date=D(2025, 2, 12), status="done"),
    )
    services.line_submit(participation=waiting, hours=Decimal(5), today=TODAY)

    with connection.cursor() as cursor:
        cursor.execute(SAME_FIGURES_SQL, {"start": "2025-01-01", "end": "2026-01-01"})
        expected, _, paid = same_figures(cursor.fetchall(), 2025)
    figures = monthly_figures(2025)
    assert counted_by_sql(as_json(figures)) == expected
    assert expected["months"][2]["travel"] == "0.00"  # the 42 km reversed with their line
    assert paid[3] == (2, 0, 1) and paid[2] == (0, 0, 0)  # the waiting line pays nothing yet
    assert experts_paid(figures) == paid
