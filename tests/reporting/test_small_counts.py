"""Small counts (SPEC "The monthly follow-up table"): the evaluation group cannot single out a
person, on the page, in its charts or in any file; coordinators and the command see every figure.

Hand-counted data of 2027 in the disability services (*vammaispalvelut*), all work done:

| month | experts on it | hours | fees (€) | active | attendances (experts) |
|---|---|---|---|---|---|
| April | Aino: 4.10 h at 25 €/h | 4.10 | 102.50 | 1 | 2 (Aino and a professional: 1) |
| May | Aino, Bertta, Cecilia: 2 h each | 6.00 | 50 + 60 + 40 = 150.00 | 3 | 3 (3) |
| June | the same three: 3 h each | 9.00 | 75 + 90 + 60 = 225.00 | 3 | 4 (3, and a professional) |
| year | | 19.10 | 477.50 | 3 | 9 (3) |

April rests on one expert: hidden. Its hours, fees and attendances would then be the total
minus the other months, so the smallest other month of each (May) is hidden too; June and the
totals stay. Active experts and experts who attended are distinct counts over the year, not
sums, so only April's are hidden.
"""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from agreements.models import AssignmentStatus
from registry.models import ServiceArea
from reporting.charts import bar_chart, column_chart
from reporting.disclosure import suppress, without_small_counts
from reporting.selectors import Hidden, monthly_figures
from reporting.templatetags.reports import figure
from tests.factories import (
    AgreementFactory,
    AssignmentFactory,
    AttendanceFactory,
    ExpertFactory,
    GroupMembershipFactory,
    ParticipationFactory,
    ProfessionalFactory,
    SupervisionGroupFactory,
    SupervisionSessionFactory,
)
from tests.reporting.test_report import pdf_text
from tests.reporting.test_selectors import FIGURE_QUERIES, KEPT_FIGURE_QUERIES
from tests.test_settings import manage

D = datetime.date
FEW, MORE = Hidden(3), Hidden(3, few=False)  # "< 3", ".."
REPORT = reverse("reporting:report")
QUERY = {"year": 2027, "division": "disability"}
# What the evaluation group must not read anywhere: April's hours and fees, and May's, which
# would give April's away through the totals (19,10 and 477,50 stay).
HIDDEN_VALUES = ["4,10", "102,50", "6,00", "150,00"]


# The rule itself ------------------------------------------------------------------------------


def test_a_figure_on_fewer_experts_than_the_threshold_is_hidden_and_a_zero_is_not():
    values, experts = [5, 0, 7, 9, 21], [1, 0, 3, 4, 5]
    # one hidden month beside a visible sum: the smallest other non-zero month goes too
    assert suppress(values, experts, threshold=3, total_is_sum=True) == [FEW, 0, MORE, 9, 21]
    assert suppress([5, 7, 12], [2, 2, 2], threshold=3, total_is_sum=True) == [FEW, FEW, FEW]
    assert suppress([5, 7, 12], [3, 3, 3], threshold=3, total_is_sum=True) == [5, 7, 12]


def test_two_hidden_months_need_no_second_cell():
    values = [Decimal("1.50"), Decimal("2.00"), Decimal("8.00"), Decimal("11.50")]
    assert suppress(values, [1, 2, 4, 5], threshold=3, total_is_sum=True) == [
        FEW,
        FEW,
        Decimal("8.00"),
        Decimal("11.50"),
    ]


def test_the_earliest_of_equal_smallest_months_is_hidden_second():
    result = suppress([1, 4, 9, 4, 18], [1, 3, 3, 3, 4], threshold=3, total_is_sum=True)
    assert result == [FEW, MORE, 9, 4, 18]


def test_a_lone_month_beside_zeros_hides_the_total_instead():
    # the total is the month's value: nothing else to hide, so the total goes
    assert suppress([0, 5, 0, 5], [0, 2, 0, 3], threshold=3, total_is_sum=True) == [0, FEW, 0, MORE]


def test_a_distinct_count_total_is_no_sum_and_needs_no_second_cell():
    # experts over the year: 1 + 4 + 3 is not the total, so nothing is given away
    assert suppress([1, 4, 3, 5], [1, 4, 3, 5], threshold=3, total_is_sum=False) == [FEW, 4, 3, 5]


def test_a_hidden_total_needs_no_second_cell():
    assert suppress([2, 0, 1, 3], [1, 0, 1, 2], threshold=3, total_is_sum=True) == [
        FEW,
        0,
        FEW,
        FEW,
    ]


