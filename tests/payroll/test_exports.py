"""A run's files: CSV and XLSX for the payroll system and the experts' PDF statements, with
hand-counted totals; the same file every time; a fixed number of queries for 5,000 lines."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from agreements.models import Assignment, Participation
from payroll import exports, services
from payroll.models import LineStatus, PayrollRun, ReportLine, RunStatus
from registry.models import AssignmentType, ServiceArea
from tests.factories import AgreementFactory, ExpertFactory
from tests.payroll.conftest import EN, TODAY, D, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def march_run(people, coordinator):
    """Aino: a lecture (wage) 2.5 h and 42 km, and client support 1 h with 4.20 € of costs;
    Bertta: client support 1.75 h and 100 km (her 0.60 €/km capped at 0.52)."""
    (lecture,) = book([people.aino_agreement], type_code="training")
    aino, bertta = book([people.aino_agreement, people.bertta_agreement])

    def report(participation, hours, **fields):
        return services.line_submit(
            participation=participation, hours=Decimal(hours), today=TODAY, **fields
        )

    lines = [
        report(  # 73.75 + travel 12.60; a lecture records the people it reached
            lecture, "2.50", kilometres=Decimal("42"), people_reached=40, reached_group="staff"
        ),
        report(aino, "1.00", other_costs=Decimal("4.20"), other_costs_description="Bussi"),
        report(bertta, "1.75", kilometres=Decimal("100")),  # 32.81 + travel 52.00
    ]  # Aino's second: 25.50 + 10.00 = 35.50 and 4.20
    services.lines_approve(line_ids=[line.pk for line in lines], by=coordinator)
    run = services.run_create(month=D(2025, 3, 1), by=coordinator, today=TODAY)
    return services.run_export(run=run, by=coordinator)


def _download(client, run, file_format):
    response = client.get(reverse("payroll:run_file", args=[run.pk, file_format]), headers=EN)
    assert response.status_code == 200
    assert response["Content-Type"] == exports.CONTENT_TYPES[file_format]
    return response


def test_the_csv_has_a_row_per_expert_and_class(login, coordinator, march_run):
    content = _download(login(coordinator), march_run, "csv").content
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1:] == [
        # id, name, class, lines, hours, hourly, per assignment, fees, travel, other, total
        ["EXP-" + rows[1][0][4:], "Aino Palkkalainen", "wage", "1", "2,50", "63,75", "10,00",
         "73,75", "12,60", "0,00", "86,35"],
        [rows[2][0], "Aino Palkkalainen", "compensation for work", "1", "1,00", "25,50",
         "10,00", "35,50", "0,00", "4,20", "39,70"],
        [rows[3][0], "Bertta Tuntilista", "compensation for work", "1", "1,75", "32,81",
         "0,00", "32,81", "52,00", "0,00", "84,81"],
    ]  # fmt: skip


def test_the_xlsx_totals_and_lines_add_up(login, coordinator, march_run):
    workbook = load_workbook(io.BytesIO(_download(login(coordinator), march_run, "xlsx").content))
    assert workbook.sheetnames == ["Per expert", "Lines"]
    per_expert = list(workbook["Per expert"].iter_rows(values_only=True))
    assert per_expert[-1] == (
        "Total", None, None, 3, 5.25, 122.06, 20.0, 142.06, 64.6, 4.2, 210.86
    )  # fmt: skip
    lines = list(workbook["Lines"].iter_rows(values_only=True))
    assert len(lines) == 4
    assert sum(row[-1] for row in lines[1:]) == pytest.approx(210.86)
    assert [row[15] for row in lines[1:]] == [0.3, 0.3, 0.52]  # the capped €/km rates
    assert not any(
        isinstance(cell, str) and cell.startswith("=") for row in lines for cell in row
    )  # values, never formulas


def test_each_expert_has_a_statement_with_their_own_totals(login, coordinator, march_run, people):
    client = login(coordinator)
    pdf = PdfReader(io.BytesIO(_download(client, march_run, "pdf").content))
    assert len(pdf.pages) == 2
    aino, bertta = (page.extract_text() for page in pdf.pages)
    assert "Aino Palkkalainen" in aino and "Bertta" not in aino
    assert "126.05" in aino  # 86.35 + 39.70
    assert "84.81" in bertta and "Aino" not in bertta
    url = reverse("payroll:run_statement", args=[march_run.pk, people.bertta.pk])
    one = client.get(url, headers=EN)
    pages = PdfReader(io.BytesIO(one.content)).pages
    assert len(pages) == 1
    assert "Bertta Tuntilista" in pages[0].extract_text()


def test_an_expert_downloads_only_their_own_statement(login, march_run, people, expert_bob):
    from tests.factories import UserFactory

    aino_user = UserFactory(username="aino", groups=["expert"])
    people.aino.user = aino_user
    people.aino.save()
    client = login(aino_user)
    page = client.get(reverse("portal:fees") + "?year=2025").content.decode()
    url = reverse("payroll:my_statement", args=[march_run.pk])
    assert url in page
    text = PdfReader(io.BytesIO(client.get(url).content)).pages[0].extract_text()
    assert "Aino Palkkalainen" in text and "Bertta" not in text
    assert login(expert_bob).get(url).status_code == 404


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "pdf"])
def test_exporting_again_gives_the_same_file(login, coordinator, march_run, file_format):
    first = _download(login(coordinator), march_run, file_format).content
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3, seconds=7)):
        again = _download(login(coordinator), march_run, file_format).content
    assert again == first


# --- 5,000 lines: a fixed number of queries ------------------------------------------------


def _exported_run_of(size: int, coordinator) -> PayrollRun:
    """``size`` approved lines of 50 experts in an exported March run, written in bulk."""
    type_ = AssignmentType.objects.get(code="training")
    area = ServiceArea.objects.filter(parent__isnull=True).first()
    agreements = [AgreementFactory(expert=ExpertFactory()) for _ in range(min(size, 50))]
    assignments = Assignment.objects.bulk_create(
        Assignment(title=f"Luento {n}", type=type_, service_area=area,
                   date=D(2025, 3, 1 + n % 28), hours=Decimal("2.00"))
        for n in range(size)
    )  # fmt: skip
    participations = Participation.objects.bulk_create(
        Participation(assignment=a, agreement=agreements[n % len(agreements)],
                      expert_id=agreements[n % len(agreements)].expert_id)
        for n, a in enumerate(assignments)
    )  # fmt: skip
    run = PayrollRun.objects.create(
        month=D(2025, 3, 1),
        status=RunStatus.EXPORTED,
        created_by=coordinator,
        exported_by=coordinator,
        exported_at=timezone.now(),
    )
    ReportLine.objects.bulk_create(
        ReportLine(participation=p, agreement=p.agreement, status=LineStatus.APPROVED,
                   hours=Decimal("1.75"), kilometres=Decimal("12.5"), hourly_fee=Decimal("25.00"),
                   assignment_fee=Decimal("0.00"), kilometre_rate=Decimal("0.30"),
                   payroll_class="wage", run=run)
        for p in participations
    )  # fmt: skip
    return run


def _queries(client, run, file_format) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as queries:
        content = _download(client, run, file_format).content
    return len(queries), content


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exporting_5000_lines_takes_as_many_queries_as_10(login, coordinator, file_format):
    client = login(coordinator)
    small = _exported_run_of(10, coordinator)
    small_queries, _content = _queries(client, small, file_format)
    ReportLine.objects.all().delete()
    small.delete()
    large = _exported_run_of(5000, coordinator)
    large_queries, content = _queries(client, large, file_format)
    assert large_queries == small_queries <= 10
    if file_format == "csv":
        rows = content.decode("utf-8-sig").splitlines()
        assert len(rows) == 51  # header and 50 experts
        # each expert: 100 lines × (1.75 × 25.00 + 12.5 km × 0.30) = 100 × (43.75 + 3.75)
        assert rows[1].split(";")[-1] == "4750,00"
    else:
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        assert workbook["Lines"].max_row == 5001
