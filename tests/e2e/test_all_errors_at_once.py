"""A refused form lists every error at once: what the fields say and what the rules say (a
number in use, an expert without an agreement), not one round after another."""

import pytest

from agreements.models import Agreement, Assignment
from tests.factories import AgreementFactory, ExpertFactory, ServiceAreaFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def summary_lines(page) -> list[str]:
    # all_inner_texts does not wait: read the summary once the refused form has come back.
    page.locator("#error-summary").wait_for()
    return page.locator("#error-summary li").all_inner_texts()


def test_agreement_form_lists_a_number_in_use_with_the_field_errors(page_en, log_in, coordinator):
    page = page_en
    AgreementFactory(number="TS-E2E-1")
    expert = ExpertFactory(first_name="Aino", last_name="Virtanen")
    ServiceAreaFactory(code="family_e2e", name="Perhepalvelut")
    log_in(page, coordinator.username)

    page.goto(f"/sopimukset/uusi/{expert.pk}/")
    page.get_by_label("Agreement number").fill("TS-E2E-1")
    page.get_by_label("Contracting division").select_option(label="Perhepalvelut")
    page.get_by_label("Valid from").fill("")
    page.get_by_label("Hourly fee (€)").fill("paljon")
    page.get_by_role("button", name="Save draft").click()

    assert summary_lines(page) == [
        "Agreement number: Another agreement already has this number.",
        "Valid from: This field is required.",
        "Hourly fee (€): Enter a number.",
    ]
    assert Agreement.objects.count() == 1


def test_assignment_form_lists_an_uncovered_expert_with_the_field_errors(
    page_en, log_in, coordinator
):
    page = page_en
    uncovered = ExpertFactory(first_name="Eeva", last_name="Koskinen")
    log_in(page, coordinator.username)

    page.goto("/tehtavat/uusi/")
    page.locator("#id_date").fill("2025-03-10")
    page.locator("#id_hours").fill("2")
    page.locator("#id_experts-0-expert").select_option(str(uncovered.pk))
    page.locator("main form button[type=submit]").click()

    assert summary_lines(page) == [
        "Title: This field is required.",
        "Assignment type: This field is required.",
        "Service area: This field is required.",
        "Eeva Koskinen has no signed agreement that covers 10.3.2025.",
    ]
    assert not Assignment.objects.exists()
