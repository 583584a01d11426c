"""The expert's personal iCalendar feed: assignments and supervision sessions.

Calendar apps poll the feed often, so it holds a window (the last ``FEED_DAYS_BACK`` days and
everything ahead), not the whole history, and a poll whose events have not changed answers
304 Not Modified: the ETag is a hash of the very data the events are made of.
"""

import datetime
import hashlib

from django.core.cache import caches
from django.utils import timezone

from agreements.models import COUNTED_STATUSES, Assignment
from notifications.ical import PRODID, FeedEvent, calendar_of, event_component
from registry.models import Expert
from supervision.selectors import sessions_of_expert

# How far back the feed reaches (days); the future is always all in. My page says so.
FEED_DAYS_BACK = 365
# How long a built feed is kept for the next poll of the same events (seconds).
KEEP_SECONDS = 60 * 60


def feed_start(today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=FEED_DAYS_BACK)


def _assignment_events(expert: Expert, start: datetime.date) -> list[FeedEvent]:
    assignments = (
        # in one filter(): the participation whose days match is the expert's own
        Assignment.objects.filter(
            participations__expert=expert,
            participations__last_day__gte=start,
            status__in=COUNTED_STATUSES,
        )
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
        sessions_of_expert(expert)
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


def kept_calendar(events: list[FeedEvent], *, name: str, etag: str) -> bytes:
    """The feed's bytes, kept under its ETag in the server process (the "feeds" cache):
    icalendar takes about twice as long to build them as the events take to read, and a
    client that does not send the ETag polls the same events again and again. DTSTAMP then
    stays the time the bytes were built, not the time of each poll."""
    feeds = caches["feeds"]
    content = feeds.get(etag)
    if content is None:
        content = expert_calendar(events, name=name)
        feeds.set(etag, content, KEEP_SECONDS)
    return content


def expert_calendar(events: list[FeedEvent], *, name: str) -> bytes:
    stamp = timezone.now()
    calendar = calendar_of(events, stamp, x_wr_calname=name)
    for item in events:
        calendar.add_component(event_component(item, stamp))
    return calendar.to_ical()
