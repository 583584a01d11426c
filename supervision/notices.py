"""Experts hear by e-mail that a session of their supervision group is coming."""

import datetime

from django.db.models import Q
from django.urls import reverse

from notifications.models import REMINDER_HORIZON_DAYS, Kind
from notifications.outbox import Notice, expert_recipients, record, without_recorded
from supervision.models import GroupMembership, SupervisionSession


def plan_session_reminders(*, today: datetime.date) -> int:
    """Each expert member hears of a coming session within their reminder lead time."""
    sessions = list(
        SupervisionSession.objects.filter(
            date__gte=today, date__lte=today + datetime.timedelta(days=REMINDER_HORIZON_DAYS)
        ).select_related("group")
    )
    memberships = list(
        GroupMembership.objects.filter(
            Q(left_on__isnull=True) | Q(left_on__gte=today),
            group__in={session.group_id for session in sessions},
            expert__isnull=False,
            expert__anonymised_at__isnull=True,
        )
        .exclude(expert__email="")
        .select_related("expert__user")
    )
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
