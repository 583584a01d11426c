"""Experts hear by e-mail that a session of their supervision group is coming: an invitation
with the dates when a series is set up or changed, a cancellation of the sessions a change or
the series' end removed, and a reminder before each session."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from notifications.ical import FeedEvent, invitation_of_many
from notifications.models import REMINDER_HORIZON_DAYS, Kind
from notifications.outbox import Notice, expert_recipients, record, without_recorded
from supervision.models import GroupMembership, SessionSeries, SupervisionSession


def _current_expert_members(group_ids, today: datetime.date) -> list[GroupMembership]:
    return list(
        GroupMembership.objects.filter(
            Q(left_on__isnull=True) | Q(left_on__gte=today),
            group__in=group_ids,
            expert__isnull=False,
            expert__anonymised_at__isnull=True,
        )
        .exclude(expert__email="")
        .select_related("expert__user")
    )


def _session_event(session: SupervisionSession, group_name: str) -> FeedEvent:
    """The same UID as the expert's calendar feed (portal.calendar), so one entry updates."""
    return FeedEvent(
        f"supervision-{session.pk}@kokemus",
        group_name,
        session.date,
        session.start_time,
        datetime.timedelta(minutes=session.duration_minutes),
        session.location,
        session.facilitator,
    )


def series_invitations(*, series: SessionSeries, today: datetime.date) -> int:
    """Each expert member with an e-mail gets the series' coming dates, with a calendar
    invitation of them; a changed series (a new version) sends the new dates again."""
    sessions = list(series.sessions.filter(date__gte=today).order_by("date", "pk"))
    return _series_notices(series, sessions, today, method="REQUEST")


def series_cancellations(
    *, series: SessionSeries, sessions: list[SupervisionSession], today: datetime.date
) -> int:
    """The sessions a change or the end of a series removed: each expert member with an
    e-mail gets a cancellation of them (the UIDs of the invitation), once per change. Call
    before the sessions are deleted, while they still have their ids."""
    return _series_notices(series, sessions, today, method="CANCEL")


def _series_notices(series, sessions, today, *, method: str) -> int:
    """One message to each expert member with an e-mail about ``sessions``, with their calendar
    events: an invitation (REQUEST) or a cancellation (CANCEL), once per version of the series."""
    if not sessions:
        return 0
    group = series.group
    memberships = _current_expert_members([group.pk], today)
    recipients = expert_recipients([m.expert for m in memberships])
    events = [_session_event(session, group.name) for session in sessions]
    stamp = timezone.now()
    cancelled = method == "CANCEL"
    notices = [
        Notice(
            event=f"supervision:series-{series.pk}:v{series.version}"
            + (":cancelled" if cancelled else ""),
            kind=Kind.SUPERVISION,
            to=to,
            template="supervision_series_cancelled" if cancelled else "supervision_series",
            context={
                "group": group,
                "series": series,
                "sessions": sessions,
                "url": reverse("portal:supervision"),
            },
            ics=invitation_of_many(
                events, method=method, sequence=series.version, attendee=to.email, stamp=stamp
            ),
            ics_method=method,
        )
        for to in recipients.values()
    ]
    return record(notices)


def plan_session_reminders(*, today: datetime.date) -> int:
    """Each expert member hears of a coming session within their reminder lead time."""
    sessions = list(
        SupervisionSession.objects.filter(
            date__gte=today, date__lte=today + datetime.timedelta(days=REMINDER_HORIZON_DAYS)
        ).select_related("group")
    )
    memberships = _current_expert_members({session.group_id for session in sessions}, today)
    recipients = expert_recipients(list({m.expert_id: m.expert for m in memberships}.values()))
    notices = [
        Notice(
            event=f"supervision:session-{session.pk}:{session.date}",
            kind=Kind.SUPERVISION,
            to=recipients[membership.expert_id],
            template="supervision",
            context={"session": session, "url": reverse("portal:supervision")},
        )
        for session in sessions
        for membership in memberships
        if membership.group_id == session.group_id
        and session.date - today
        <= datetime.timedelta(days=recipients[membership.expert_id].preference.reminder_days)
    ]
    return record(without_recorded(notices))
