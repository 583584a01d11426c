"""An expert reads their fee statement: each done assignment on a line of its own under its
month (date, type, agreement, hours, fee), the month's total and the year's, on a phone too."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from pypdf import PdfReader

from agreements.models import AssignmentStatus
from kokemus.access import Role
from registry.models import AssignmentType
from tests.factories import (
    AgreementFactory,
    AssignmentFactory,
    ExpertFactory,
    ParticipationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
D = datetime.date


@pytest.fixture
def iida():
    Group.objects.get_or_create(name=Role.EXPERT)
    user = UserFactory(username="iida", groups=[Role.EXPERT])
    expert = ExpertFactory(user=user, first_name="Iida", last_name="Palkkio")
    spring = AgreementFactory(
        expert=expert,
        number="TS-2025-KEVÄTKAUSI-001",  # long: it must not wrap in the middle
        valid_from=D(2025, 1, 1),
        valid_until=D(2025, 6, 30),
        hourly_fee=Decimal("20.00"),
        assignment_fee=Decimal("10.00"),
    )
    training, panel = (AssignmentType.objects.get(code=c) for c in ("training", "client_panel"))
    for day, hours, kind, status in [
        (D(2025, 3, 20), "1.5", panel, AssignmentStatus.DONE),  # 1.5 × 20 + 10 = 40
        (D(2025, 3, 10), "2", training, AssignmentStatus.DONE),  # 2 × 20 + 10 = 50
        (D(2025, 3, 25), "3", training, AssignmentStatus.PLANNED),  # not done: no fee
        (D(2025, 5, 5), "4", panel, AssignmentStatus.DONE),  # 4 × 20 + 10 = 90
    ]:
        ParticipationFactory(
            agreement=spring,
            assignment=AssignmentFactory(
                title=f"{kind.name} {day:%d.%m.}",
                type=kind,
                date=day,
                hours=Decimal(hours),
                status=status,
            ),
        )
    return user


@pytest.fixture
def fee_page(browser, live_server, iida):
    """Iida's fees of 2025 in an English browser ``width`` pixels wide."""
    contexts = []

    def open_fees(width: int):
        context = browser.new_context(
            base_url=live_server.url, locale="en-US", viewport={"width": width, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.goto("/kirjaudu/")
        page.get_by_label("Username").fill("iida")
        page.get_by_label("Password").fill("salasana-testiin-123")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/")
        page.goto("/oma/palkkiot/?year=2025")
        return page

    yield open_fees
    for context in contexts:
        context.close()


def _cells(row) -> list[str]:
    return [" ".join(cell.split()) for cell in row.locator("th, td").all_inner_texts()]


def test_the_fee_statement_lists_each_assignment_under_its_month(fee_page):
    page = fee_page(1366)
    march = page.locator("#fee-month-2025-03")
    assert _cells(march.locator("tr.fee-month")) == ["March 2025"]
    assert [_cells(row) for row in march.locator("tr.fee-line").all()] == [
        ["10.3.2025", "Training and lecturing Koulutus ja luennointi 10.03.",
         "TS-2025-KEVÄTKAUSI-001", "2.00", "50.00"],
        ["20.3.2025", "Client panel Asiakasraati 20.03.",
         "TS-2025-KEVÄTKAUSI-001", "1.50", "40.00"],
    ]  # fmt: skip
    assert _cells(march.locator("tr.fee-month-total")) == [
        "March 2025 in total: 2 assignments",
        "3.50",
        "90.00",
    ]
    may = page.locator("#fee-month-2025-05")
    assert [_cells(row)[-2:] for row in may.locator("tr.fee-line").all()] == [["4.00", "90.00"]]
    assert _cells(page.locator("#fee-table tfoot tr")) == [
        "The year 2025 in total: 3 assignments",
        "7.50",
        "180.00",
    ]
    assert _cells(page.locator("#fee-terms tbody tr")) == [
        "TS-2025-KEVÄTKAUSI-001",
        "20.00",
        "10.00",
    ]

    href = page.get_by_role("link", name="Fee statement 2025 (PDF)").get_attribute("href")
    pdf = page.request.get(href, headers={"accept-language": "en"})
    text = PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text()
    assert "20.3.2025 Client panel" in text
    assert "March 2025 in total: 2 assignments 3.50 90.00" in text


def test_on_a_phone_no_agreement_number_or_date_is_cut_in_two(fee_page):
    page = fee_page(390)
    first_line = page.locator("#fee-month-2025-03 tr.fee-line").first
    for cell in (first_line.locator("td").nth(0), first_line.locator("td").nth(2)):
        lines = cell.evaluate(
            """cell => {
                const range = document.createRange();
                range.selectNodeContents(cell);
                return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
            }"""
        )
        assert lines == 1, cell.inner_text()
