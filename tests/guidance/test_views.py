"""The pages of periods: a guide sees and records only their own, coordinators every one, the
evaluation group none (only the report's figures). Lists cost the same whatever their length."""

import datetime

import pytest
from django.urls import reverse

from guidance.models import Period, PeriodStatus
from registry.models import AssignmentType
from tests.factories import AgreementFactory
from tests.guidance.conftest import covered_guide
from tests.guidance.factories import PeriodFactory, meeting, started_period
from tests.orders.factories import RequestFactory

pytestmark = pytest.mark.django_db
LIST = reverse("guidance:period_list")


def test_a_guide_lists_only_their_own_periods(login, expert_alice, expert_bob):
    PeriodFactory(guide=expert_alice.expert, client_code="KO-ALICE")
    PeriodFactory(guide=expert_bob.expert, client_code="KO-BOB")
    page = login(expert_alice).get(LIST).content.decode()
    assert "KO-ALICE" in page
    assert "KO-BOB" not in page


def test_another_guides_period_is_not_found(login, expert_alice, expert_bob):
    theirs = PeriodFactory(guide=expert_bob.expert)
    client = login(expert_alice)
    for name in ("period_detail", "period_start", "meeting_create", "period_end"):
        assert client.get(reverse(f"guidance:{name}", args=[theirs.pk])).status_code == 404


def test_the_evaluation_group_sees_no_period(login, evaluation_member):
    period = PeriodFactory()
    client = login(evaluation_member)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("guidance:period_detail", args=[period.pk])).status_code == 403
    assert client.get(reverse("reporting:report")).status_code == 200


def test_my_page_shows_the_guides_referral(login, expert_alice):
    PeriodFactory(guide=expert_alice.expert, client_code="KO-2025-42")
    page = login(expert_alice).get(reverse("portal:my_page")).content.decode()
    assert "KO-2025-42" in page


def test_a_coordinator_refers_from_a_request_for_kokemusohjaus(login, coordinator):
    guidance = AssignmentType.objects.get(code="experience_guidance")
    order = RequestFactory(type=guidance)
    url = reverse("guidance:period_from_request", args=[order.pk])
    client = login(coordinator)
    assert client.get(reverse("orders:request_detail", args=[order.pk])).content.decode().count(url)
    guide = covered_guide()
    response = client.post(
        url,
        {
            "guide": guide.pk,
            "client_code": "KO-9",
            "referred_on": "2025-04-01",
            "service_area": order.service_area_id,
        },
    )
    period = Period.objects.get()
    assert response.status_code == 302
    assert (period.request, period.status) == (order, PeriodStatus.REFERRED)
    other = RequestFactory()  # not a request for kokemusohjaus
    assert client.get(reverse("guidance:period_from_request", args=[other.pk])).status_code == 404


def _periods(count: int, guide):
    for _ in range(count):
        period = started_period(guide=guide)
        meeting(period, datetime.date(2025, 4, 1))


def test_the_list_shows_each_periods_meetings_newest_referral_first(
    login, coordinator, expert_alice
):
    guide = expert_alice.expert
    AgreementFactory(expert=guide)
    older = started_period(guide=guide, referred_on=datetime.date(2025, 2, 1))
    meeting(older, datetime.date(2025, 4, 1))
    newer = started_period(guide=guide, referred_on=datetime.date(2025, 3, 1))
    referred = PeriodFactory(guide=guide, referred_on=datetime.date(2025, 1, 1))

    response = login(coordinator).get(LIST)
    rows = [(p.pk, p.meeting_count) for p in response.context["page_obj"]]
    assert rows == [(newer.pk, 1), (older.pk, 2), (referred.pk, 0)]  # the start is a meeting

    response = login(coordinator).get(LIST, {"status": PeriodStatus.REFERRED})
    assert [p.pk for p in response.context["page_obj"]] == [referred.pk]


@pytest.mark.parametrize("count", [1, 12])
def test_the_lists_and_a_period_cost_the_same_whatever_their_length(
    count, login, coordinator, expert_alice, django_assert_max_num_queries
):
    guide = expert_alice.expert
    AgreementFactory(expert=guide)
    _periods(count, guide)
    period = Period.objects.first()
    for user in (coordinator, expert_alice):
        client = login(user)
        with django_assert_max_num_queries(7):  # session, user, groups, (expert,) count, ids, rows
            assert client.get(LIST).status_code == 200
        with django_assert_max_num_queries(8):  # ... the period, its goals, its meetings
            assert (
                client.get(reverse("guidance:period_detail", args=[period.pk])).status_code == 200
            )