def test_the_threshold_is_a_parameter():
    assert suppress([3, 4, 7], [3, 4, 4], threshold=4, total_is_sum=True) == [
        Hidden(4),
        Hidden(4, few=False),
        7,
    ]
    assert (str(Hidden(4)), str(Hidden(4, few=False))) == ("< 4", "..")


# Hand-counted data --------------------------------------------------------------------------


@pytest.fixture
def small_division(db):
    division = ServiceArea.objects.get(code="disability")
    experts = [ExpertFactory() for _ in range(3)]
    aino_ag, bertta_ag, cecilia_ag = (
        AgreementFactory(expert=expert, hourly_fee=Decimal(fee), assignment_fee=Decimal("0.00"))
        for expert, fee in zip(experts, ["25.00", "30.00", "20.00"], strict=True)
    )
    for day, hours, agreements in [
        (D(2027, 4, 14), "4.10", [aino_ag]),
        (D(2027, 5, 12), "2.00", [aino_ag, bertta_ag, cecilia_ag]),
        (D(2027, 6, 9), "3.00", [aino_ag, bertta_ag, cecilia_ag]),
    ]:
        assignment = AssignmentFactory(
            date=day, hours=Decimal(hours), service_area=division, status=AssignmentStatus.DONE
        )
        for agreement in agreements:
            ParticipationFactory(assignment=assignment, agreement=agreement, hours=None)

    group = SupervisionGroupFactory(division=division)
    members = [GroupMembershipFactory(group=group, expert=expert) for expert in experts]
    professional = GroupMembershipFactory(
        group=group, expert=None, professional=ProfessionalFactory()
    )
    for day, present in [
        (D(2027, 4, 20), [members[0], professional]),
        (D(2027, 5, 18), members),
        (D(2027, 6, 15), [*members, professional]),
    ]:
        session = SupervisionSessionFactory(group=group, date=day)
        for membership in present:
            AttendanceFactory(session=session, membership=membership, present=True)
    return division


def _row(figures, name):
    return [getattr(m, name) for m in figures.months[3:6]] + [getattr(figures.totals, name)]


def test_the_evaluation_groups_copy_hides_april_and_what_would_give_it_away(small_division):
    figures = monthly_figures(2027, small_division)
    assert _row(figures, "hours") == [Decimal(h) for h in ("4.10", "6.00", "9.00", "19.10")]
    assert _row(figures, "fees") == [Decimal(f) for f in ("102.50", "150.00", "225.00", "477.50")]
    assert (_row(figures, "active_experts"), _row(figures, "paid_experts")) == ([1, 3, 3, 3],) * 2
    assert _row(figures, "supervision_attendances") == [2, 3, 4, 9]
    assert _row(figures, "supervision_experts") == [1, 3, 3, 3]

    shown = without_small_counts(figures, threshold=3)

    assert _row(shown, "hours") == [FEW, MORE, Decimal("9.00"), Decimal("19.10")]
    assert _row(shown, "fees") == [FEW, MORE, Decimal("225.00"), Decimal("477.50")]
    assert _row(shown, "active_experts") == [FEW, 3, 3, 3]
    assert _row(shown, "supervision_attendances") == [FEW, MORE, 4, 9]
    assert _row(shown, "supervision_experts") == [FEW, 3, 3, 3]
    # about no person: as they are
    assert _row(shown, "assignments") == [1, 1, 1, 3]
    assert _row(shown, "participations") == [1, 3, 3, 7]
    assert _row(shown, "supervision_sessions") == [1, 1, 1, 3]
    assert shown.totals.by_division == {"disability": 3}
    assert all(m.hours == Decimal("0.00") for m in shown.months[:3] + shown.months[6:])
    assert _row(figures, "hours")[0] == Decimal("4.10")  # the selector's figures are untouched


def test_a_higher_threshold_from_the_setting_hides_may_and_june_too(
    client, evaluation_member, small_division, settings
):
    settings.SMALL_COUNT_THRESHOLD = 4
    client.force_login(evaluation_member)
    cells = _page_cells(client.get(REPORT, QUERY))
    for label in ("Toimineet kokemustoimijat", "Tunnit"):
        assert cells[label][3:6] + cells[label][-1:] == ["< 4", "< 4", "< 4", "< 4"]


# The page, its charts and every file ------------------------------------------------------------


