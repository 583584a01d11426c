"""iCalendar events, for the expert's feed (portal.calendar) and for invitations by e-mail.

An invitation (RFC 5546) names the event by the same UID as the feed does; a change sends it
again with a higher SEQUENCE, and a cancellation with METHOD:CANCEL.
"""

import datetime
import functools
import zoneinfo
from typing import NamedTuple

from django.conf import settings
from icalendar import Calendar, Event, Timezone

PRODID = "-//Kokemus//Expert calendar//FI"


class FeedEvent(NamedTuple):
    uid: str
    summary: str
    day: datetime.date
    start_time: datetime.time | None
    duration: datetime.timedelta
    location: str
    description: str


def event_component(item: FeedEvent, stamp: datetime.datetime) -> Event:
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


def calendar_of(events: list[FeedEvent], stamp: datetime.datetime, **properties) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    for name, value in properties.items():
        calendar.add(name.replace("_", "-"), value)
    if any(item.start_time is not None for item in events):
        # Timed events name Europe/Helsinki: its VTIMEZONE goes first, as RFC 5545 asks.
        calendar.add_component(_vtimezone(settings.TIME_ZONE))
    return calendar


def invitation(
    item: FeedEvent, *, method: str, sequence: int, attendee: str, stamp: datetime.datetime
) -> str:
    """One event as an invitation (METHOD:REQUEST) or its cancellation (METHOD:CANCEL)."""
    return invitation_of_many(
        [item], method=method, sequence=sequence, attendee=attendee, stamp=stamp
    )


def invitation_of_many(
    items: list[FeedEvent], *, method: str, sequence: int, attendee: str, stamp: datetime.datetime
) -> str:
    """Several events in one invitation, e.g. the sessions of a recurring supervision series:
    each keeps the UID it has in the feed, so a calendar updates the same entries."""
    calendar = calendar_of(items, stamp, method=method)
    for item in items:
        event = event_component(item, stamp)
        event.add("sequence", sequence)
        event.add("organizer", f"mailto:{settings.DEFAULT_FROM_EMAIL}")
        event.add("attendee", f"mailto:{attendee}")
        if method == "CANCEL":
            event.add("status", "CANCELLED")
        calendar.add_component(event)
    return calendar.to_ical().decode()


@functools.cache
def _vtimezone(name: str) -> Timezone:
    """Built once per process (it takes longer than a dozen events); only ever read."""
    return Timezone.from_tzid(name)
