"""The monthly report's kokemusohjaus figures on hand-counted data.

Three guides in 2025 (the clock stands at 15.6.2025):
  P1 (Olli, mental health): start 10.3, meetings 20.3 and 5.4, ended 30.4: reached, partly
  P2 (Pia, mental health):  start 15.3, meeting 2.4 (cancelled), ended 20.4: reached, reached, not
  P3 (Pekka, social work):  start 1.4, meeting 10.5, still ongoing
  P4 (Olli):                referred 1.5, not started
So: started Mar 2, Apr 1; ended Apr 2; ongoing Mar 2, Apr 3, May–Dec 1, in the year 3;
meetings Mar 3, Apr 2 (the cancelled one not), May 1; goals of April's ends: 5 assessed, 3
reached (60 %), 1 partly (20 %), resting on 2 guides.
"""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from agreements.models import AssignmentStatus
from agreements.services import assignment_set_status
from guidance import services
from guidance.models import Outcome, Period, PeriodStatus
from guidance.selectors import period_figures
from reporting.disclosure import shown_to
from reporting.selectors import Hidden, monthly_figures
from reporting.tables import guidance_table
from tests.factories import ServiceAreaFactory
from tests.guidance.conftest import covered_guide
from tests.guidance.factories import PeriodFactory, meeting, started_period

pytestmark = pytest.mark.django_db
D = datetime.date


def _end(period, day, *outcomes):
    goals = period.goals.order_by("position")
    services.period_end(
        period=period,
        ended_on=day,
        outcomes={goal.pk: outcome for goal, outcome in zip(goals, outcomes, strict=True)},
        closing_note="",
    )


@pytest.fixture
def spring(frozen_clock, mental_health_service):
    olli, pia, pekka = covered_guide("Olli"), covered_guide("Pia"), covered_guide("Pekka")
    social = ServiceAreaFactory(code="social_work", name="Sosiaalityö")
    p1 = started_period(guide=olli, date=D(2025, 3, 10), service_area=mental_health_service)
    meeting(p1, D(2025, 3, 20))
    meeting(p1, D(2025, 4, 5))
    _end(p1, D(2025, 4, 30), Outcome.REACHED, Outcome.PARTLY)
    p2 = started_period(
        guide=pia, date=D(2025, 3, 15), service_area=mental_health_service, goals=["a", "b", "c"]
    )
    cancelled = meeting(p2, D(2025, 4, 2))
    for status in (AssignmentStatus.PLANNED, AssignmentStatus.CANCELLED):  # done → cancelled
        assignment_set_status(assignment=cancelled.assignment, status=status)
    _end(p2, D(2025, 4, 20), Outcome.REACHED, Outcome.REACHED, Outcome.NOT)
    p3 = started_period(guide=pekka, date=D(2025, 4, 1), service_area=social)
    meeting(p3, D(2025, 5, 10))
    PeriodFactory(guide=olli, referred_on=D(2025, 5, 1))
    return mental_health_service.parent


def _row(figures, key):
    return [month[key] for month in figures["months"]] + [figures["totals"][key]]


def test_periods_meetings_and_goals_per_month(spring, django_assert_num_queries):
    with django_assert_num_queries(3):
        figures = period_figures(2025)
    assert _row(figures, "started") == [0, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 3]
    assert _row(figures, "ended") == [0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 2]
    assert _row(figures, "ongoing") == [0, 0, 2, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3]
    assert _row(figures, "meetings") == [0, 0, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 6]
    april, year = figures["months"][3], figures["totals"]
    for period in (april, year):
        assert period["goals_assessed"] == 5
        assert period["reached_share"] == Decimal("60.00")
        assert period["partly_share"] == Decimal("20.00")
        assert period["guides"] == 2
    assert figures["months"][2]["reached_share"] is None  # nothing ended in March


def test_periods_across_the_turn_of_the_year_count_in_both_years(frozen_clock):
    for started, ended in [(D(2024, 11, 5), D(2025, 2, 10)), (D(2024, 12, 1), None)]:
        status = PeriodStatus.ENDED if ended else PeriodStatus.ONGOING
        PeriodFactory(referred_on=started, started_on=started, ended_on=ended, status=status)
    PeriodFactory(
        referred_on=D(2023, 1, 1),
        started_on=D(2023, 1, 1),
        ended_on=D(2023, 12, 31),
        status=PeriodStatus.ENDED,
    )
    last, this = period_figures(2024), period_figures(2025)
    assert _row(last, "started") == [0] * 10 + [1, 1, 2]
    assert _row(last, "ongoing") == [0] * 10 + [1, 2, 2]
    assert _row(this, "ongoing") == [2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]
    assert _row(this, "ended") == [0, 1] + [0] * 10 + [1]
    assert _row(this, "started") == [0] * 13


