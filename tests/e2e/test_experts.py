"""A coordinator registers an expert, finds them by search and opens their page."""

import pytest

from registry.models import Expert
from tests.e2e.axe import serious_violations
from tests.factories import ExpertFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_coordinator_registers_finds_and_opens_an_expert(page_en, log_in, coordinator):
    page = page_en
    ExpertFactory(first_name="Toinen", last_name="Henkilö")
    log_in(page, coordinator.username)

    page.get_by_role("link", name="Experts", exact=True).click()
    page.get_by_role("link", name="Register an expert").click()
    page.get_by_role("button", name="Save").click()  # empty: refused, with a summary
    page.get_by_role("alert").get_by_role(
        "link", name="First name: This field is required."
    ).wait_for()
    page.get_by_label("First name").fill("Ilona")
    page.get_by_label("Last name").fill("Kokemus")
    page.get_by_label("E-mail").fill("ilona@example.fi")
    page.get_by_label("Municipality").fill("Kokkola")
    page.get_by_label("Kind").select_option("guide")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Ilona Kokemus was added to the register.").wait_for()
    expert = Expert.objects.get(last_name="Kokemus")
    assert (expert.email, expert.kind) == ("ilona@example.fi", "guide")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Experts", exact=True).first.click()
    page.get_by_label("Search by name or e-mail").fill("ilona")
    page.get_by_role("button", name="Show", exact=True).click()
    table = page.locator("#expert-table")
    table.get_by_role("link", name="Ilona Kokemus").wait_for()
    assert table.get_by_role("link", name="Toinen Henkilö").count() == 0
    assert "q=ilona" in page.url  # the search can be bookmarked
    assert serious_violations(page) == []

    table.get_by_role("link", name="Ilona Kokemus").click()
    page.get_by_role("heading", name="Ilona Kokemus", level=1).wait_for()
    page.get_by_role("link", name="ilona@example.fi").wait_for()
    assert serious_violations(page) == []
