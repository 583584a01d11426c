"""The report's wide tables on a laptop (1366 px) and a phone (390 px): the first column and the
year's total stay in view, and where a table does not fit a hint says it scrolls sideways."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from agreements.models import Assignment, AssignmentStatus, Participation
from kokemus.access import Role
from registry.models import AssignmentType, ServiceArea
from tests.factories import AgreementFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TABLES = ["monthly", "by_type", "by_division", "by_service_area", "type_by_division", "supervision"]


@pytest.fixture
def busy_year():
    """A full 2025: every type and service area each month, with five-digit fee sums."""
    agreements = [AgreementFactory(hourly_fee=Decimal("95.00")) for _ in range(3)]
    areas = list(ServiceArea.objects.order_by("pk"))
    assignments = Assignment.objects.bulk_create(
        Assignment(
            title="Yhteiskehittämispaja",
            type=assignment_type,
            service_area=areas[(month + index) % len(areas)],
            date=datetime.date(2025, month, 10),
            hours=Decimal("8.00"),
            status=AssignmentStatus.DONE,
        )
        for month in range(1, 13)
        for index, assignment_type in enumerate(AssignmentType.objects.order_by("pk"))
    )
    Participation.objects.bulk_create(
        Participation(assignment=assignment, agreement=agreement, expert_id=agreement.expert_id)
        for assignment in assignments
        for agreement in agreements
    )


@pytest.fixture
def report_page(browser, live_server, busy_year):
    """The evaluation member's report of 2025 in a browser window ``width`` pixels wide."""
    Group.objects.get_or_create(name=Role.EVALUATION)
    UserFactory(username="arvioija", groups=[Role.EVALUATION])
    contexts = []

    def open_report(width: int):
        context = browser.new_context(
            base_url=live_server.url, locale="fi-FI", viewport={"width": width, "height": 800}
        )
        contexts.append(context)
        page = context.new_page()
        page.goto("/kirjaudu/")
        page.get_by_label("Käyttäjätunnus").fill("arvioija")
        page.get_by_label("Salasana").fill("salasana-testiin-123")
        page.get_by_role("button", name="Kirjaudu sisään").click()
        page.wait_for_url("**/")
        page.goto("/raportit/?year=2025")
        return page

    yield open_report
    for context in contexts:
        context.close()


def _on_top(page, locator) -> bool:
    """Whether the cell is what a reader sees at its centre, not hidden under another cell,
    and inside its table's visible box."""
    return locator.evaluate(
        """cell => {
            const box = cell.closest('.table-responsive').getBoundingClientRect();
            const own = cell.getBoundingClientRect();
            const x = own.left + own.width / 2, y = own.top + own.height / 2;
            const inside = own.left >= box.left - 1 && own.right <= box.right + 1;
            return inside && cell.contains(document.elementFromPoint(x, y));
        }"""
    )


def _scroll_state(table) -> dict:
    return table.evaluate(
        """table => {
            const box = table.closest('.table-responsive');
            const hint = table.closest('[data-table-scroll]').querySelector('.table-scroll-hint');
            return {scrolls: box.scrollWidth > box.clientWidth + 1, hint: !hint.hidden};
        }"""
    )


def test_at_1366_px_every_table_shows_its_total_column(report_page):
    page = report_page(1366)
    for slug in TABLES:
        table = page.locator(f"#table-{slug}")
        table.scroll_into_view_if_needed()
        total = table.locator("thead th").last
        assert total.inner_text() == "Yhteensä", slug
        assert _on_top(page, total), f"{slug}: the total column is out of view"
        assert _on_top(page, table.locator("tbody tr").first.locator("td").last), slug
        state = _scroll_state(table)
        assert state["hint"] == state["scrolls"], f"{slug}: {state}"
    monthly = page.locator("#table-monthly")
    fees = monthly.locator("tbody tr").filter(has_text="Palkkiot (€)")
    assert fees.locator("td").last.inner_text() == "246\xa0240,00"  # 12 × 9 × 3 × 8 h × 95 €


def test_at_390_px_a_table_scrolls_under_its_first_and_total_columns(report_page):
    page = report_page(390)
    table = page.locator("#table-by_type")
    table.scroll_into_view_if_needed()
    assert _scroll_state(table) == {"scrolls": True, "hint": True}
    wrapper = table.locator("xpath=ancestor::*[@data-table-scroll]")
    assert wrapper.locator(".table-scroll-hint").is_visible()

    row = table.locator("tbody tr").first
    stub, january, june, total = (
        row.locator("th"),
        row.locator("td").first,
        row.locator("td").nth(5),
        row.locator("td").last,
    )
    assert _on_top(page, stub) and _on_top(page, total) and _on_top(page, january)
    assert not _on_top(page, june)  # hidden behind the scroll

    june.evaluate("cell => cell.scrollIntoView({inline: 'center', block: 'nearest'})")
    page.wait_for_timeout(100)  # the scroll event's classes
    assert _on_top(page, june)
    assert not _on_top(page, january)  # scrolled away, under the first column
    assert _on_top(page, stub) and _on_top(page, total)
    assert wrapper.evaluate("w => [...w.classList].sort()") == [
        "is-scrollable",
        "more-left",
        "more-right",
        "table-scroll",
    ]
