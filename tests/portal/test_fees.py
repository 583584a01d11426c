"""My fees: hand-counted figures under several agreements; cancelled and planned left out."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from pypdf import PdfReader

from agreements.models import Assignment, AssignmentStatus
from payroll.selectors import fee_years_of_expert, fees_of_expert
from payroll.services import line_submit, lines_approve
from tests.factories import AgreementFactory, AssignmentFactory, ParticipationFactory

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}
D = datetime.date


def _on(agreement, day, hours, status=AssignmentStatus.DONE, own_hours=None):
    """A participation; a done one is reported with its hours and approved (payroll)."""
    participation = ParticipationFactory(
        agreement=agreement,
        hours=own_hours,
        assignment=AssignmentFactory(date=day, hours=Decimal(hours), status=status),
    )
    if status == AssignmentStatus.DONE:
        line = line_submit(
            participation=participation, hours=participation.worked_hours, today=D(2026, 1, 1)
        )
        lines_approve(line_ids=[line.pk], by=None)
    return participation


@pytest.fixture
def alice_year(expert_alice):
    """Alice's 2025 under three agreements (hand-counted in the tests below)."""
    expert = expert_alice.expert
    spring = AgreementFactory(
        expert=expert,
        number="TS-KEVAT",
        valid_from=D(2025, 1, 1),
        valid_until=D(2025, 6, 30),
        hourly_fee=Decimal("20.00"),
        assignment_fee=Decimal("10.00"),
    )
    autumn = AgreementFactory(
        expert=expert,
        number="TS-SYKSY",
        valid_from=D(2025, 7, 1),
        valid_until=D(2025, 12, 31),
        hourly_fee=Decimal("30.00"),
    )
    march = AgreementFactory(
        expert=expert,
        number="TS-MAALIS",
        valid_from=D(2025, 3, 1),
        valid_until=D(2025, 3, 31),
        hourly_fee=Decimal("40.00"),
        assignment_fee=Decimal("5.00"),
    )
    old = AgreementFactory(
        expert=expert, number="TS-2024", valid_from=D(2024, 1, 1), valid_until=D(2024, 12, 31)
    )
    _on(spring, D(2025, 3, 10), "2")  # 2 × 20 + 10 = 50
    _on(spring, D(2025, 3, 20), "3", own_hours=Decimal("2.5"))  # 2.5 × 20 + 10 = 60
    _on(march, D(2025, 3, 15), "1")  # 1 × 40 + 5 = 45
    _on(spring, D(2025, 3, 25), "4", status=AssignmentStatus.PLANNED)  # not done
    _on(spring, D(2025, 4, 5), "5", status=AssignmentStatus.CANCELLED)  # cancelled
    _on(autumn, D(2025, 8, 1), "1.5")  # 1.5 × 30 + 0 = 45
    _on(old, D(2024, 12, 1), "6")  # another year
    _on(AgreementFactory(number="TS-BOB"), D(2025, 3, 10), "7")  # another expert
    return expert


def _lines(month: dict) -> list[tuple]:
    return [
        (line.assignment.date, line.agreement.number, line.worked, line.fee)
        for line in month["lines"]
    ]


def test_fee_statement_lists_each_assignment_under_its_month_hand_counted(
    alice_year, django_assert_num_queries
):
    with django_assert_num_queries(1):  # participations with their approved lines' fees
        fees = fees_of_expert(alice_year, 2025)
    march, august = fees["months"]
    assert march["month_start"] == D(2025, 3, 1)
    assert _lines(march) == [
        (D(2025, 3, 10), "TS-KEVAT", Decimal("2.00"), Decimal("50.00")),
        (D(2025, 3, 15), "TS-MAALIS", Decimal("1.00"), Decimal("45.00")),
        (D(2025, 3, 20), "TS-KEVAT", Decimal("2.50"), Decimal("60.00")),  # her own hours
    ]
    assert march["totals"] == {
        "assignments": 3,
        "hours": Decimal("5.50"),
        "fees": Decimal("155.00"),
    }
    assert _lines(august) == [(D(2025, 8, 1), "TS-SYKSY", Decimal("1.50"), Decimal("45.00"))]
    assert fees["totals"] == {
        "assignments": 4,
        "hours": Decimal("7.00"),
        "fees": Decimal("200.00"),
    }
    assert [a.number for a in fees["agreements"]] == ["TS-KEVAT", "TS-MAALIS", "TS-SYKSY"]


