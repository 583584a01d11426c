"""The personal iCalendar feed: secret token, the expert's own events, revocable."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from icalendar import Calendar

from agreements.models import AssignmentStatus
from portal.models import CalendarToken
from portal.services import calendar_token_regenerate
from tests.factories import (
    AssignmentFactory,
    GroupMembershipFactory,
    ParticipationFactory,
    SupervisionSessionFactory,
)

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


@pytest.fixture
def alice_token(expert_alice):
    return calendar_token_regenerate(expert=expert_alice.expert)


def _events(response) -> dict[str, object]:
    calendar = Calendar.from_ical(response.content)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_feed_has_own_assignments_and_sessions_not_cancelled(
    client, expert_alice, alice_agreement, alice_token
):
    timed = ParticipationFactory(
        agreement=alice_agreement,
        assignment=AssignmentFactory(
            title="Asiakasraati",
            date=datetime.date(2025, 4, 2),
            start_time=datetime.time(13, 0),
            hours=Decimal("1.5"),
            location="Kokkola",
        ),
    ).assignment
    all_day = ParticipationFactory(
        agreement=alice_agreement, assignment=AssignmentFactory(date=datetime.date(2025, 4, 3))
    ).assignment
    ParticipationFactory(
        agreement=alice_agreement,
        assignment=AssignmentFactory(status=AssignmentStatus.CANCELLED),
    )
    ParticipationFactory(assignment=AssignmentFactory(title="Toisen tehtävä"))
    membership = GroupMembershipFactory(expert=expert_alice.expert, group__name="Tukiryhmä")
    session = SupervisionSessionFactory(
        group=membership.group, date=datetime.date(2025, 4, 4), start_time=datetime.time(9, 0)
    )
    SupervisionSessionFactory()  # another group's session

    response = client.get(reverse("portal:calendar_feed", args=[alice_token.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = _events(response)
    assert set(events) == {
        f"assignment-{timed.pk}@kokemus",
        f"assignment-{all_day.pk}@kokemus",
        f"supervision-{session.pk}@kokemus",
    }
    helsinki = zoneinfo.ZoneInfo("Europe/Helsinki")
    event = events[f"assignment-{timed.pk}@kokemus"]
    assert str(event["summary"]) == "Asiakasraati"
    assert str(event["location"]) == "Kokkola"
    assert event.decoded("dtstart") == datetime.datetime(2025, 4, 2, 13, 0, tzinfo=helsinki)
    assert event.decoded("dtend") == datetime.datetime(2025, 4, 2, 14, 30, tzinfo=helsinki)
    event = events[f"assignment-{all_day.pk}@kokemus"]
    assert event.decoded("dtstart") == datetime.date(2025, 4, 3)
    assert event.decoded("dtend") == datetime.date(2025, 4, 4)
    event = events[f"supervision-{session.pk}@kokemus"]
    assert str(event["summary"]) == "Tukiryhmä"
    assert event.decoded("dtend") == datetime.datetime(2025, 4, 4, 10, 30, tzinfo=helsinki)


def test_wrong_or_revoked_token_is_404(client, expert_alice, alice_token):
    assert client.get(reverse("portal:calendar_feed", args=["x" * 43])).status_code == 404
    old = alice_token.token
    calendar_token_regenerate(expert=expert_alice.expert)
    assert client.get(reverse("portal:calendar_feed", args=[old])).status_code == 404


def test_expert_creates_regenerates_and_stops_the_address(login, expert_alice):
    client = login(expert_alice)
    response = client.post(reverse("portal:calendar_regenerate"), headers=EN, follow=True)
    token = CalendarToken.objects.get(expert=expert_alice.expert).token
    page = response.content.decode()
    assert f"http://testserver/oma/kalenteri/{token}.ics" in page
    client.post(reverse("portal:calendar_regenerate"))
    assert CalendarToken.objects.get().token != token
    response = client.post(reverse("portal:calendar_revoke_own"), headers=EN, follow=True)
    assert "Your calendar address no longer works." in response.content.decode()
    assert not CalendarToken.objects.exists()


def test_coordinator_revokes_an_experts_address(login, coordinator, expert_alice, alice_token):
    url = reverse("portal:calendar_revoke", args=[expert_alice.expert.pk])
    client = login(coordinator)
    response = client.post(url, {"next": "/oma/"}, headers=EN)
    assert response.status_code == 302
    assert response["Location"] == "/oma/"
    assert not CalendarToken.objects.exists()
    feed = reverse("portal:calendar_feed", args=[alice_token.token])
    client.logout()
    assert client.get(feed).status_code == 404  # the feed itself needs no login


def test_expert_cannot_revoke_another_experts_address(login, expert_bob, expert_alice, alice_token):
    url = reverse("portal:calendar_revoke", args=[expert_alice.expert.pk])
    assert login(expert_bob).post(url).status_code == 403
    assert CalendarToken.objects.count() == 1


def test_feed_names_its_time_zone(client, expert_alice, alice_agreement, alice_token):
    ParticipationFactory(
        agreement=alice_agreement,
        assignment=AssignmentFactory(start_time=datetime.time(13, 0)),
    )
    response = client.get(reverse("portal:calendar_feed", args=[alice_token.token]))
    calendar = Calendar.from_ical(response.content)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Helsinki"]
