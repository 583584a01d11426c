"""Payroll in the browser: an expert reports hours and kilometres on a phone, a coordinator
approves every waiting line at once, runs and exports the month, and the XLSX and PDF files
hold the hand-counted totals."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from kokemus.access import Role
from payroll import services
from payroll.models import LineStatus, PayrollRun, ReportLine, RunStatus
from tests.factories import (
    AgreementFactory,
    AssignmentFactory,
    ExpertFactory,
    ParticipationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 740}


@pytest.fixture
def phone(browser, live_server):
    """An English-speaking expert's phone."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()
    assert not violations, violations


def _agreement(expert, hourly, per_km="0.00"):
    today = timezone.localdate()
    return AgreementFactory(
        expert=expert,
        hourly_fee=Decimal(hourly),
        travel_compensation=Decimal(per_km),
        signed_on=today - datetime.timedelta(days=400),
        valid_from=today - datetime.timedelta(days=400),
        valid_until=today + datetime.timedelta(days=300),
    )


def test_expert_reports_on_a_phone_coordinator_approves_runs_and_exports(phone, page_en, log_in):
    today = timezone.localdate()
    for role in Role:
        Group.objects.get_or_create(name=role)
    UserFactory(username="koordinaattori", groups=[Role.COORDINATOR])
    aino_user = UserFactory(username="aino", groups=[Role.EXPERT])
    aino = ExpertFactory(user=aino_user, first_name="Aino", last_name="Puhelin")
    ben = ExpertFactory(first_name="Ben", last_name="Berg")
    aino_agreement = _agreement(aino, "25.00", per_km="0.30")
    ben_agreement = _agreement(ben, "30.00")
    assignment = AssignmentFactory(title="Kokemuspuheenvuoro", date=today, hours=Decimal(2))
    ParticipationFactory(assignment=assignment, agreement=aino_agreement)
    ben_on_it = ParticipationFactory(assignment=assignment, agreement=ben_agreement)
    services.line_submit(participation=ben_on_it, hours=Decimal("1.5"))  # Ben has no login

    # Aino reports on her phone: 2.5 h and 42 km.
    log_in(phone, "aino")
    phone.goto("/oma/")
    phone.locator("#to-report").get_by_role("link", name="Kokemuspuheenvuoro").click()
    phone.get_by_label("Hours worked").fill("2.5")
    phone.get_by_label("Kilometres driven").fill("42")
    phone.get_by_label("Route").fill("Kokkola – Kannus – Kokkola")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.get_by_role("button", name="Send my report").click()
    phone.get_by_text("Your report of 2.5 hours was sent to the coordinator.").wait_for()
    assert phone.locator("#report-status").inner_text() == "Waiting for approval"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert ReportLine.objects.get(participation__expert=aino).kilometres == Decimal("42.0")

    # The coordinator approves both lines at once, runs the month and exports it.
    page = page_en
    log_in(page, "koordinaattori")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Payroll").click()
    # The tick-all box works once its deferred script has run: wait for the page's load.
    page.wait_for_url("**/palkkiot/")
    page.locator("#select-all").check()
    assert page.locator("input[name=lines]:checked").count() == 2
    page.get_by_role("button", name="Approve the ticked lines").click()
    page.get_by_text("2 lines approved.").wait_for()
    assert set(ReportLine.objects.values_list("status", flat=True)) == {LineStatus.APPROVED}

    page.goto(f"/palkkiot/ajot/?year={today.year}&month={today.month}")
    page.locator("#make-run").click()
    page.locator("#export-run").click()
    page.get_by_text("The run is exported and locked.").wait_for()
    run = PayrollRun.objects.get()
    assert (run.status, run.exported_by.username) == (RunStatus.EXPORTED, "koordinaattori")

    # Aino: 2.5 × 25.00 = 62.50 and 42 km × 0.30 = 12.60; Ben: 1.5 × 30.00 = 45.00.
    with page.expect_download() as download:
        page.locator("#download-xlsx").click()
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    total = list(workbook["Per expert"].iter_rows(values_only=True))[-1]
    assert total[0] == "Total"
    assert total[-4:] == (107.5, 12.6, 0.0, 120.1)  # fees, travel, other costs, total

    response = page.request.get(
        page.locator("#download-pdf").get_attribute("href"), headers={"accept-language": "en"}
    )
    assert response.headers["content-type"] == "application/pdf"
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages]
    assert len(pages) == 2
    assert "Ben Berg" in pages[0] and "45.00" in pages[0]
    assert "Aino Puhelin" in pages[1] and "75.10" in pages[1]
