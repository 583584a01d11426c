"""Who hears of what happens to assignments and agreements, by e-mail (notifications app).

Services call these inside their transactions, so a message is recorded with the change that
causes it or not at all. Experts see co-workers by first name only and never any health data.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from agreements.models import (
    Agreement,
    AgreementStatus,
    Assignment,
    AssignmentStatus,
    Participation,
)
from agreements.rules import working_days
from agreements.selectors import agreements_expiring
from notifications.ical import FeedEvent, invitation
from notifications.models import REMINDER_HORIZON_DAYS, Kind
from notifications.outbox import (
    Notice,
    Recipient,
    coordinator_recipients,
    expert_recipients,
    record,
    without_recorded,
)
from registry.models import Expert

# What an expert's calendar and plans depend on: a change of these is news to them.
TIMING_FIELDS = ("date", "end_date", "start_time", "hours", "location")


@dataclass(frozen=True)
class Snapshot:
    """An assignment as it was before a save: its timing and experts."""

    timing: tuple
    expert_ids: frozenset[int]


def snapshot(assignment: Assignment) -> Snapshot | None:
    if assignment.pk is None:
        return None
    stored = Assignment.objects.filter(pk=assignment.pk).values_list(*TIMING_FIELDS).get()
    return Snapshot(
        stored,
        frozenset(assignment.participations.values_list("expert_id", flat=True)),
    )


def _event(assignment: Assignment) -> FeedEvent:
    if assignment.start_time is None:
        duration = datetime.timedelta(days=working_days(assignment.date, assignment.end_date))
    else:
        duration = datetime.timedelta(hours=float(assignment.hours))
    return FeedEvent(
        f"assignment-{assignment.pk}@kokemus",
        assignment.title,
        assignment.date,
        assignment.start_time,
        duration,
        assignment.location,
        "",
    )


def _assignment_notice(kind: str, assignment: Assignment, to: Recipient, co_workers) -> Notice:
    method = "CANCEL" if kind == Kind.CANCELLED else "REQUEST"
    return Notice(
        event=f"{kind}:assignment-{assignment.pk}:{to.email}:v{assignment.version}",
        kind=kind,
        to=to,
        template=f"assignment_{kind}",
        context={
            "assignment": assignment,
            "co_workers": co_workers,
            "url": reverse("portal:assignment_detail", args=[assignment.pk]),
        },
        ics=invitation(
            _event(assignment),
            method=method,
            sequence=assignment.version,
            attendee=to.email,
            stamp=assignment.updated_at,
        ),
        ics_method=method,
    )


def assignment_saved(*, assignment: Assignment, before: Snapshot | None) -> None:
    """Booking, change and cancellation notices after a save with its experts."""
    participations = list(assignment.participations.select_related("expert__user"))
    experts = {p.expert_id: p.expert for p in participations}
    earlier = before.expert_ids if before else frozenset()
    removed = list(Expert.objects.filter(pk__in=earlier - experts.keys()).select_related("user"))
    if assignment.status != AssignmentStatus.PLANNED or is_past(assignment):
        return  # nobody needs news of past or settled work
    recipients = expert_recipients([*experts.values(), *removed])
    timing = tuple(getattr(assignment, name) for name in TIMING_FIELDS)
    changed = before is not None and before.timing != timing
    notices = []
    for expert_id, to in recipients.items():
        co_workers = sorted(e.first_name for pk, e in experts.items() if pk != expert_id)
        if expert_id not in experts:
            kind = Kind.CANCELLED
        elif expert_id not in earlier:
            kind = Kind.BOOKED
        elif changed:
            kind = Kind.CHANGED
        else:
            continue
        notices.append(_assignment_notice(kind, assignment, to, co_workers))
    record(notices)


def assignment_cancelled(*, assignment: Assignment) -> None:
    experts = [p.expert for p in assignment.participations.select_related("expert__user")]
    record(
        [
            _assignment_notice(Kind.CANCELLED, assignment, to, [])
            for to in expert_recipients(experts).values()
        ]
    )


def assignment_rebooked(*, assignment: Assignment) -> None:
    """A cancelled assignment planned again: every expert on it is booked anew."""
    assignment_saved(assignment=assignment, before=None)


def is_past(assignment: Assignment) -> bool:
    return (assignment.end_date or assignment.date) < timezone.localdate()


def expert_withdrew(*, assignment: Assignment, expert: Expert, reason: str) -> None:
    """The coordinators hear who withdrew and why; the expert's calendar drops the event."""
    others = assignment.participations.exists()
    notices = [
        Notice(
            event=f"withdrew:assignment-{assignment.pk}:expert-{expert.pk}:v{assignment.version}",
            kind=Kind.WITHDREW,
            to=to,
            template="withdrew",
            context={
                "assignment": assignment,
                "expert": expert,
                "reason": reason,
                "others": others,
                "url": reverse("assignments:assignment_detail", args=[assignment.pk]),
            },
        )
        for to in coordinator_recipients()
    ]
    for to in expert_recipients([expert]).values():
        notices.append(_assignment_notice(Kind.CANCELLED, assignment, to, []))
    record(notices)


