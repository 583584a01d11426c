"""An evaluation group member reads the monthly follow-up: opens it from the menu, switches
the year and downloads the CSV for Excel."""

import datetime
from decimal import Decimal

import pytest

from registry.models import AssignmentType, ServiceArea
from tests.factories import AssignmentFactory, ParticipationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_evaluation_member_opens_report_switches_year_and_downloads_csv(
    page_en, log_in, evaluation_member
):
    page = page_en
    assignment = AssignmentFactory(
        date=datetime.date(2025, 3, 10),
        hours=Decimal("2.50"),
        type=AssignmentType.objects.get(code="training"),
        service_area=ServiceArea.objects.get(code="mh_outpatient"),
    )
    for _ in range(3):  # three experts, so that the evaluation group sees the hours
        ParticipationFactory(assignment=assignment)

    log_in(page, evaluation_member.username)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Reports").click()
    page.wait_for_url("**/raportit/")
    this_year = datetime.date.today().year
    assert page.get_by_role("heading", level=1).inner_text() == f"Monthly follow-up {this_year}"

    page.get_by_role("spinbutton", name="Year").fill("2024")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url("**/raportit/?year=2024*")
    assert page.locator("#table-monthly tbody tr").nth(1).locator("td").last.inner_text() == "0"
    page.get_by_role("link", name="2025 →").click()
    page.wait_for_url("**/raportit/?year=2025")
    assert page.get_by_role("heading", level=1).inner_text() == "Monthly follow-up 2025"
    assignments = page.locator("#table-monthly tbody tr").nth(1)
    assert assignments.locator("td").nth(2).inner_text() == "1"  # March
    assert assignments.locator("td").last.inner_text() == "1"  # the year
    assert page.get_by_role("img", name="Assignments per month 2025").is_visible()

    with page.expect_download() as download_info:
        page.locator("#download-csv").click()
    download = download_info.value
    assert download.suggested_filename == "kuukausiseuranta-2025.csv"
    with open(download.path(), encoding="utf-8-sig") as file:
        text = file.read()
    assert "\nHours;0,00;0,00;7,50;0,00;" in text  # decimal commas for Finnish Excel
