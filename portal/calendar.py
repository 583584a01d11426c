"""The expert's personal iCalendar feed: assignments and supervision sessions.

Calendar apps poll the feed often, so it holds a window (the last ``FEED_DAYS_BACK`` days and
everything ahead), not the whole history, and a poll whose events have not changed answers
304 Not Modified: the ETag is a hash of the very data the events are made of.
"""

import datetime
import functools
import hashlib
import zoneinfo
from typing import NamedTuple

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from agreements.models import AssignmentStatus
from portal.selectors import assignments_for_expert, sessions_for_expert
from registry.models import Expert

PRODID = "-//Kokemus//Expert calendar//FI"
# How far back the feed reaches (days); the future is always all in. My page says so.
FEED_DAYS_BACK = 365


class FeedEvent(NamedTuple):
    uid: str
    summary: str
    day: datetime.date
    start_time: datetime.time | None
    duration: datetime.timedelta
    location: str
    description: str


def feed_start(today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=FEED_DAYS_BACK)


def _assignment_events(expert: Expert, start: datetime.date) -> list[FeedEvent]:
    assignments = (
        assignments_for_expert(expert)
        .select_related(None)
        .filter(Q(date__gte=start) | Q(end_date__gte=start))
        .exclude(status=AssignmentStatus.CANCELLED)
        .order_by("date", "pk")
        .values_list(
            "pk",
            "title",
            "date",
            "end_date",
            "start_time",
            "hours",
            "location",
            # In Finnish: a calendar server's Accept-Language says nothing of the expert's.
            "type__name",
            "service_area__name",
        )
    )
    events = []
    for pk, title, day, end_date, start_time, hours, location, type_, area in assignments:
        if start_time is None:
            duration = datetime.timedelta(days=((end_date or day) - day).days + 1)
        else:
            duration = datetime.timedelta(hours=float(hours))
        events.append(
            FeedEvent(
                f"assignment-{pk}@kokemus",
                title,
                day,
                start_time,
                duration,
                location,
                f"{type_} – {area}",
            )
        )
    return events


def _session_events(expert: Expert, start: datetime.date) -> list[FeedEvent]:
    sessions = (
        sessions_for_expert(expert)
        .filter(date__gte=start)
        .order_by("date", "pk")
        .values_list(
            "pk",
            "group__name",
            "date",
            "start_time",
            "duration_minutes",
            "location",
            "facilitator",
        )
    )
    return [
        FeedEvent(
            f"supervision-{pk}@kokemus",
            group,
            day,
            start_time,
            datetime.timedelta(days=1)
            if start_time is None
            else datetime.timedelta(minutes=minutes),
            location,
            facilitator,
        )
        for pk, group, day, start_time, minutes, location, facilitator in sessions
    ]


def feed_events(expert: Expert, *, today: datetime.date) -> list[FeedEvent]:
    """The events of the feed's window, in two queries."""
    start = feed_start(today)
    return _assignment_events(expert, start) + _session_events(expert, start)


def feed_etag(name: str, events: list[FeedEvent]) -> str:
    """Changes whenever anything the feed shows changes (and only then)."""
    data = repr((PRODID, name, events))
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def _event(item: FeedEvent, stamp: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    event.add("summary", item.summary)
    if item.start_time is None:
        event.add("dtstart", item.day)  # an all-day event (DATE value)
        event.add("dtend", item.day + item.duration)
    else:
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        start = datetime.datetime.combine(item.day, item.start_time, tzinfo=tz)
        # Added in UTC: aware arithmetic in one zone moves the wall clock, so a night across a
        # change of summer time would last an hour more or less than its hours.
        end = (start.astimezone(datetime.UTC) + item.duration).astimezone(tz)
        event.add("dtstart", start)
        event.add("dtend", end)
    if item.location:
        event.add("location", item.location)
    if item.description:
        event.add("description", item.description)
    return event


def expert_calendar(events: list[FeedEvent], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    if any(item.start_time is not None for item in events):
        # Timed events name Europe/Helsinki: its VTIMEZONE goes first, as RFC 5545 asks.
        calendar.add_component(_vtimezone(settings.TIME_ZONE))
    for item in events:
        calendar.add_component(_event(item, stamp))
    return calendar.to_ical()


@functools.cache
def _vtimezone(name: str) -> Timezone:
    """Built once per process (it takes longer than a dozen events); only ever read."""
    return Timezone.from_tzid(name)
