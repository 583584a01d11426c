"""Reads about supervision that the coordinator's pages and the start page share."""

import datetime

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.shortcuts import get_object_or_404

from agreements.models import COUNTED_STATUSES
from registry.models import Expert
from supervision.models import Attendance, GroupMembership, SupervisionGroup, SupervisionSession

# The coverage view looks back this many days from today (both ends included).
COVERAGE_DAYS = 90


def groups_for_list() -> QuerySet[SupervisionGroup]:
    """Groups with their current member counts, sessions and latest session, in one query."""
    current = Q(memberships__left_on__isnull=True)
    return SupervisionGroup.objects.select_related("division").annotate(
        expert_count=Count(
            "memberships", filter=current & Q(memberships__expert__isnull=False), distinct=True
        ),
        professional_count=Count(
            "memberships",
            filter=current & Q(memberships__professional__isnull=False),
            distinct=True,
        ),
        session_count=Count("sessions", distinct=True),
        last_session_on=Max("sessions__date"),
    )


def group_for_page(pk: int) -> SupervisionGroup:
    return get_object_or_404(SupervisionGroup.objects.select_related("division"), pk=pk)


def members_with_attendance(group: SupervisionGroup) -> QuerySet[GroupMembership]:
    """The group's members, current first, each with sessions attended out of recorded."""
    return (
        group.memberships.select_related("expert", "professional")
        .annotate(
            attended=Count("attendances", filter=Q(attendances__present=True)),
            recorded=Count("attendances"),
        )
        .order_by(
            F("left_on").asc(nulls_first=True),  # current members first
            "expert__last_name",
            "professional__last_name",
            "pk",
        )
    )


def sessions_of_group(group: SupervisionGroup) -> QuerySet[SupervisionSession]:
    return (
        group.sessions.prefetch_related("topics")
        .annotate(
            present_count=Count("attendances", filter=Q(attendances__present=True)),
            recorded_count=Count("attendances"),
        )
        .order_by("-date", "-pk")
    )


def attendance_rate(group: SupervisionGroup) -> int | None:
    """Percentage of recorded attendances that were present (None before any record)."""
    figures = Attendance.objects.filter(session__group=group).aggregate(
        present=Count("pk", filter=Q(present=True)), recorded=Count("pk")
    )
    if not figures["recorded"]:
        return None
    return round(100 * figures["present"] / figures["recorded"])


def session_members(session: SupervisionSession) -> QuerySet[GroupMembership]:
    """Whose attendance a session form lists: current members and anyone already recorded."""
    condition = Q(left_on__isnull=True)
    if session.pk:
        condition |= Q(attendances__session=session)
    return (
        GroupMembership.objects.filter(condition, group_id=session.group_id)
        .select_related("expert", "professional")
        .distinct()
        .order_by("expert__last_name", "professional__last_name", "pk")
    )


def session_for_page(pk: int) -> SupervisionSession:
    return get_object_or_404(
        SupervisionSession.objects.select_related("group").prefetch_related("topics"), pk=pk
    )


def experts_without_supervision(
    *, today: datetime.date, days: int = COVERAGE_DAYS
) -> QuerySet[Expert]:
    """Experts who did assignments in the last ``days`` days but attended no supervision then.

    The window runs from ``today - days`` to ``today``, both days included. An assignment
    counts unless cancelled (a planned one in the past is usually done but not yet marked);
    supervision counts when the expert was marked present at a session in the window.
    """
    start = today - datetime.timedelta(days=days)
    attended = Attendance.objects.filter(membership__expert=OuterRef("pk"), present=True)
    # MAX over the expert's own attendances: "newest session first, LIMIT 1" walked the
    # sessions' date index backwards for each expert, most of whom have none (0.4 ms each).
    last_attended = (
        attended.values("membership__expert").annotate(last=Max("session__date")).values("last")
    )
    # One join over the window's participations, filtered before the aggregates so that they
    # count only those rows (a few thousand), not each expert's whole history. The last
    # assignment on or before today is in the window, since the expert worked in it.
    return (
        Expert.objects.filter(
            anonymised_at__isnull=True,
            participations__assignment__date__gte=start,
            participations__assignment__date__lte=today,
            participations__assignment__status__in=COUNTED_STATUSES,
        )
        .exclude(Exists(attended.filter(session__date__gte=start, session__date__lte=today)))
        # only what the lists show: every column of the expert went through the join and the
        # grouping (150 bytes a row instead of 40) and into a model instance for each expert
        .only("pk", "first_name", "last_name", "anonymised_at")
        .annotate(
            assignments_in_window=Count("participations"),
            last_assignment_on=Max("participations__assignment__date"),
            last_supervision_on=Subquery(last_attended),
        )
        .order_by("last_name", "first_name", "pk")
    )


def with_current_groups(experts: list[Expert]) -> None:
    """Give each expert ``current_memberships``: the groups they are a member of now, with
    the groups, in one query for the whole list."""
    current = GroupMembership.objects.filter(left_on__isnull=True).select_related("group")
    prefetch_related_objects(
        experts,
        Prefetch(
            "memberships", queryset=current.order_by("group__name"), to_attr="current_memberships"
        ),
    )


def coverage_window(*, today: datetime.date, days: int = COVERAGE_DAYS) -> tuple:
    return today - datetime.timedelta(days=days), today


# --- One expert's supervision: the expert's own pages, the coordinator's page about the
# expert and the GDPR export read it through these -----------------------------------------


def attendances_of_expert(expert: Expert) -> QuerySet[Attendance]:
    """The expert's supervision history, newest session first."""
    return (
        Attendance.objects.filter(membership__expert=expert)
        .select_related("session__group")
        .order_by("-session__date", "-pk")
    )


def groups_of_expert(expert: Expert) -> QuerySet[SupervisionGroup]:
    """The expert's groups with the other expert members' first names prefetched."""
    return (
        SupervisionGroup.objects.filter(memberships__expert=expert)
        .distinct()
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=GroupMembership.objects.filter(expert__isnull=False)
                .exclude(expert=expert)
                .select_related("expert")
                .only("group_id", "expert__first_name")
                .order_by("expert__first_name"),
                to_attr="other_expert_members",
            )
        )
    )


def sessions_of_expert(expert: Expert) -> QuerySet[SupervisionSession]:
    """Sessions of the expert's groups, each with ``i_attended`` (True, False or None)."""
    mine = Attendance.objects.filter(session=OuterRef("pk"), membership__expert=expert)
    return (
        SupervisionSession.objects.filter(group__memberships__expert=expert)
        .select_related("group")
        .annotate(
            attendance_recorded=Exists(mine),
            i_attended=Exists(mine.filter(present=True)),
        )
        .order_by("-date", "-pk")
    )