def _approved(participation):
    line = line_submit(participation=participation, hours=Decimal("2"), today=D(2026, 1, 1))
    lines_approve(line_ids=[line.pk], by=None)


def test_the_years_with_fees_are_those_with_done_work_or_approved_reports(alice_year):
    spring = alice_year.agreements.get(number="TS-KEVAT")
    _on(spring, D(2021, 5, 5), "1", status=AssignmentStatus.PLANNED)  # planned only: no fee
    _on(spring, D(2020, 5, 5), "1", status=AssignmentStatus.CANCELLED)  # cancelled only
    # planned still, a co-worker has not reported, but Alice's report is approved: paid
    paid = AssignmentFactory(date=D(2022, 5, 5), status=AssignmentStatus.PLANNED)
    ParticipationFactory(assignment=paid)
    _approved(ParticipationFactory(agreement=spring, assignment=paid))
    # planned still, Alice has not reported; a co-worker's approved report is not hers
    theirs = AssignmentFactory(date=D(2018, 5, 5), status=AssignmentStatus.PLANNED)
    ParticipationFactory(agreement=spring, assignment=theirs)
    _approved(ParticipationFactory(assignment=theirs))
    _on(AgreementFactory(number="TS-BOB-2019"), D(2019, 3, 10), "7")  # another expert's year

    planned = Assignment.objects.filter(status=AssignmentStatus.PLANNED)
    assert planned.filter(pk__in=[paid.pk, theirs.pk]).count() == 2
    assert fee_years_of_expert(alice_year) == [2025, 2024, 2022]


def test_fees_of_a_year_without_done_assignments_are_zero(alice_year):
    fees = fees_of_expert(alice_year, 2023)
    assert fees["months"] == []
    assert fees["totals"] == {"assignments": 0, "hours": Decimal("0"), "fees": Decimal("0")}


def test_fees_page_shows_the_year(login, expert_alice, alice_year):
    response = login(expert_alice).get(reverse("portal:fees") + "?year=2025", headers=EN)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>My fees 2025</h1>" in page
    assert "TS-MAALIS" in page
    assert "TS-BOB" not in page
    assert "200.00" in page
    assert 'href="?year=2024"' in page  # a year with approved hours reports


def test_fees_page_ignores_a_bad_year(login, expert_alice, alice_year):
    response = login(expert_alice).get(reverse("portal:fees") + "?year=abc", headers=EN)
    assert response.status_code == 200
    assert response.context["year"] == datetime.date.today().year


def test_fee_statement_pdf_has_the_totals(login, expert_alice, alice_year):
    response = login(expert_alice).get(
        reverse("portal:fee_statement_pdf") + "?year=2025", headers=EN
    )
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="palkkioselvitys-2025.pdf"' in response["Content-Disposition"]
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Fee statement 2025" in text
    assert expert_alice.expert.full_name in text
    assert "March 2025 in total: 3 assignments 5.50 155.00" in text
    assert "20.3.2025" in text  # each assignment on a line of its own
    assert "TS-MAALIS" in text  # the agreement number whole, not cut in two
    assert "The year 2025 in total: 4 assignments 7.00 200.00" in text
    assert "TS-BOB" not in text


def test_fees_page_in_fixed_queries(login, expert_alice, alice_year, django_assert_num_queries):
    client = login(expert_alice)
    # session, user, groups, expert, years with any work and those with paid work, the lines,
    # payroll statements
    with django_assert_num_queries(8):
        assert client.get(reverse("portal:fees") + "?year=2025").status_code == 200


def test_a_coordinator_reads_an_experts_fees_hand_counted(
    login, coordinator, alice_year, django_assert_max_num_queries
):
    url = reverse("registry:expert_fees", args=[alice_year.pk])
    client = login(coordinator)
    with django_assert_max_num_queries(12):
        page = client.get(url, {"year": "2025"}, headers=EN).content.decode()
    total = re.search(r"<tfoot>.*?</tfoot>", page, re.S)[0]
    cells = re.findall(r'<td class="num text-end">(.*?)</td>', total)
    assert cells == ["7.00", "200.00"]  # 50 + 60 + 45 + 45 €, approved reports only
    assert "The year 2025 in total: 4 assignments" in total
    assert f"of the approved hours reports of {alice_year.full_name} in 2025" in page
    assert "TS-BOB" not in page  # another expert's assignment
    trail = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=coordinator)
    assert trail.filter(object_id=str(alice_year.pk)).exists()  # a view of personal data