def _page_cells(response) -> dict[str, list[str]]:
    """The monthly and supervision rows of the page by label: each cell's text."""
    from tests.reporting.test_report import _Tables

    parser = _Tables()
    parser.feed(response.content.decode())
    rows = parser.tables["monthly"][1:] + parser.tables["supervision"][1:]
    return {row[0]: row[1:] for row in rows}


def test_the_evaluation_group_reads_markers_where_the_coordinator_reads_figures(
    client, evaluation_member, coordinator, small_division
):
    client.force_login(evaluation_member)
    response = client.get(REPORT, QUERY)
    cells = _page_cells(response)
    assert cells["Tunnit"][3:6] + cells["Tunnit"][-1:] == ["< 3", "..", "9,00", "19,10"]
    assert cells["Tehtyjen tehtävien palkkiot (€)"][3:6] == ["< 3", "..", "225,00"]
    assert cells["Toimineet kokemustoimijat"][3:6] == ["< 3", "3", "3"]
    assert cells["Osallistumiskerrat"][3:6] + cells["Osallistumiskerrat"][-1:] == [
        "< 3",
        "..",
        "4",
        "9",
    ]
    assert cells["Osallistuneet kokemustoimijat"][3] == "< 3"
    html = response.content.decode()
    for value in HIDDEN_VALUES:
        assert value not in html

    client.force_login(coordinator)
    response = client.get(REPORT, QUERY)
    cells = _page_cells(response)
    assert cells["Tunnit"][3:6] == ["4,10", "6,00", "9,00"]
    assert cells["Tehtyjen tehtävien palkkiot (€)"][3:6] == ["102,50", "150,00", "225,00"]
    assert cells["Toimineet kokemustoimijat"][3] == "1"
    assert cells["Osallistumiskerrat"][3:5] == ["2", "3"]
    assert "&lt; 3" not in response.content.decode()


NOTES = {
    "fi": [
        "&lt; 3 = luku perustuu alle 3 kokemustoimijaan ja on piilotettu, jotta ketään ei voi "
        "tunnistaa. Koordinaattorit näkevät kaikki luvut.",
        ".. = piilotettu myös, jotta summasta ei voi päätellä piilotettua lukua.",
    ],
    "sv": [
        "&lt; 3 = talet bygger på färre än 3 erfarenhetsexperter och är dolt, så att ingen kan "
        "pekas ut. Koordinatorerna ser alla tal.",
        ".. = också dolt, så att summan inte avslöjar ett dolt tal.",
    ],
    "en": [
        "&lt; 3 = the figure rests on fewer than 3 experts and is hidden, so that no one can be "
        "singled out. Coordinators see every figure.",
        ".. = hidden too, so that the total does not give a hidden figure away.",
    ],
}


@pytest.mark.parametrize("language", NOTES)
def test_a_line_under_each_table_with_hidden_cells_says_why(
    client, evaluation_member, coordinator, small_division, language
):
    headers = {"accept-language": language}
    client.force_login(evaluation_member)
    html = client.get(REPORT, QUERY, headers=headers).content.decode()
    first, second = NOTES[language]
    assert html.count(first) == 2  # under the monthly table and the supervision table
    assert html.count(second) == 2
    client.force_login(coordinator)
    html = client.get(REPORT, QUERY, headers=headers).content.decode()
    assert first not in html and second not in html


def test_an_admin_sees_every_figure_as_a_coordinator_does(client, admin_user, small_division):
    client.force_login(admin_user)
    assert _page_cells(client.get(REPORT, QUERY))["Tunnit"][3] == "4,10"


def test_the_csv_of_the_evaluation_group_hides_them_and_says_why(
    client, evaluation_member, small_division
):
    client.force_login(evaluation_member)
    content = client.get(reverse("reporting:export", args=["csv"]), QUERY).content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    by_label = {row[0]: row[1:] for row in rows if row}
    assert by_label["Tunnit"][3:6] + by_label["Tunnit"][-1:] == ["< 3", "..", "9,00", "19,10"]
    assert by_label["Tehtyjen tehtävien palkkiot (€)"][3:5] == ["< 3", ".."]
    notes = [row[0] for row in rows if len(row) == 1]
    markers = [note.split(" = ")[0] for note in notes if note.startswith(("< 3 = ", ".. = "))]
    assert markers == ["< 3", ".."] * 2  # under the monthly and the supervision table
    cells = {cell for row in rows for cell in row}
    assert not cells & set(HIDDEN_VALUES)


