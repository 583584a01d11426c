"""The coordinator's start page: this month's figures and the lists to act on."""

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import AgreementStatus, AssignmentStatus
from agreements.selectors import month_figures
from tests.factories import (
    AgreementFactory,
    AssignmentFactory,
    ExpertFactory,
    ParticipationFactory,
)
from tests.reporting.test_selectors import FIGURE_QUERIES, KEPT_FIGURE_QUERIES

pytestmark = pytest.mark.django_db
EN = {"headers": {"accept-language": "en"}}


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def test_month_figures_count_this_months_assignments_hours_and_new_agreements(client, coordinator):
    today = timezone.localdate()
    first_of_month = today.replace(day=1)
    counted = AssignmentFactory(date=first_of_month, hours=Decimal("2"))
    ParticipationFactory(assignment=counted)
    ParticipationFactory(assignment=counted, hours=Decimal("1.5"))
    AssignmentFactory(date=today, hours=Decimal("4"))  # counted, but nobody worked on it yet
    cancelled = AssignmentFactory(date=first_of_month, status=AssignmentStatus.CANCELLED)
    ParticipationFactory(assignment=cancelled)
    ParticipationFactory(assignment=AssignmentFactory(date=first_of_month - datetime.timedelta(1)))
    AgreementFactory(signed_on=first_of_month)
    AgreementFactory(signed_on=first_of_month - datetime.timedelta(1))
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    assert response.context["dashboard"]["month"] == {
        "assignments": 2,
        "hours": Decimal("3.5"),
        "new_agreements": 1,
    }
    page = response.content.decode()
    assert '<dd class="display-6 mb-0" id="figure-hours">3,50</dd>' in page


def test_month_figures_of_a_month_without_assignments_are_zero():
    AssignmentFactory(date=datetime.date(2025, 2, 28))
    assert month_figures(year=2025, month=3) == {
        "assignments": 0,
        "hours": Decimal("0"),
        "new_agreements": 0,
    }


def test_dashboard_lists_upcoming_expiring_drafts_and_experts_without_supervision(
    client, coordinator
):
    upcoming = ParticipationFactory(
        assignment=AssignmentFactory(title="Tuleva raati", date=days(3)),
        expert=ExpertFactory(first_name="Uuno", last_name="Tuleva"),
    )
    AssignmentFactory(title="Peruttu raati", date=days(3), status=AssignmentStatus.CANCELLED)
    expiring = AgreementFactory(number="TS-PAATTYY", valid_from=days(-300), valid_until=days(30))
    AgreementFactory(number="TS-MYOHEMMIN", valid_from=days(-300), valid_until=days(31))
    draft = AgreementFactory(number="TS-LUONNOS", status=AgreementStatus.DRAFT, signed_on=None)
    worked = ParticipationFactory(
        assignment=AssignmentFactory(date=days(-10)),
        expert=ExpertFactory(first_name="Ilona", last_name="Ilmanohjausta"),
    )
    client.force_login(coordinator)
    page = client.get(reverse("home"), **EN).content.decode()
    assert "Tuleva raati" in page and "Peruttu raati" not in page
    assert reverse("assignments:assignment_detail", args=[upcoming.assignment_id]) in page
    assert f"TS-PAATTYY</a> – {expiring.expert.full_name}" in page
    assert "TS-MYOHEMMIN" not in page
    assert reverse("agreements:agreement_detail", args=[draft.pk]) in page
    assert worked.expert.full_name in page


def test_other_roles_keep_their_start_page(client, evaluation_member):
    client.force_login(evaluation_member)
    response = client.get(reverse("home"), **EN)
    assert response.context["dashboard"] is None
    assert "Evaluation group: you read the monthly follow-up figures." in (
        response.content.decode()
    )


