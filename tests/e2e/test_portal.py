"""An expert's first day: invited by a coordinator, sets a password, reports hours, gets fees
once the report is approved."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail

from agreements.models import AssignmentStatus
from payroll.services import lines_approve
from tests.factories import (
    AgreementFactory,
    AssignmentFactory,
    ExpertFactory,
    ParticipationFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Kokemus-salasana-77"


def test_invited_expert_sets_password_reports_hours_and_downloads_fee_statement(
    page_en, log_in, coordinator
):
    page = page_en
    expert = ExpertFactory(first_name="Iida", last_name="Kutsuttu", email="iida@example.fi")
    agreement = AgreementFactory(expert=expert, number="TS-IIDA", hourly_fee=Decimal("20.00"))
    participation = ParticipationFactory(
        agreement=agreement,
        assignment=AssignmentFactory(title="Asiakasraati", date=datetime.date(2025, 3, 10)),
    )

    log_in(page, coordinator.username)
    page.goto(f"/oma/kutsu/{expert.pk}/")
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("Iida Kutsuttu can now log in as iida@example.fi").wait_for()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/kirjaudu/")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/salasana/uusi/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_label("New password", exact=False).first.fill(PASSWORD)
    page.get_by_label("New password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()
    page.get_by_role("heading", name="Password set").wait_for()

    log_in(page, "iida@example.fi", PASSWORD)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="My page").click()
    page.get_by_role("link", name="Asiakasraati").first.click()
    page.get_by_label("Hours worked").fill("2.5")
    page.get_by_role("button", name="Send my report").click()
    page.get_by_text("Your report of 2.5 hours was sent to the coordinator. Thank you!").wait_for()
    line = participation.report_lines.get()
    assert line.hours == Decimal("2.50")
    participation.assignment.refresh_from_db()
    assert participation.assignment.status == AssignmentStatus.DONE  # she was alone on it
    lines_approve(line_ids=[line.pk], by=None)  # the coordinator approves: now it is paid

    page.get_by_role("link", name="My fees").first.click()
    page.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Show", exact=True).click()
    page.get_by_role("cell", name="50.00").first.wait_for()  # 2.5 h × 20 €
    href = page.get_by_role("link", name="Fee statement 2025 (PDF)").get_attribute("href")
    response = page.request.get(href)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
