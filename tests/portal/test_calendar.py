"""The personal iCalendar feed: secret token, the expert's own events, revocable."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from agreements.models import AssignmentStatus
from portal.calendar import FEED_DAYS_BACK
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
# Days relative to today, so the feed's window (a year back, all ahead) holds them every year.
DAY = datetime.timedelta(days=1)
SOON = timezone.localdate() + datetime.timedelta(days=10)


@pytest.fixture
def alice_token(expert_alice):
    return calendar_token_regenerate(expert=expert_alice.expert)


def _at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), zoneinfo.ZoneInfo("Europe/Helsinki")
    )


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
            date=SOON,
            start_time=datetime.time(13, 0),
            hours=Decimal("1.5"),
            location="Kokkola",
        ),
    ).assignment
    all_day = ParticipationFactory(
        agreement=alice_agreement, assignment=AssignmentFactory(date=SOON + DAY)
    ).assignment
    ParticipationFactory(
        agreement=alice_agreement,
        assignment=AssignmentFactory(date=SOON, status=AssignmentStatus.CANCELLED),
    )
    ParticipationFactory(assignment=AssignmentFactory(date=SOON, title="Toisen tehtävä"))
    membership = GroupMembershipFactory(expert=expert_alice.expert, group__name="Tukiryhmä")
    session = SupervisionSessionFactory(
        group=membership.group, date=SOON + 2 * DAY, start_time=datetime.time(9, 0)
    )
    SupervisionSessionFactory(date=SOON)  # another group's session

    response = client.get(reverse("portal:calendar_feed", args=[alice_token.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = _events(response)
    assert set(events) == {
        f"assignment-{timed.pk}@kokemus",
        f"assignment-{all_day.pk}@kokemus",
        f"supervision-{session.pk}@kokemus",
    }
    event = events[f"assignment-{timed.pk}@kokemus"]
    assert str(event["summary"]) == "Asiakasraati"
    assert str(event["location"]) == "Kokkola"
    assert event.decoded("dtstart") == _at(SOON, 13, 0)
    assert event.decoded("dtend") == _at(SOON, 14, 30)
    event = events[f"assignment-{all_day.pk}@kokemus"]
    assert event.decoded("dtstart") == SOON + DAY
    assert event.decoded("dtend") == SOON + 2 * DAY
    event = events[f"supervision-{session.pk}@kokemus"]
    assert str(event["summary"]) == "Tukiryhmä"
    assert event.decoded("dtend") == _at(SOON + 2 * DAY, 10, 30)


@pytest.mark.time_machine(_at(datetime.date(2027, 3, 1), 12, 0))  # both nights ahead
@pytest.mark.parametrize(
    ("night", "ends_at_utc"),
    [
        (datetime.date(2027, 3, 27), datetime.datetime(2027, 3, 28, 4, tzinfo=datetime.UTC)),
        (datetime.date(2027, 10, 30), datetime.datetime(2027, 10, 31, 3, tzinfo=datetime.UTC)),
    ],
    ids=["to summer time", "from summer time"],
)
def test_a_night_across_a_change_of_summer_time_lasts_its_hours(
    client, alice_agreement, alice_token, night, ends_at_utc
):
    ParticipationFactory(  # 22.00 in Helsinki is 20.00 UTC in winter, 19.00 UTC in summer
        agreement=alice_agreement,
        assignment=AssignmentFactory(date=night, start_time=datetime.time(22), hours=Decimal(8)),
    )
    feed = client.get(reverse("portal:calendar_feed", args=[alice_token.token]))
    (event,) = _events(feed).values()
    assert event.decoded("dtend") == ends_at_utc  # 8 hours after 22.00, not 06.00 local


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
    assert "of the past 12 months and all upcoming ones" in page  # the window, FEED_DAYS_BACK
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
        assignment=AssignmentFactory(date=SOON, start_time=datetime.time(13, 0)),
    )
    response = client.get(reverse("portal:calendar_feed", args=[alice_token.token]))
    calendar = Calendar.from_ical(response.content)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Helsinki"]


def test_feed_holds_the_last_year_and_everything_ahead(
    client, expert_alice, alice_agreement, alice_token
):
    today = timezone.localdate()
    first_day = today - datetime.timedelta(days=FEED_DAYS_BACK)

    def own(**fields):
        return ParticipationFactory(
            agreement=alice_agreement, assignment=AssignmentFactory(**fields)
        ).assignment

    too_old = own(date=first_day - DAY)
    oldest_shown = own(date=first_day)
    still_running = own(date=first_day - 2 * DAY, end_date=first_day, hours=Decimal("8"))
    far_ahead = own(date=today + datetime.timedelta(days=3 * 365))
    membership = GroupMembershipFactory(expert=expert_alice.expert)
    old_session = SupervisionSessionFactory(group=membership.group, date=first_day - DAY)
    session = SupervisionSessionFactory(group=membership.group, date=first_day)

    events = _events(client.get(reverse("portal:calendar_feed", args=[alice_token.token])))

    assert set(events) == {
        f"assignment-{oldest_shown.pk}@kokemus",
        f"assignment-{still_running.pk}@kokemus",
        f"assignment-{far_ahead.pk}@kokemus",
        f"supervision-{session.pk}@kokemus",
    }
    assert f"assignment-{too_old.pk}@kokemus" not in events
    assert f"supervision-{old_session.pk}@kokemus" not in events
    assert events[f"assignment-{still_running.pk}@kokemus"].decoded("dtend") == first_day + DAY


def test_unchanged_feed_answers_304_and_a_change_gives_a_new_feed(
    client, expert_alice, alice_agreement, alice_token, django_assert_max_num_queries
):
    url = reverse("portal:calendar_feed", args=[alice_token.token])
    assignment = ParticipationFactory(
        agreement=alice_agreement, assignment=AssignmentFactory(date=SOON, title="Raati")
    ).assignment
    first = client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200
    assert etag.startswith('"')
    assert first["Cache-Control"] == "private, no-cache"

    # token (with the expert), assignments, sessions: no more for a 304
    with django_assert_max_num_queries(3):
        again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag

    assignment.title = "Raati siirtyi"
    assignment.save()
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Raati siirtyi" in changed.content.decode()

    other = ParticipationFactory(assignment=AssignmentFactory(date=SOON))  # another expert's
    assert client.get(url, headers={"if-none-match": changed["ETag"]}).status_code == 304
    ParticipationFactory(agreement=alice_agreement, assignment=other.assignment)
    assert client.get(url, headers={"if-none-match": changed["ETag"]}).status_code == 200


MARCH_1 = datetime.date(2027, 3, 1)


@pytest.mark.time_machine(_at(MARCH_1, 12, 0))
def test_a_poll_without_the_etag_gets_the_feed_built_for_the_same_events(
    client, expert_alice, alice_agreement, alice_token
):
    caches["feeds"].clear()  # nothing kept by an earlier test
    url = reverse("portal:calendar_feed", args=[alice_token.token])
    ahead = MARCH_1 + 10 * DAY
    ParticipationFactory(agreement=alice_agreement, assignment=AssignmentFactory(date=ahead))
    first = client.get(url)
    with time_machine.travel(_at(MARCH_1, 12, 10)):
        again = client.get(url)  # the same events: not built again, DTSTAMP and all
        ParticipationFactory(agreement=alice_agreement, assignment=AssignmentFactory(date=ahead))
        changed = client.get(url)
    assert again.content == first.content
    assert len(_events(changed)) == 2
    assert {str(e["dtstamp"].dt) for e in _events(changed).values()} != {
        str(e["dtstamp"].dt) for e in _events(first).values()
    }


def test_feed_queries_do_not_grow_with_the_events(
    client, expert_alice, alice_agreement, alice_token, django_assert_max_num_queries
):
    for offset in range(5):
        ParticipationFactory(
            agreement=alice_agreement,
            assignment=AssignmentFactory(date=SOON + offset * DAY),
        )
        SupervisionSessionFactory(
            group=GroupMembershipFactory(expert=expert_alice.expert).group, date=SOON
        )
    with django_assert_max_num_queries(3):
        response = client.get(reverse("portal:calendar_feed", args=[alice_token.token]))
    assert len(_events(response)) == 10