@pytest.mark.parametrize("size", [1, 15])
def test_dashboard_runs_a_constant_number_of_queries(
    client, coordinator, django_assert_max_num_queries, size
):
    for n in range(size):
        ParticipationFactory(assignment=AssignmentFactory(date=days(n % 5)))
        ParticipationFactory(assignment=AssignmentFactory(date=days(-n % 20)))
        AgreementFactory(valid_from=days(-300), valid_until=days(n % 30))
        AgreementFactory(status=AgreementStatus.DRAFT, signed_on=None)
    client.force_login(coordinator)
    # session, user, groups; figures: assignments with their hours, new agreements;
    # upcoming + their experts, expiring, drafts, experts without supervision (their targets,
    # last attendances, work); hours reports waiting, earnings limits (and, when there are
    # some, their lines and participations); reflections that call for a coordinator
    with django_assert_max_num_queries(15):
        response = client.get(reverse("home"))
    assert len(response.context["dashboard"]["drafts"]) == min(size, 10)


# --- the evaluation group's start page --------------------------------------------------------

MID_MARCH = datetime.datetime(2025, 3, 15, 12, tzinfo=ZoneInfo("Europe/Helsinki"))


@pytest.fixture
def year_of_work():
    """2025 as of mid-March: March's work by one expert, January's by three more; agreements
    signed in March and in January; a cancelled assignment and last year's work not counted."""
    march_expert = ExpertFactory(first_name="Maaret", last_name="Maaliskuu")
    ParticipationFactory(
        assignment=AssignmentFactory(date=datetime.date(2025, 3, 20), hours=Decimal("2")),
        expert=march_expert,
    )  # planned, later this month: counted
    january = AssignmentFactory(date=datetime.date(2025, 1, 8), hours=Decimal("1.5"))
    for _ in range(3):
        ParticipationFactory(assignment=january)
    cancelled = AssignmentFactory(date=datetime.date(2025, 3, 3), status=AssignmentStatus.CANCELLED)
    ParticipationFactory(assignment=cancelled)
    ParticipationFactory(assignment=AssignmentFactory(date=datetime.date(2024, 12, 30)))
    AgreementFactory(signed_on=datetime.date(2025, 3, 1))
    AgreementFactory(signed_on=datetime.date(2025, 1, 31))
    return march_expert


def figure(page: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}">(.*?)</dd>', page).group(1)


@pytest.mark.time_machine(MID_MARCH)
def test_the_evaluation_group_sees_this_months_and_this_years_key_figures(
    client, evaluation_member, year_of_work, django_assert_max_num_queries
):
    client.force_login(evaluation_member)
    # session, user, groups; the report's figures, every month counted (none kept yet)
    with django_assert_max_num_queries(3 + FIGURE_QUERIES):
        response = client.get(reverse("home"), **EN)
    with django_assert_max_num_queries(3 + KEPT_FIGURE_QUERIES):  # then read as kept
        again = client.get(reverse("home"), **EN)
    assert again.context["key_figures"] == response.context["key_figures"]
    page = response.content.decode()
    assert figure(page, "month-new-agreements") == "1"
    assert figure(page, "month-assignments") == "1"
    assert figure(page, "year-new-agreements") == "2"
    assert figure(page, "year-assignments") == "2"
    assert figure(page, "year-hours") == "6.50"  # 4 experts: 3 × 1.5 h + 2 h
    assert 'href="/raportit/">Monthly follow-up 2025</a>' in page
    assert year_of_work.last_name not in page and year_of_work.first_name not in page


@pytest.mark.time_machine(MID_MARCH)
def test_the_evaluation_group_does_not_see_hours_that_rest_on_too_few_experts(
    client, evaluation_member, year_of_work
):
    client.force_login(evaluation_member)
    page = client.get(reverse("home"), **EN).content.decode()
    # March's hours are one expert's: shown, they would be that person's hours
    assert "2.00" not in figure(page, "month-hours")
    assert "not shown" in figure(page, "month-hours")
    assert "fewer than 3 experts worked in this period" in page


@pytest.mark.time_machine(MID_MARCH)
def test_the_key_figures_follow_the_reports_small_count_setting(
    client, evaluation_member, year_of_work, settings
):
    settings.SMALL_COUNT_THRESHOLD = 5  # the year's 4 experts are now too few as well
    client.force_login(evaluation_member)
    page = client.get(reverse("home"), **EN).content.decode()
    assert "not shown" in figure(page, "year-hours")
    assert "fewer than 5 experts worked in this period" in page


def test_the_coordinator_gets_the_dashboard_not_the_key_figures(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    assert response.context["key_figures"] is None
    assert response.context["dashboard"] is not None
