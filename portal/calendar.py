"""The expert's personal iCalendar feed: assignments and supervision sessions."""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from agreements.models import AssignmentStatus
from portal.selectors import assignments_for_expert, sessions_for_expert
from registry.models import Expert

PRODID = "-//Kokemus//Expert calendar//FI"


def _event(uid: str, summary: str, day, start_time, duration, location: str, description: str):
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("summary", summary)
    if start_time is None:
        event.add("dtstart", day)  # an all-day event (DATE value)
        event.add("dtend", day + duration)
    else:
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        start = datetime.datetime.combine(day, start_time, tzinfo=tz)
        event.add("dtstart", start)
        event.add("dtend", start + duration)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    return event


def expert_calendar(expert: Expert, *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    assignments = assignments_for_expert(expert).exclude(status=AssignmentStatus.CANCELLED)
    for assignment in assignments:
        if assignment.start_time is None:
            duration = datetime.timedelta(days=assignment.days)
        else:
            duration = datetime.timedelta(hours=float(assignment.hours))
        calendar.add_component(
            _event(
                f"assignment-{assignment.pk}@kokemus",
                assignment.title,
                assignment.date,
                assignment.start_time,
                duration,
                assignment.location,
                f"{assignment.type} – {assignment.service_area}",
            )
        )
    for session in sessions_for_expert(expert):
        start_time = session.start_time
        duration = (
            datetime.timedelta(days=1)
            if start_time is None
            else datetime.timedelta(minutes=session.duration_minutes)
        )
        calendar.add_component(
            _event(
                f"supervision-{session.pk}@kokemus",
                str(session.group),
                session.date,
                start_time,
                duration,
                session.location,
                session.facilitator,
            )
        )
    calendar.add_missing_timezones()  # a VTIMEZONE for Europe/Helsinki, as RFC 5545 asks
    return calendar.to_ical()
