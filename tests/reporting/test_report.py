"""The report page and its CSV, XLSX and PDF exports, and the command's JSON: the same figures
in every format, for the evaluation group (without small counts: tests/reporting/
test_small_counts.py) and the coordinators, and never a person's name."""

import csv
import io
import json
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from registry.models import AssignmentType, ServiceArea
from reporting.disclosure import without_small_counts
from reporting.selectors import Hidden, monthly_figures
from reporting.tables import NO_BOOKINGS, report_tables
from tests.orders.factories import RequestFactory
from tests.reporting.test_selectors import FIGURE_QUERIES, _add_assignments

pytestmark = pytest.mark.django_db

REPORT = reverse("reporting:report")


def export_url(file_format: str, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("reporting:export", args=[file_format]) + (f"?{query}" if query else "")


class _Tables(HTMLParser):
    """The report tables of a page: per table id, its rows as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current = self.row = self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id", "").startswith("table-"):
            self.current = self.tables.setdefault(attrs["id"][6:], [])
        elif self.current is not None and tag == "tr":
            self.row = []
        elif self.row is not None and tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.current.append(self.row)
            self.row = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def expected_rows(year=2025, *, evaluation=False):
    """Per table, the data rows (label + values) with the footer, from the selector, in
    Finnish: the page's language, which also orders the rows by name. ``evaluation``: as the
    evaluation group sees them, small counts hidden."""
    with translation.override("fi"):
        figures = monthly_figures(year)
        if evaluation:
            figures = without_small_counts(figures, threshold=3)
        return [
            [[str(row.label), *row.values] for row in [*t.rows, *([t.footer] if t.footer else [])]]
            for t in report_tables(figures)
        ]


def same_values(expected: list, actual: list) -> bool:
    """Compare values read back from a file with the expected numbers, by the expected type;
    a hidden figure reads as its marker."""
    if len(expected) != len(actual):
        return False
    for want, got in zip(expected[1:], actual[1:], strict=True):
        # orders: a month without bookings has no median
        if isinstance(want, Hidden) or want == NO_BOOKINGS:
            if got != str(want):
                return False
            continue
        text = str(got).replace(",", ".").replace("\xa0", "")
        number = Decimal(text).quantize(Decimal("0.01")) if isinstance(want, Decimal) else int(text)
        if number != want:
            return False
    return True


def assert_agree(expected_tables, actual_tables):
    assert len(actual_tables) == len(expected_tables)
    for expected, actual in zip(expected_tables, actual_tables, strict=True):
        assert len(actual) == len(expected), (expected, actual)
        for want, got in zip(expected, actual, strict=True):
            assert same_values(want, got), (want, got)


def html_tables(client) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(client.get(REPORT + "?year=2025").content.decode())
    return [rows[1:] for rows in parser.tables.values()]  # without the heading row


def csv_tables(content: bytes) -> list[list[list[str]]]:
    assert content.startswith("\ufeff".encode())  # Excel needs the BOM to read UTF-8
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    sections, current = [], None
    for row in rows:
        if not row:
            current = []
            sections.append(current)
        elif current is not None:
            current.append(row)
    # without the title, the heading row and the notes (one cell) under the table
    return [[row for row in section[2:] if len(row) > 1] for section in sections]


def xlsx_tables(content: bytes) -> list[list[list]]:
    workbook = load_workbook(io.BytesIO(content))
    tables = []
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "B2"
        rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
        width = sheet.max_column
        tables.append([r for r in rows if r[1] is not None and len(r) == width])
    return tables


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _finnish(value) -> str:
    if value == NO_BOOKINGS:
        return value
    return f"{value:.2f}".replace(".", ",") if isinstance(value, Decimal) else str(value)


def assert_pdf_agrees(expected_tables, content: bytes):
    """Each table row reads as one line of the PDF: its label, then its values in Finnish."""
    lines = set(pdf_text(content).splitlines())
    for table in expected_tables:
        for row in table:
            assert " ".join(_finnish(value) for value in row) in lines, row


def test_evaluation_member_sees_the_page_with_every_table(client, evaluation_member, report_data):
    client.force_login(evaluation_member)
    response = client.get(REPORT + "?year=2025")
    assert response.status_code == 200
    html = response.content.decode()
    for slug in ("monthly", "by_type", "by_division", "by_service_area", "type_by_division"):
        assert f'id="table-{slug}"' in html
    assert html.count('role="img"') == 3  # trend, by type, by division
    assert "?year=2024" in html and "?year=2026" in html


def test_page_shows_zero_months_not_skipped(client, coordinator, report_data):
    client.force_login(coordinator)
    monthly = html_tables(client)[0]
    assignments = monthly[1]
    assert assignments[1:] == ["2", "1", "1", "0", "0", "0", "0", "0", "0", "0", "0", "1", "5"]


@pytest.mark.parametrize("role", ["coordinator", "evaluation_member"])
def test_html_csv_xlsx_agree_with_the_figures(client, role, report_data, request):
    client.force_login(request.getfixturevalue(role))
    expected = expected_rows(evaluation=role == "evaluation_member")
    assert_agree(expected, html_tables(client))
    assert_agree(expected, csv_tables(client.get(export_url("csv", year=2025)).content))
    assert_agree(expected, xlsx_tables(client.get(export_url("xlsx", year=2025)).content))


def test_command_json_agrees_with_the_monthly_table(report_data):
    out = io.StringIO()
    call_command("monthly_report", "--year", "2025", stdout=out)
    data = json.loads(out.getvalue())
    monthly = {row[0]: row[1:] for row in expected_rows()[0]}
    for key, label in [("participations", "Osallistumiset"), ("hours", "Tunnit"),
                       ("fees", "Tehtyjen tehtävien palkkiot (€)"),
                       ("active_experts", "Toimineet kokemustoimijat")]:  # fmt: skip
        from_json = [Decimal(str(m[key])) for m in [*data["months"], data["totals"]]]
        assert from_json == monthly[label], key
    assert data["totals"]["fees"] == "357.50"


def test_xlsx_sheets_have_whole_names_in_the_users_language(client, evaluation_member, report_data):
    client.force_login(evaluation_member)
    workbook = load_workbook(io.BytesIO(client.get(export_url("xlsx", year=2025)).content))
    assert workbook.sheetnames == [
        "Kuukausittain",
        "Tyypeittäin",
        "Toimialueittain",
        "Palveluittain",
        "Tyyppi × toimialue",
        "Työnohjaus",
        "Tilaukset",  # orders: no requests in report_data, so no breakdowns of them
        "Kokemusohjaus",  # guidance: shown in every year, zero months too
        "Tavoitetut henkilöt tyypeittäin",  # people reached (issue 20)
        "Tavoitetut henkilöt ryhmittäin",
        "Palaute",  # feedback (issue 20)
    ]


def test_pdf_has_every_row_the_organisation_and_the_period(client, evaluation_member, report_data):
    client.force_login(evaluation_member)
    response = client.get(export_url("pdf", year=2025))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Kokemus" in text  # the organisation (ORGANISATION_NAME default)
    assert "1.1.2025–31.12.2025" in text
    assert_pdf_agrees(expected_rows(evaluation=True), response.content)
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape


def test_csv_uses_semicolons_and_decimal_commas(client, coordinator, report_data):
    client.force_login(coordinator)
    response = client.get(export_url("csv", year=2025))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="kuukausiseuranta-2025.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert ";8,50;1,25;0,00;" in text  # hours of January, February and March


def test_command_json_has_the_spec_shape(report_data):
    out = io.StringIO()
    call_command("monthly_report", "--year", "2025", stdout=out)
    data = json.loads(out.getvalue())
    assert data["year"] == 2025
    assert [m["month"] for m in data["months"]] == [f"2025-{n:02}" for n in range(1, 13)]
    january = data["months"][0]
    assert january["new_agreements"] == 2
    assert (january["assignments"], january["participations"]) == (2, 4)
    assert january["hours"] == "8.50"
    assert january["active_experts"] == 3
    assert january["by_type"] == {"client_support": 1, "training": 1}
    assert january["by_service_area"] == {"mental_health": 1, "mh_outpatient": 1}
    assert january["by_division"] == {"mental_health": 2}
    assert (january["supervision_sessions"], january["supervision_attendances"]) == (2, 4)
    totals = data["totals"]
    assert (totals["new_agreements"], totals["assignments"], totals["participations"]) == (3, 5, 7)
    assert totals["hours"] == "17.75"
    assert totals["by_division"] == {"disability": 1, "family_social": 1, "mental_health": 3}


def test_command_json_has_the_type_by_division_table(report_data):
    out = io.StringIO()
    call_command("monthly_report", "--year", "2025", stdout=out)
    totals = json.loads(out.getvalue())["totals"]
    assert totals["by_type_and_division"] == {
        "client_support": {"mental_health": 1},
        "communication": {"mental_health": 1},
        "development": {"disability": 1},
        "training": {"family_social": 1, "mental_health": 1},
    }
    assert "by_type_and_division" not in json.loads(out.getvalue())["months"][0]


def test_command_json_of_an_empty_year(db):
    out = io.StringIO()
    call_command("monthly_report", "--year", "2030", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert len(data["months"]) == 12
    assert data["months"][5]["hours"] == "0.00"
    assert data["totals"]["assignments"] == 0
    assert data["totals"]["by_type"] == {}
    assert data["totals"]["by_type_and_division"] == {}
    assert data["totals"]["requests"] == {
        "received": 0,
        "booked": 0,
        "unfilled": 0,
        "median_days": None,
        "by_service_area": {},
        "by_type": {},
    }
    assert data["months"][0]["kokemusohjaus"]["reached_share"] is None
    assert data["months"][0]["feedback"]["average_load"] is None


def test_command_writes_every_format_with_the_same_figures(report_data, tmp_path):
    expected = expected_rows()
    for file_format in ("csv", "xlsx", "pdf"):
        with translation.override("fi"):
            call_command("monthly_report", "--year", "2025", "--format", file_format,
                         "--output", str(tmp_path / f"r.{file_format}"))  # fmt: skip
    assert_agree(expected, csv_tables((tmp_path / "r.csv").read_bytes()))
    assert_agree(expected, xlsx_tables((tmp_path / "r.xlsx").read_bytes()))
    assert_pdf_agrees(expected, (tmp_path / "r.pdf").read_bytes())


def test_command_division_filter_and_unknown_division(report_data):
    out = io.StringIO()
    call_command("monthly_report", "--year", "2025", "--division", "mental_health", stdout=out)
    totals = json.loads(out.getvalue())["totals"]
    assert totals["assignments"] == 3
    assert totals["by_type_and_division"] == {
        "client_support": {"mental_health": 1},
        "communication": {"mental_health": 1},
        "training": {"mental_health": 1},
    }
    with pytest.raises(Exception, match="nope"):
        call_command("monthly_report", "--year", "2025", "--division", "nope")


def test_a_name_beginning_with_equals_is_text_in_the_xlsx_and_csv(client, evaluation_member):
    AssignmentType.objects.create(code="formula", name="=1+1")
    ServiceArea.objects.create(code="formula_division", name="=2+2")
    client.force_login(evaluation_member)
    text = client.get(export_url("csv", year=2025)).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [row[0] for row in rows if row and "1+1" in row[0]][:1] == ["'=1+1"]
    assert not any(cell.startswith("=") for row in rows for cell in row)
    workbook = load_workbook(io.BytesIO(client.get(export_url("xlsx", year=2025)).content))
    cells = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=")
    ]
    assert {cell.value for cell in cells} == {"=1+1", "=2+2"}
    assert {cell.data_type for cell in cells} == {"s"}  # not "f", a formula


def test_no_expert_name_in_any_format(client, evaluation_member, report_data, tmp_path):
    # the page's header names the reader: not a Faker name that could be "Aino"
    evaluation_member.first_name, evaluation_member.last_name = "Arvo", "Arvioija"
    evaluation_member.save()
    client.force_login(evaluation_member)
    html = client.get(REPORT + "?year=2025").content.decode()
    texts = [html, client.get(export_url("csv", year=2025)).content.decode("utf-8-sig")]
    workbook = load_workbook(io.BytesIO(client.get(export_url("xlsx", year=2025)).content))
    texts.append(
        " ".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    )
    texts.append(pdf_text(client.get(export_url("pdf", year=2025)).content))
    out = io.StringIO()
    call_command("monthly_report", "--year", "2025", stdout=out)
    texts.append(out.getvalue())
    for text in texts:
        for name in report_data.names:
            for part in name.split():
                assert part not in text
    assert 'href="/kokemustoimijat' not in html and 'href="/oma' not in html


def test_division_filter_on_the_page_and_in_the_download_links(client, coordinator, report_data):
    client.force_login(coordinator)
    response = client.get(REPORT + "?year=2025&division=mental_health")
    html = response.content.decode()
    assert "vienti/csv/?year=2025&amp;division=mental_health" in html
    # the filter offers every division by name (they come with the figures), the chosen one selected
    divisions = ServiceArea.objects.filter(parent__isnull=True).order_by("name", "code")
    choices = response.context["division_choices"]
    assert [d.code for d in choices] == [d.code for d in divisions]
    select = html[
        html.index('<select id="division"') : html.index("</select>", html.index('id="division"'))
    ]
    assert '<option value="mental_health" selected>' in select
    assert select.count(" selected>") == 1
    monthly = _Tables()
    monthly.feed(html)
    assert monthly.tables["monthly"][2][-1] == "3"  # assignments, total


def test_unknown_division_is_not_found(client, coordinator, report_data):
    client.force_login(coordinator)
    assert client.get(REPORT + "?division=nope").status_code == 404
    assert client.get(export_url("csv", division="mh_outpatient")).status_code == 404


def test_unknown_export_format_is_not_found(client, coordinator):
    client.force_login(coordinator)
    assert client.get(export_url("docx")).status_code == 404


def test_a_bad_year_falls_back_to_the_current_year(client, coordinator):
    client.force_login(coordinator)
    response = client.get(REPORT + "?year=abc")
    assert response.status_code == 200
    assert response.context["figures"].year == response.context["today"].year


def test_expert_is_refused(client, expert_alice):
    client.force_login(expert_alice)
    assert client.get(REPORT).status_code == 403
    assert client.get(export_url("csv")).status_code == 403


@pytest.mark.parametrize("extra", [1, 25])
def test_page_query_count_does_not_grow(client, evaluation_member, report_data, extra,
                                        django_assert_num_queries):  # fmt: skip
    _add_assignments(extra)
    RequestFactory.create_batch(extra)  # received in April 2025
    client.force_login(evaluation_member)
    # session, user, groups, then the figures (the divisions of the filter come with them),
    # the requests' (orders.selectors.request_figures: counts, days to booking, and the names
    # of the areas and types counted) and kokemusohjaus's (guidance.selectors.period_figures:
    # periods, meetings, goals)
    with django_assert_num_queries(3 + FIGURE_QUERIES + 4 + 3):
        response = client.get(REPORT + "?year=2025")
    assert response.context["figures"].totals.assignments == 5 + extra


@pytest.mark.parametrize(
    ("language", "count", "euros"),
    [
        ("fi", "1\xa0234", "25\xa0216,25"),
        ("sv", "1\xa0234", "25\xa0216,25"),
        ("en", "1,234", "25,216.25"),
    ],
)
def test_figures_are_grouped_in_thousands_in_the_pages_language(language, count, euros):
    from reporting.templatetags.reports import figure

    with translation.override(language):
        assert (figure(1234), figure(Decimal("25216.25"))) == (count, euros)