def test_the_xlsx_of_the_evaluation_group_hides_them_and_says_why(
    client, evaluation_member, small_division
):
    client.force_login(evaluation_member)
    content = client.get(reverse("reporting:export", args=["xlsx"]), QUERY).content
    workbook = load_workbook(io.BytesIO(content))
    values = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    hours = next(
        row for row in workbook.worksheets[0].iter_rows(values_only=True) if row[0] == "Tunnit"
    )
    assert (hours[4:6], hours[6], hours[-1]) == (("< 3", ".."), 9, 19.1)  # floats in the file
    numbers = {Decimal(str(v)).quantize(Decimal("0.01")) for v in values if not isinstance(v, str)}
    assert not numbers & {Decimal("4.10"), Decimal("102.50"), Decimal("6.00"), Decimal("150.00")}
    notes = [v for v in values if isinstance(v, str) and v.startswith(("< 3 = ", ".. = "))]
    assert len(notes) == 4  # both lines under the monthly and the supervision table


def test_the_pdf_of_the_evaluation_group_hides_them_and_says_why(
    client, evaluation_member, small_division
):
    client.force_login(evaluation_member)
    text = pdf_text(client.get(reverse("reporting:export", args=["pdf"]), QUERY).content)
    lines = text.splitlines()
    assert any(line.startswith("Tunnit 0,00 0,00 0,00 < 3 .. 9,00") for line in lines)
    assert text.count("< 3 = ") == 2 and text.count(".. = ") == 2
    assert not set(text.split()) & set(HIDDEN_VALUES)


def test_the_command_json_shows_every_figure(small_division):
    out = io.StringIO()
    call_command("monthly_report", "--year", "2027", "--division", "disability", stdout=out)
    data = json.loads(out.getvalue())
    april = data["months"][3]
    assert (april["hours"], april["fees"], april["active_experts"]) == ("4.10", "102.50", 1)
    assert (april["supervision_attendances"], april["supervision_experts"]) == (2, 1)
    assert data["months"][4]["fees"] == "150.00"
    assert "paid_experts" not in april  # what a figure rests on is not a figure of the SPEC


@pytest.mark.parametrize("role", ["evaluation_member", "coordinator"])
def test_hiding_costs_no_query(client, role, small_division, request, django_assert_num_queries):
    client.force_login(request.getfixturevalue(role))
    # session, user, groups, the division of the filter, then the figures, and the requests'
    # (orders.selectors.request_figures; with none, no names of areas and types to read), and
    # kokemusohjaus's (guidance.selectors.period_figures)
    with django_assert_num_queries(4 + FIGURE_QUERIES + 2 + 3):
        assert client.get(REPORT, QUERY).status_code == 200
    # The file: the data version (in a test's transaction on PostgreSQL, the pending raise of
    # it first: reporting.stored.current_version), no stored file yet, and again once it has
    # the report's lock, the version again, the file stored; the figures from the months the
    # page kept.
    storage = 5 + 2 * (connection.vendor == "postgresql")
    with django_assert_num_queries(4 + KEPT_FIGURE_QUERIES + 2 + 3 + storage):
        client.get(reverse("reporting:export", args=["csv"]), QUERY)


# Charts, the cell filter and the setting ------------------------------------------------------


def test_a_chart_draws_no_bar_for_a_hidden_figure_and_says_so():
    labels, values = ["1", "2", "3"], [4, FEW, 6]
    for chart in (
        column_chart("c", "Trend", labels, values),
        bar_chart("b", "Jako", labels, values),
    ):
        assert chart.svg.count("<rect") == 2
        assert "&lt; 3</text>" in chart.svg
        assert chart.description == "1: 4; 2: < 3; 3: 6. Hidden figures have no bar."


def test_the_cell_filter_writes_the_marker():
    assert (figure(FEW), figure(MORE), figure(Decimal("4.10"))) == ("< 3", "..", "4.10")


@pytest.mark.parametrize("value", ["2", "0", "three", "-5"])
def test_a_threshold_below_three_or_not_a_number_is_refused(value):
    result = manage("check", env={"SMALL_COUNT_THRESHOLD": value})
    assert result.returncode != 0
    assert "SMALL_COUNT_THRESHOLD must be a whole number of 3 or more." in result.stderr


def test_a_threshold_of_five_is_taken():
    code = "from django.conf import settings; print(settings.SMALL_COUNT_THRESHOLD)"
    result = manage("shell", "-c", code, env={"SMALL_COUNT_THRESHOLD": "5"})
    assert result.stdout.strip().splitlines()[-1] == "5", result.stderr
