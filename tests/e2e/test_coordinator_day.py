"""The coordinator's whole day in one walk, through the real forms: register an expert, draft
and sign their agreement, book an assignment for them and a colleague, mark it done, record a
supervision session, and see all of it on the start page."""

import datetime

import pytest
from django.utils import timezone

from agreements.models import Agreement, AgreementStatus, Assignment, AssignmentStatus
from registry.models import AssignmentType, Expert, ServiceArea
from tests.factories import (
    AgreementFactory,
    ExpertFactory,
    GroupMembershipFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_coordinator_registers_signs_books_supervises_and_sees_the_dashboard(
    page_en, log_in, coordinator
):
    page = page_en
    today = timezone.localdate()
    ben = AgreementFactory(
        expert=ExpertFactory(first_name="Ben", last_name="Berg"),
        signed_on=today - datetime.timedelta(days=400),
        valid_from=today - datetime.timedelta(days=400),
        valid_until=today + datetime.timedelta(days=300),
    ).expert
    membership = GroupMembershipFactory(expert=ben, group__name="Yhteinen työnohjaus")
    group = membership.group

    log_in(page, coordinator.username)

    # Register an expert.
    page.get_by_role("link", name="Experts", exact=True).click()
    page.get_by_role("link", name="Register an expert").click()
    page.get_by_label("First name").fill("Ilona")
    page.get_by_label("Last name").fill("Kokemus")
    page.get_by_label("E-mail").fill("ilona@example.fi")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Ilona Kokemus was added to the register.").wait_for()
    ilona = Expert.objects.get(last_name="Kokemus")

    # Draft and sign her agreement, from her page.
    page.goto(f"/kokemustoimijat/{ilona.pk}/")
    page.get_by_role("link", name="New agreement").click()
    page.get_by_label("Agreement number").fill("TS-PAIVA-1")
    page.get_by_label("Contracting division").select_option(index=1)
    page.get_by_label("Valid from").fill(today.replace(day=1).isoformat())
    page.get_by_label("Valid until").fill((today + datetime.timedelta(days=365)).isoformat())
    page.get_by_label("Hourly fee (€)").fill("30.00")
    page.get_by_role("button", name="Save draft").click()
    page.locator("#agreement-sign").click()
    page.get_by_label("Signed on").fill(today.isoformat())
    page.get_by_role("button", name="Sign", exact=True).click()
    page.get_by_text("The agreement TS-PAIVA-1 is signed and in force.").wait_for()
    assert Agreement.objects.get(number="TS-PAIVA-1").status == AgreementStatus.ACTIVE

    # Book an assignment for Ilona and Ben (Ben with his own hours) and mark it done.
    page.goto("/tehtavat/uusi/")
    page.locator("#id_title").fill("Kokemuspuheenvuoro henkilöstölle")
    page.locator("#id_type").select_option(str(AssignmentType.objects.get(code="training").pk))
    division = ServiceArea.objects.filter(parent__isnull=True).first()
    page.locator("#id_service_area").select_option(str(division.pk))
    page.locator("#id_date").fill(today.isoformat())
    page.locator("#id_hours").fill("2")
    page.locator("#id_experts-0-expert").select_option(str(ilona.pk))
    page.locator("#id_experts-1-expert").select_option(str(ben.pk))
    page.locator("#id_experts-1-hours").fill("1.5")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/tehtavat/*/")
    page.locator("#id_people_reached").fill("25")  # a lecture: the people it reached
    page.locator("#id_reached_group").select_option("staff")
    page.locator("#status-done").click()
    page.wait_for_selector("#status-planned")
    assignment = Assignment.objects.get(title="Kokemuspuheenvuoro henkilöstölle")
    assert assignment.status == AssignmentStatus.DONE
    assert (assignment.people_reached, assignment.reached_group) == (25, "staff")
    assert assignment.participations.get(expert=ilona).agreement.number == "TS-PAIVA-1"

    # Record a supervision session that Ben attends.
    page.goto(f"/tyonohjaus/{group.pk}/istunto/")
    page.locator("#id_date").fill(today.isoformat())
    page.locator("#id_duration_minutes").fill("90")
    page.locator("#id_present_0").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/tyonohjaus/{group.pk}/")
    assert page.locator("#attendance-rate").inner_text() == "100 %"

    # The start page: this month's figures, and Ilona, who worked without supervision.
    menu = page.get_by_role("navigation", name="Main menu")
    menu.get_by_role("link", name="Start", exact=True).click()
    assert page.locator("#figure-assignments").inner_text() == "1"
    assert page.locator("#figure-hours").inner_text() == "3.50"
    assert page.locator("#figure-new-agreements").inner_text() == "1"
    unsupervised = page.locator("#unsupervised-experts").inner_text()
    assert "Ilona Kokemus" in unsupervised
    assert "Ben Berg" not in unsupervised
