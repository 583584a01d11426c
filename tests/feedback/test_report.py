"""The report's feedback figures on hand-counted data, and what the evaluation group sees."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from agreements.models import AssignmentStatus
from reporting.selectors import Hidden, monthly_figures
from reporting.tables import report_tables
from tests.factories import AgreementFactory, AssignmentFactory, ParticipationFactory
from tests.feedback.factories import ProfessionalFeedbackFactory, ReflectionFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(datetime.datetime(2025, 6, 15, 12, tzinfo=datetime.UTC)),
]
D = datetime.date
EN = {"headers": {"accept-language": "en"}}
MARCH, APRIL, TOTAL = 2, 3, 12  # the cells' indexes: months from 0, the year last


def _done(day, agreements):
    assignment = AssignmentFactory(date=day, status=AssignmentStatus.DONE)
    return [ParticipationFactory(assignment=assignment, agreement=a) for a in agreements]


@pytest.fixture
def feedback():
    """March: three experts reflect (loads 2, 4, 5; one wants a talk), the professional rates 4.
    April: one of them alone (load 3, wants a talk), rated 2. A reflection of 2024 and one of a
    cancelled assignment do not count."""
    aino, bertta, cecilia = (AgreementFactory() for _ in range(3))
    march = _done(D(2025, 3, 31), [aino, bertta, cecilia])
    for participation, load, talk in zip(march, (2, 4, 5), (False, True, False), strict=True):
        ReflectionFactory(participation=participation, load=load, wants_talk=talk)
    ProfessionalFeedbackFactory(link__assignment=march[0].assignment, rating=4)
    (april,) = _done(D(2025, 4, 1), [aino])
    ReflectionFactory(participation=april, load=3, wants_talk=True)
    ProfessionalFeedbackFactory(link__assignment=april.assignment, rating=2)
    (old,) = _done(D(2024, 12, 31), [bertta])
    ReflectionFactory(participation=old, load=5)
    (cancelled,) = _done(D(2025, 5, 5), [cecilia])
    ReflectionFactory(participation=cancelled, load=5)
    type(cancelled.assignment).objects.filter(pk=cancelled.assignment_id).update(
        status=AssignmentStatus.CANCELLED
    )


def _rows(tables) -> dict[str, list]:
    (table,) = [t for t in tables if t.slug == "feedback"]
    return {row.label: row.values for row in table.rows}


def test_the_figures_as_counted_by_hand(feedback):
    figures = monthly_figures(2025).feedback
    assert figures.reflections[MARCH] == 3 and figures.reflections[APRIL] == 1
    assert figures.reflections[TOTAL] == 4
    assert figures.average_load[MARCH] == Decimal("3.67")  # 11 / 3
    assert figures.average_load[APRIL] == Decimal("3.00")
    assert figures.average_load[TOTAL] == Decimal("3.50")  # 14 / 4
    assert figures.talk_share[MARCH] == 33 and figures.talk_share[APRIL] == 100
    assert figures.talk_share[TOTAL] == 50
    assert figures.answers[MARCH] == 1 and figures.answers[TOTAL] == 2
    assert figures.average_rating[MARCH] == Decimal("4.00")
    assert figures.average_rating[TOTAL] == Decimal("3.00")
    assert figures.reflecting_experts[MARCH] == 3 and figures.reflecting_experts[TOTAL] == 3
    assert figures.rated_experts[APRIL] == 1 and figures.rated_experts[TOTAL] == 3
    assert figures.reflections[0] == 0 and figures.average_load[0] is None  # January: none


def test_a_month_without_answers_shows_a_dash(feedback):
    rows = _rows(report_tables(monthly_figures(2025)))
    assert rows["Average load (1–5)"][0] == "–"
    assert rows["Reflections given"][0] == 0


def test_the_coordinator_sees_every_figure(client, coordinator, feedback):
    client.force_login(coordinator)
    response = client.get(reverse("reporting:report") + "?year=2025", **EN)
    tables = [table for table, _chart in response.context["sections"]]
    assert _rows(tables)["Reflections given"][APRIL] == 1


def test_the_evaluation_group_sees_figures_of_too_few_experts_hidden(
    client, evaluation_member, feedback
):
    client.force_login(evaluation_member)
    response = client.get(reverse("reporting:report") + "?year=2025", **EN)
    rows = _rows([table for table, _chart in response.context["sections"]])
    reflections = rows["Reflections given"]
    # April rests on one expert; March is hidden too, or the year's 4 would give April away
    assert reflections[APRIL] == Hidden(3) and reflections[MARCH] == Hidden(3, few=False)
    assert reflections[TOTAL] == 4
    for label in ("Average load (1–5)", "Wanting a follow-up talk (%)"):
        assert isinstance(rows[label][APRIL], Hidden) and isinstance(rows[label][MARCH], Hidden)
    assert rows["Average load (1–5)"][TOTAL] == Decimal("3.50")
    answers, ratings = (
        rows["Professionals' feedback given"],
        rows["Average rating by professionals (1–5)"],
    )
    assert answers[APRIL] == Hidden(3) and answers[MARCH] == Hidden(3, few=False)
    assert isinstance(ratings[APRIL], Hidden) and ratings[TOTAL] == Decimal("3.00")
    page = response.content.decode()
    assert "Jännitti" not in page and "Hyvin meni" not in page  # no reflection's own words


def test_the_evaluation_groups_csv_hides_the_same_figures(client, evaluation_member, feedback):
    client.force_login(evaluation_member)
    url = reverse("reporting:export", args=["csv"]) + "?year=2025"
    csv = client.get(url, **EN).content.decode("utf-8-sig")
    (line,) = [
        row
        for row in csv.splitlines()
        if row.startswith("Reflections given;") or row.startswith("Annetut pohdinnat;")
    ]
    cells = line.split(";")
    assert cells[1 + APRIL] == "< 3" and cells[1 + MARCH] == ".." and cells[-1] == "4"


def test_a_threshold_of_one_hides_nothing(client, evaluation_member, feedback, settings):
    settings.SMALL_COUNT_THRESHOLD = 1
    client.force_login(evaluation_member)
    response = client.get(reverse("reporting:report") + "?year=2025", **EN)
    rows = _rows([table for table, _chart in response.context["sections"]])
    assert rows["Reflections given"][APRIL] == 1


def test_the_commands_json_has_every_figure(feedback):
    out = io.StringIO()
    call_command("monthly_report", "--year", "2025", stdout=out)
    data = json.loads(out.getvalue())
    assert data["months"][MARCH]["feedback"] == {
        "reflections": 3,
        "average_load": "3.67",
        "talk_share": 33,
        "answers": 1,
        "average_rating": "4.00",
    }
    assert data["months"][0]["feedback"]["average_load"] is None
    assert data["totals"]["feedback"] == {
        "reflections": 4,
        "average_load": "3.50",
        "talk_share": 50,
        "answers": 2,
        "average_rating": "3.00",
    }