def test_a_period_over_the_whole_year_is_ongoing_in_each_month_and_nothing_else(frozen_clock):
    PeriodFactory(
        referred_on=D(2024, 6, 1),
        started_on=D(2024, 6, 1),
        ended_on=D(2026, 3, 1),
        status=PeriodStatus.ENDED,
    )
    figures = period_figures(2025)
    assert _row(figures, "ongoing") == [1] * 13
    assert _row(figures, "started") == _row(figures, "ended") == [0] * 13


def test_a_division_counts_its_own_services_only(spring):
    figures = period_figures(2025, spring)
    assert _row(figures, "started") == [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]
    assert figures["totals"]["meetings"] == 4
    assert period_figures(2024)["totals"]["started"] == 0


def test_the_shares_are_hidden_from_the_evaluation_group_on_fewer_than_three_guides(
    spring, evaluation_member, coordinator
):
    def shares(user):
        table = guidance_table(shown_to(user, monthly_figures(2025)))
        return {row.label: row.values for row in table.rows}

    seen = shares(coordinator)
    assert seen["Goals reached (%)"][3] == Decimal("60.00")
    assert seen["Goals reached (%)"][2] == "–"
    hidden = shares(evaluation_member)
    assert isinstance(hidden["Goals reached (%)"][3], Hidden)
    assert isinstance(hidden["Goals partly reached (%)"][12], Hidden)
    assert hidden["Periods started"] == seen["Periods started"]  # counts of periods stay


def test_the_shares_show_to_the_evaluation_group_where_enough_guides_rest_them(
    spring, evaluation_member, settings
):
    settings.SMALL_COUNT_THRESHOLD = 2
    table = guidance_table(shown_to(evaluation_member, monthly_figures(2025)))
    assert table.rows[4].values[3] == Decimal("60.00")


def test_the_report_and_its_csv_carry_the_table(spring, login, evaluation_member):
    client = login(evaluation_member)
    page = client.get(
        reverse("reporting:report"), {"year": 2025}, headers={"accept-language": "en"}
    )
    assert "Kokemusohjaus per month" in page.content.decode()
    csv = client.get(reverse("reporting:export", args=["csv"]), {"year": 2025}).content.decode()
    assert "Kokemusohjaus" in csv
    assert "< 3" in csv


def test_the_years_share_is_hidden_too_where_it_would_give_a_hidden_month_away(
    spring, evaluation_member, settings
):
    """Pekka's period ends in May, on one guide: May's share is hidden, and the year's share
    (April's two guides and May's one) with April's would tell May's, so it is hidden too."""
    settings.SMALL_COUNT_THRESHOLD = 2
    pekka_period = Period.objects.get(guide__first_name="Pekka", status=PeriodStatus.ONGOING)
    _end(pekka_period, D(2025, 5, 20), Outcome.NOT, Outcome.NOT)

    table = guidance_table(shown_to(evaluation_member, monthly_figures(2025)))

    reached = table.rows[4].values
    assert reached[3] == Decimal("60.00")  # April: two guides
    assert isinstance(reached[4], Hidden) and reached[4].few  # May: one guide
    assert isinstance(reached[12], Hidden) and not reached[12].few  # the year: ".."


def test_the_commands_json_has_every_figure_and_the_shares_of_fewer_than_three_guides(spring):
    out = io.StringIO()
    call_command("monthly_report", "--year", "2025", stdout=out)
    data = json.loads(out.getvalue())
    april, march = data["months"][3]["kokemusohjaus"], data["months"][2]["kokemusohjaus"]
    assert april == {
        "started": 1,
        "ongoing": 3,
        "ended": 2,
        "meetings": 2,
        "goals_assessed": 5,
        "reached_share": "60.00",  # resting on two guides: the command sees every figure
        "partly_share": "20.00",
    }
    assert (march["started"], march["reached_share"]) == (2, None)
    assert data["totals"]["kokemusohjaus"]["meetings"] == 6
    out = io.StringIO()
    call_command("monthly_report", "--year", "2025", "--division", spring.code, stdout=out)
    division = json.loads(out.getvalue())["totals"]["kokemusohjaus"]
    assert (division["started"], division["meetings"]) == (2, 4)  # its own services only
