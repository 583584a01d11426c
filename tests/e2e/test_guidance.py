"""A guide records a kokemusohjaus period on a phone (375 px wide), from the referral the
coordinator entered to the outcomes: the start meeting with its goals, a meeting, the end."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from agreements.models import AssignmentStatus
from guidance.models import PeriodStatus
from kokemus.access import Role
from tests.factories import AgreementFactory, ExpertFactory, UserFactory
from tests.guidance.factories import PeriodFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def phone(browser, live_server):
    """An English-speaking guide's phone."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()
    assert not violations, violations


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_a_guide_records_a_period_from_referral_to_outcome_on_a_phone(phone, log_in):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    Group.objects.get_or_create(name=Role.EXPERT)
    user = UserFactory(username="olli", groups=[Role.EXPERT])
    guide = ExpertFactory(user=user, first_name="Olli", last_name="Ohjaaja", kind="guide")
    AgreementFactory(
        expert=guide, signed_on=today - 400 * day, valid_from=today - 400 * day,
        valid_until=today + 300 * day,
    )  # fmt: skip
    # The coordinator has entered the social worker's referral.
    period = PeriodFactory(guide=guide, client_code="KO-2025-31", referred_on=today - 20 * day)

    log_in(phone, "olli")
    phone.goto("/oma/")
    _fits(phone)
    phone.locator("#my-periods").get_by_role("link", name="KO-2025-31").click()
    start = phone.get_by_role("link", name="Record the start meeting")
    start.wait_for()  # the period's page, not the one being left
    _fits(phone)

    start.click()
    phone.get_by_label("Date").fill((today - 14 * day).isoformat())
    phone.get_by_label("Duration (hours)").fill("1,5")
    phone.get_by_label("outside the home").check()
    phone.get_by_label("Goal 1").fill("Arjen rytmi")
    phone.get_by_label("Goal 2").fill("Asiointi kaupungilla")
    _fits(phone)
    phone.get_by_role("button", name="Save").click()
    phone.get_by_text("The start meeting and the goals were saved.").wait_for()
    assert phone.locator("#goals li").all_inner_texts() == ["Arjen rytmi", "Asiointi kaupungilla"]

    phone.get_by_role("link", name="Record a meeting").click()
    phone.get_by_label("Date").fill((today - 7 * day).isoformat())
    phone.get_by_label("Duration (hours)").fill("2")
    phone.get_by_label("remote").check()
    phone.get_by_role("button", name="Save").click()
    phone.get_by_text("The meeting was saved.").wait_for()
    assert phone.locator("#meetings tbody tr").count() == 2
    _fits(phone)

    phone.get_by_role("link", name="End the period").click()
    phone.get_by_label("End date").fill(today.isoformat())
    first, second = period.goals.order_by("position")
    phone.locator(f"#id_outcome_{first.pk}_0").check()  # reached
    phone.locator(f"#id_outcome_{second.pk}_1").check()  # partly reached
    phone.get_by_label("Closing note").fill("Jakso sujui hyvin.")
    _fits(phone)
    phone.get_by_role("button", name="Save").click()
    phone.get_by_text("The period was ended.").wait_for()
    assert phone.locator("#period-status").inner_text() == "ended"
    assert phone.locator("#goals li").all_inner_texts() == [
        "Arjen rytmi – reached",
        "Asiointi kaupungilla – partly reached",
    ]
    _fits(phone)

    period.refresh_from_db()
    assert period.status == PeriodStatus.ENDED
    meetings = list(period.meetings.select_related("assignment"))
    assert [m.assignment.hours for m in meetings] == [Decimal("1.50"), Decimal("2.00")]
    assert all(m.assignment.status == AssignmentStatus.DONE for m in meetings)
    assert {m.assignment.participations.get().expert for m in meetings} == {guide}
