"""Reads about supervision that the coordinator's pages and the start page share."""

import datetime

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from agreements.models import COUNTED_STATUSES
from registry.models import Expert
from supervision.models import (
    Attendance,
    GroupMembership,
    Seniority,
    SessionSeries,
    SupervisionGroup,
    SupervisionSession,
    TopicProposal,
)


def _per_group(rows: QuerySet, aggregate) -> Subquery:
    """``aggregate`` of the group's ``rows``, as a subquery: joining members and sessions to
    the groups at once would count every member once per session (~27,000 rows after ten
    years, 24 ms, and growing)."""
    of_group = rows.filter(group=OuterRef("pk")).order_by().values("group")
    return Subquery(of_group.annotate(value=aggregate).values("value"))


def _count_per_group(rows: QuerySet) -> Coalesce:
    return Coalesce(_per_group(rows, Count("pk")), 0)


def groups_for_list() -> QuerySet[SupervisionGroup]:
    """Groups with their current member counts, sessions and latest session, in one query."""
    current = GroupMembership.objects.filter(left_on__isnull=True)
    sessions = SupervisionSession.objects.all()
    return SupervisionGroup.objects.select_related("division", "supervisor").annotate(
        expert_count=_count_per_group(current.filter(expert__isnull=False)),
        professional_count=_count_per_group(current.filter(professional__isnull=False)),
        session_count=_count_per_group(sessions),
        last_session_on=_per_group(sessions, Max("date")),
    )


def group_for_page(pk: int) -> SupervisionGroup:
    return get_object_or_404(
        SupervisionGroup.objects.select_related("division", "supervisor"), pk=pk
    )


