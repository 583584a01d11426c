"""The coordinator's start page: this month's figures and the lists to act on."""

import datetime
from decimal import Decimal

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
    # upcoming + their experts, expiring, drafts, experts without supervision; hours reports
    # waiting, earnings limits (and, when there are some, their lines and participations)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("home"))
    assert len(response.context["dashboard"]["drafts"]) == min(size, 10)
