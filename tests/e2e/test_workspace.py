"""A coordinator's day: book an assignment for two experts, mark it done, copy it for next
week, record a supervision session with attendance, and see it all on the start page."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from agreements.models import Assignment, AssignmentStatus
from registry.models import AssignmentType, ServiceArea
from supervision.models import Attendance
from tests.factories import (
    AgreementFactory,
    AssignmentFactory,
    ExpertFactory,
    GroupMembershipFactory,
    ParticipationFactory,
    SupervisionGroupFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def signed_agreement(first_name: str, last_name: str, today: datetime.date):
    expert = ExpertFactory(first_name=first_name, last_name=last_name)
    return AgreementFactory(
        expert=expert,
        valid_from=today - datetime.timedelta(days=30),
        valid_until=today + datetime.timedelta(days=300),
    )


def test_coordinator_books_assignment_records_supervision_and_sees_the_dashboard(
    page, log_in, coordinator
):
    today = timezone.localdate()
    last_week, next_week = (today + datetime.timedelta(days=days) for days in (-7, 7))
    anna = signed_agreement("Anna", "Aaltonen", today).expert
    ben = signed_agreement("Ben", "Berg", today).expert
    # Someone who worked last week but has no supervision: the start page names them.
    lonely = ParticipationFactory(
        assignment=AssignmentFactory(date=last_week, hours=Decimal("2")),
        agreement=signed_agreement("Lauri", "Yksinäinen", today),
    ).expert
    group = SupervisionGroupFactory(name="Yhteinen työnohjaus")
    for expert in (anna, ben):
        GroupMembershipFactory(group=group, expert=expert)
    training = AssignmentType.objects.get(code="training")
    area = ServiceArea.objects.filter(parent__isnull=True).first()

    log_in(page, coordinator.username)

    # Book an assignment for two experts, one with own hours.
    page.locator("a[href='/tehtavat/']").first.click()
    page.locator("a[href='/tehtavat/uusi/']").click()
    page.locator("#id_title").fill("Luento sote-opiskelijoille")
    page.locator("#id_type").select_option(str(training.pk))
    page.locator("#id_service_area").select_option(str(area.pk))
    page.locator("#id_date").fill(today.isoformat())
    page.locator("#id_hours").fill("2")
    page.locator("#id_experts-0-expert").select_option(str(anna.pk))
    page.locator("#id_experts-1-expert").select_option(str(ben.pk))
    page.locator("#id_experts-1-hours").fill("1.5")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/tehtavat/*/")
    assignment = Assignment.objects.get(title="Luento sote-opiskelijoille")
    assert set(assignment.participations.values_list("expert_id", flat=True)) == {anna.pk, ben.pk}

    # Mark it done.
    page.locator("#id_people_reached").fill("25")  # a lecture: the people it reached
    page.locator("#id_reached_group").select_option("staff")
    page.locator("#status-done").click()
    page.wait_for_selector("#status-planned")  # the page now offers the way back
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DONE
    assert (assignment.people_reached, assignment.reached_group) == (25, "staff")

    # Copy it for next week: it shows among the upcoming ones.
    page.locator(f"a[href='/tehtavat/{assignment.pk}/kopioi/']").click()
    assert page.locator("#id_title").input_value() == "Luento sote-opiskelijoille"
    page.locator("#id_date").fill(next_week.isoformat())
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#status-cancelled")
    assert page.locator("#status-done").count() == 0  # not done before its day
    copy = Assignment.objects.get(title=assignment.title, date=next_week)
    assert (copy.date, copy.status, copy.participations.count()) == (
        next_week,
        AssignmentStatus.PLANNED,
        2,
    )

    # Record a supervision session with both experts present.
    page.locator("a[href='/tyonohjaus/']").first.click()
    page.locator(f"a[href='/tyonohjaus/{group.pk}/']").click()
    page.locator(f"a[href='/tyonohjaus/{group.pk}/istunto/']").click()
    page.locator("#id_date").fill(today.isoformat())
    page.locator("#id_duration_minutes").fill("90")
    page.locator("#id_topics_0").check()
    page.locator("#id_present_0").check()
    page.locator("#id_present_1").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/tyonohjaus/{group.pk}/")
    assert page.locator("#attendance-rate").inner_text() == "100 %"
    assert Attendance.objects.filter(present=True).count() == 2

    # The start page: this month's figures, the copy coming up, the expert without supervision.
    page.goto("/")
    # The booked assignment, its copy (2 h + 1.5 h each) and lonely's 2 h: which of them fall
    # in this month depends on the day, so the expected figures count those that do.
    hours_on = {today: Decimal("3.50"), next_week: Decimal("3.50"), last_week: Decimal("2.00")}
    this_month = [hours for day, hours in hours_on.items() if day.month == today.month]
    assert page.locator("#figure-assignments").inner_text() == str(len(this_month))
    assert page.locator("#figure-hours").inner_text() == str(sum(this_month)).replace(".", ",")
    upcoming = page.locator("#upcoming-assignments")
    assert "Luento sote-opiskelijoille" in upcoming.inner_text()
    assert "Anna Aaltonen" in upcoming.inner_text()
    unsupervised = page.locator("#unsupervised-experts").inner_text()
    assert lonely.full_name in unsupervised
    assert "Anna Aaltonen" not in unsupervised


def test_add_an_expert_gives_a_fourth_row_and_books_four_experts(page, log_in, coordinator):
    today = timezone.localdate()
    experts = [signed_agreement(name, "Raati", today).expert for name in "ABCD"]
    log_in(page, coordinator.username)

    page.goto("/tehtavat/uusi/")
    page.locator("#id_title").fill("Asiakasraati")
    page.locator("#id_type").select_option(str(AssignmentType.objects.get(code="client_panel").pk))
    page.locator("#id_service_area").select_option(index=1)
    page.locator("#id_date").fill(today.isoformat())
    page.locator("#id_hours").fill("1,5")
    for row, expert in enumerate(experts[:3]):
        page.locator(f"#id_experts-{row}-expert").select_option(str(expert.pk))
    page.get_by_role("button", name="Lisää kokemustoimija").click()
    fourth = page.locator("#id_experts-3-expert")
    assert fourth.evaluate("element => element === document.activeElement")
    assert fourth.input_value() == ""  # a fresh row, not a copy of the third expert
    fourth.select_option(str(experts[3].pk))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/tehtavat/*/")
    assignment = Assignment.objects.get(title="Asiakasraati")
    assert {p.expert_id for p in assignment.participations.all()} == {e.pk for e in experts}
    assert str(assignment.hours) == "1.50"