def members_with_attendance(
    group: SupervisionGroup, *, seniority: str = ""
) -> QuerySet[GroupMembership]:
    """The group's members, current first, each with sessions attended out of recorded;
    ``seniority`` (new, experienced, or "unmarked") keeps only those so marked."""
    members = group.memberships.all()
    if seniority:
        members = members.filter(seniority="" if seniority == UNMARKED else seniority)
    return (
        members.select_related("expert", "professional")
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


# The group page's filter value for members not marked new or experienced.
UNMARKED = "unmarked"


def seniority_counts(group: SupervisionGroup) -> dict[str, int]:
    """How many current members are new, experienced or not marked, in one query."""
    current = group.memberships.filter(left_on__isnull=True)
    return current.aggregate(
        new=Count("pk", filter=Q(seniority=Seniority.NEW)),
        experienced=Count("pk", filter=Q(seniority=Seniority.EXPERIENCED)),
        unmarked=Count("pk", filter=Q(seniority="")),
    )


def series_of_group(group: SupervisionGroup) -> QuerySet[SessionSeries]:
    return group.series.annotate(
        session_count=Count("sessions"), last_session_on=Max("sessions__date")
    ).order_by("-first_date", "-pk")


def series_for_page(pk: int) -> SessionSeries:
    return get_object_or_404(SessionSeries.objects.select_related("group"), pk=pk)


def membership_for_page(pk: int) -> GroupMembership:
    return get_object_or_404(
        GroupMembership.objects.select_related("group", "expert", "professional"), pk=pk
    )


def proposals_of_session(session: SupervisionSession) -> QuerySet[TopicProposal]:
    return session.proposals.select_related("proposed_by").order_by("created_at", "pk")


def proposal_for_page(pk: int) -> TopicProposal:
    return get_object_or_404(TopicProposal.objects.select_related("session"), pk=pk)


def sessions_of_group(group: SupervisionGroup) -> QuerySet[SupervisionSession]:
    return (
        group.sessions.prefetch_related("topics")
        .annotate(
            present_count=Count("attendances", filter=Q(attendances__present=True), distinct=True),
            recorded_count=Count("attendances", distinct=True),
            proposal_count=Count("proposals", distinct=True),
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


def supervision_targets(*, today: datetime.date) -> dict[int, int]:
    """Each expert's frequency target in days, where a current membership of an active group
    sets one: the member's own target, else the group's; of several groups the strictest."""
    weeks = (
        GroupMembership.objects.filter(
            Q(left_on__isnull=True) | Q(left_on__gte=today),
            expert__isnull=False,
            group__is_active=True,
        )
        .annotate(weeks=Coalesce("target_interval_weeks", "group__target_interval_weeks"))
        .filter(weeks__isnull=False)
        .values("expert_id")
        .annotate(strictest=Min("weeks"))
        .values_list("expert_id", "strictest")
    )
    return {expert_id: strictest * 7 for expert_id, strictest in weeks}


def supervision_due(*, today: datetime.date, overdue_only: bool = True) -> list[Expert]:
    """Experts who work, each measured against their own frequency target, overdue first.

    An expert is listed when they did an assignment (not cancelled; a planned one in the past
    is usually done but not yet marked) within their target, counted back from today: the
    target of their groups (supervision_targets) or the default SUPERVISION_TARGET_DAYS. They
    are overdue when they were not marked present at any session in that time, both ends
    included. Each gets ``target_days``, ``due_on`` (the day their target runs out; None:
    never attended) and ``is_overdue``; the overdue ones come first, those longest overdue
    first. ``overdue_only`` leaves out the experts within their target.
    """
    default = settings.SUPERVISION_TARGET_DAYS
    targets = supervision_targets(today=today)
    start = today - datetime.timedelta(days=max([default, *targets.values()]))
    # Every expert's last attendance in one grouped query: as a subquery per working expert
    # (MAX over their own attendances) it cost ~15 ms for 500 experts at 100k assignments,
    # grouped ~4 ms; "newest session first, LIMIT 1" per expert cost 0.4 ms each.
    last_attended = dict(
        Attendance.objects.filter(
            membership__expert__isnull=False, present=True, session__date__lte=today
        )
        .values("membership__expert")
        .annotate(last=Max("session__date"))
        .values_list("membership__expert", "last")
        .order_by()
    )
    # One join over the window's participations, filtered before the aggregate so that it
    # reads only those rows (a few thousand), not each expert's whole history.
    working = Expert.objects.filter(
        anonymised_at__isnull=True,
        participations__assignment__date__gte=start,
        participations__assignment__date__lte=today,
        participations__assignment__status__in=COUNTED_STATUSES,
    ).annotate(last_assignment_on=Max("participations__assignment__date"))
    experts = []
    for expert in working:
        expert.last_supervision_on = last_attended.get(expert.pk)
        expert.target_days = targets.get(expert.pk, default)
        if (today - expert.last_assignment_on).days > expert.target_days:
            continue  # worked, but not within their own target
        expert.due_on = _due_on(expert.last_supervision_on, expert.target_days)
        expert.is_overdue = expert.due_on is None or expert.due_on < today
        if expert.is_overdue or not overdue_only:
            experts.append(expert)
    experts.sort(
        key=lambda e: (
            not e.is_overdue,
            e.due_on or datetime.date.min,
            e.last_name,
            e.first_name,
            e.pk,
        )
    )
    return experts


def _due_on(last_supervision_on: datetime.date | None, target_days: int) -> datetime.date | None:
    if last_supervision_on is None:
        return None
    return last_supervision_on + datetime.timedelta(days=target_days)


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
        .select_related("supervisor")
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


def coming_sessions_of_expert(
    expert: Expert, *, today: datetime.date
) -> QuerySet[SupervisionSession]:
    """The coming sessions of the groups the expert is a current member of: those they may
    propose topics for. Another group's session is not among them (404 in the portal)."""
    return (
        SupervisionSession.objects.filter(
            date__gte=today,
            group__memberships__expert=expert,
            group__memberships__left_on__isnull=True,
        )
        .select_related("group")
        .order_by("date", "pk")
    )


def proposals_for_members(session: SupervisionSession) -> QuerySet[TopicProposal]:
    """A session's proposals as the group's experts see them: the proposer's first name only."""
    return (
        session.proposals.select_related("proposed_by")
        .only(
            "text",
            "created_at",
            "taken_up",
            "session_id",
            "proposed_by__first_name",
            "proposed_by__anonymised_at",
        )
        .order_by("created_at", "pk")
    )