# --- Periodic: reminders, agreements about to end, the weekly digest ---------------------------

AGREEMENT_WARNING_DAYS = 30


def plan_reminders(*, today: datetime.date) -> int:
    """A reminder to each expert whose planned assignment is within their lead time.

    Two queries find the candidates and what is already recorded; the new ones are rendered
    and written in bulk, so a run costs the same few queries however many are due.
    """
    participations = list(
        Participation.objects.filter(
            assignment__status=AssignmentStatus.PLANNED,
            assignment__date__gte=today,
            assignment__date__lte=today + datetime.timedelta(days=REMINDER_HORIZON_DAYS),
            expert__anonymised_at__isnull=True,
        )
        .exclude(expert__email="")
        .select_related("expert__user", "assignment__type", "assignment__service_area")
    )
    recipients = expert_recipients(list({p.expert_id: p.expert for p in participations}.values()))
    due = [
        p
        for p in participations
        if p.assignment.date - today
        <= datetime.timedelta(days=recipients[p.expert_id].preference.reminder_days)
    ]
    notices = [
        Notice(
            event=f"reminder:assignment-{p.assignment_id}:{p.assignment.date}",
            kind=Kind.REMINDER,
            to=recipients[p.expert_id],
            template="assignment_reminder",
            context={
                "assignment": p.assignment,
                "url": reverse("portal:assignment_detail", args=[p.assignment_id]),
            },
        )
        for p in due
    ]
    return record(without_recorded(notices))


def plan_agreement_endings(*, today: datetime.date) -> int:
    """Coordinators hear once of each signed agreement whose last day is within 30 days."""
    ending = list(
        Agreement.objects.filter(
            status=AgreementStatus.ACTIVE,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=AGREEMENT_WARNING_DAYS),
        ).select_related("expert")
    )
    if not ending:
        return 0
    coordinators = coordinator_recipients()
    notices = [
        Notice(
            event=f"agreement_ending:agreement-{agreement.pk}:{agreement.valid_until}",
            kind=Kind.AGREEMENT_ENDING,
            to=to,
            template="agreement_ending",
            context={
                "agreement": agreement,
                "url": reverse("agreements:agreement_detail", args=[agreement.pk]),
            },
        )
        for agreement in ending
        for to in coordinators
    ]
    return record(without_recorded(notices))


def plan_weekly_digest(*, today: datetime.date) -> int:
    """The coordinators who asked for it get a digest of the week, once per week."""
    coordinators = [to for to in coordinator_recipients() if to.wants(Kind.DIGEST)]
    if not coordinators:
        return 0
    monday = today - datetime.timedelta(days=today.weekday())
    year, week, _day = monday.isocalendar()
    context = {
        "week": f"{week}/{year}",
        "assignments": list(
            Assignment.objects.filter(
                status=AssignmentStatus.PLANNED,
                date__gte=monday,
                date__lt=monday + datetime.timedelta(days=7),
            )
            .annotate(expert_count=Count("participations"))
            .order_by("date", "start_time", "pk")
        ),
        "reported": Assignment.objects.filter(
            status=AssignmentStatus.DONE,
            date__gte=monday - datetime.timedelta(days=7),
            date__lt=monday,
        ).count(),
        "ending": list(
            agreements_expiring(today=today, days=AGREEMENT_WARNING_DAYS).select_related("expert")
        ),
        "url": reverse("home"),
    }
    notices = [
        Notice(
            event=f"digest:{year}-W{week:02}",
            kind=Kind.DIGEST,
            to=to,
            template="digest",
            context=context,
        )
        for to in coordinators
    ]
    return record(without_recorded(notices))
