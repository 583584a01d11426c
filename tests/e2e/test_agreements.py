"""A coordinator drafts a commission agreement for an expert, signs it and downloads its PDF;
every page on the way passes axe-core."""

import io

import pytest
from pypdf import PdfReader

from agreements.models import Agreement, AgreementStatus
from tests.e2e.axe import serious_violations
from tests.factories import ExpertFactory, ServiceAreaFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_coordinator_drafts_signs_and_prints_an_agreement(page_en, log_in, coordinator):
    page = page_en
    expert = ExpertFactory(first_name="Aino", last_name="Virtanen")
    ServiceAreaFactory(code="family_e2e", name="Perhepalvelut")
    log_in(page, coordinator.username)

    page.goto(f"/sopimukset/uusi/{expert.pk}/")
    assert serious_violations(page) == []
    page.get_by_label("Agreement number").fill("TS-E2E-1")
    page.get_by_label("Contracting division").select_option(label="Perhepalvelut")
    page.get_by_label("Valid from").fill("2025-01-01")
    page.get_by_label("Valid until").fill("2024-12-31")  # before it starts: refused
    page.get_by_label("Hourly fee (€)").fill("25.00")
    page.get_by_role("button", name="Save draft").click()
    summary = page.locator("#error-summary")
    summary.get_by_role("link", name="Valid until").click()
    assert page.evaluate("document.activeElement.id") == "id_valid_until"
    assert page.get_by_label("Hourly fee (€)").input_value() == "25.00"  # kept
    page.mouse.move(0, 0)  # the summary's links are checked as they look unhovered
    assert serious_violations(page) == []
    page.get_by_label("Valid until").fill("2025-12-31")
    page.get_by_role("button", name="Save draft").click()

    page.get_by_text("The draft agreement TS-E2E-1 was saved.").wait_for()
    assert page.locator("#agreement-status").inner_text() == "draft"
    assert serious_violations(page) == []
    page.locator("#agreement-sign").click()
    page.get_by_label("Signed on").fill("2024-12-20")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Sign", exact=True).click()
    page.get_by_text("The agreement TS-E2E-1 is signed and in force.").wait_for()
    assert page.locator("#agreement-status").inner_text() == "signed, active"

    agreement = Agreement.objects.get(number="TS-E2E-1")
    assert (agreement.expert_id, agreement.status) == (expert.pk, AgreementStatus.ACTIVE)

    href = page.locator("#agreement-pdf").get_attribute("href")
    response = page.request.get(href, headers={"accept-language": "fi"})  # the printed copy
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body())).pages)
    assert "Aino Virtanen" in text
    assert "25,00" in text  # the hourly fee, in Finnish number format

    page.goto("/sopimukset/?status=active")
    page.get_by_role("link", name="TS-E2E-1").wait_for()
    assert serious_violations(page) == []
