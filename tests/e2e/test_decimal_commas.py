"""Finnish staff type "1,5" whatever language the pages are in: the fee of a new agreement and
the hours of a new assignment (and an expert's own hours) take the decimal comma in Finnish,
Swedish and English alike."""

from decimal import Decimal

import pytest

from agreements.models import Agreement, Assignment
from tests.factories import AgreementFactory, AssignmentTypeFactory, ServiceAreaFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def choose_language(page, code: str) -> None:
    """The footer's language switch, as a person uses it."""
    page.locator("#language-select").select_option(code)
    page.locator("footer button[type=submit]").click()
    page.wait_for_selector(f'html[lang="{code}"]')


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_decimal_commas_are_taken_in_every_language(page, log_in, coordinator, language):
    covered = AgreementFactory(number="TS-KATTAA").expert
    division = ServiceAreaFactory(code="e2e_division", name="Perhepalvelut")
    training = AssignmentTypeFactory(code="e2e_training", name="Koulutus")
    log_in(page, coordinator.username)
    choose_language(page, language)

    page.goto(f"/sopimukset/uusi/{covered.pk}/")
    page.locator("#id_number").fill("TS-PILKKU")
    page.locator("#id_division").select_option(str(division.pk))
    page.locator("#id_valid_from").fill("2025-01-01")
    page.locator("#id_hourly_fee").fill("25,50")
    page.locator("#id_travel_compensation").fill("0,25")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/sopimukset/*/")
    agreement = Agreement.objects.get(number="TS-PILKKU")
    assert (agreement.hourly_fee, agreement.travel_compensation) == (
        Decimal("25.50"),
        Decimal("0.25"),
    )

    page.goto("/tehtavat/uusi/")
    page.locator("#id_title").fill("Luento")
    page.locator("#id_type").select_option(str(training.pk))
    page.locator("#id_service_area").select_option(str(division.pk))
    page.locator("#id_date").fill("2025-03-10")
    page.locator("#id_hours").fill("1,5")
    page.locator("#id_experts-0-expert").select_option(str(covered.pk))
    page.locator("#id_experts-0-hours").fill("0,75")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/tehtavat/*/")
    assignment = Assignment.objects.get(title="Luento")
    assert assignment.hours == Decimal("1.50")
    assert assignment.participations.get().hours == Decimal("0.75")
