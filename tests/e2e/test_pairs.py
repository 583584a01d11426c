"""A coordinator makes a work pair with the default plan and sends the professional the link;
the professional, with no account, opens it in a browser of their own and ticks a step."""

import re

import pytest

from notifications.models import Kind, Message
from pairs.models import DoneBy, WorkPair
from tests.e2e.axe import serious_violations
from tests.factories import ExpertFactory, ProfessionalFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_pair_starts_and_the_professional_ticks_a_step(
    page_en, browser, live_server, log_in, coordinator
):
    page = page_en
    ExpertFactory(first_name="Ilona", last_name="Kokemus")
    ProfessionalFactory(first_name="Paula", last_name="Ammatti", email="paula@example.fi")
    log_in(page, coordinator.username)

    page.get_by_role("link", name="Work pairs", exact=True).click()
    page.get_by_role("link", name="New work pair").click()
    page.locator("#id_expert").select_option(label="Ilona Kokemus")
    page.locator("#id_professional").select_option(label="Paula Ammatti (sosiaaliohjaaja)")
    page.get_by_label("Started on").fill("2025-03-03")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The work pair was saved.").wait_for()
    assert page.locator("#plan-steps tbody tr").count() == 10
    assert serious_violations(page) == []

    page.get_by_role("button", name="Send the link").click()
    page.get_by_text("A private link to the plan was sent to paula@example.fi").wait_for()
    text = Message.objects.get(kind=Kind.PAIR_LINK).text
    path = re.search(r"http://\S+(/tyopari/\S+/)", text).group(1)

    professional = browser.new_context(base_url=live_server.url, locale="en-US").new_page()
    professional.goto(path)
    professional.get_by_role("heading", name="The plan of your work pair with Ilona").wait_for()
    assert "Kokemus" not in professional.locator("main").inner_text()
    professional.get_by_role("button", name="Mark done").first.click()
    professional.get_by_text("The plan was updated.").wait_for()
    assert serious_violations(professional) == []
    professional.context.close()

    step = WorkPair.objects.get().steps.first()
    assert step.done_by == DoneBy.PROFESSIONAL
