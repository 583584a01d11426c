"""What the pair pages read. Each of an expert's reads starts from the expert, so another
expert's pair answers 404 by construction; the professional's page reads one pair through its
link."""

import datetime

from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from kokemus.private_links import find_usable_link
from pairs.models import PairLink, WorkPair
from registry.models import Expert
from supervision.models import SupervisionSession

RELATED = (
    "expert",
    "professional",
    "mentor_expert",
    "mentor_professional",
    "supervision_group",
)


def _last_supervision(today: datetime.date) -> Subquery:
    return Subquery(
        SupervisionSession.objects.filter(group=OuterRef("supervision_group"), date__lte=today)
        .order_by("-date")
        .values("date")[:1]
    )


def with_progress(pairs: QuerySet, today: datetime.date) -> QuerySet:
    """Each pair with its steps done and in all, the next undone step's due date and the date
    of its latest pair supervision session, counted by the database."""
    return pairs.annotate(
        steps_total=Count("steps", distinct=True),
        steps_done=Count("steps", filter=Q(steps__done_on__isnull=False), distinct=True),
        next_due=Min("steps__due_on", filter=Q(steps__done_on__isnull=True)),
        last_supervision=_last_supervision(today),
    )


def pairs_for_list(today: datetime.date) -> QuerySet:
    return with_progress(WorkPair.objects.select_related(*RELATED), today).order_by(
        "-started_on", "-pk"
    )


def active_condition(today: datetime.date) -> Q:
    return Q(ended_on__isnull=True) | Q(ended_on__gte=today)


def pair_for_page(pk: int) -> WorkPair:
    return get_object_or_404(WorkPair.objects.select_related(*RELATED), pk=pk)


def steps_of(pair: WorkPair) -> list:
    return list(pair.steps.all())


def upcoming_sessions(pair: WorkPair, today: datetime.date) -> list[SupervisionSession]:
    """The pair supervision sessions ahead, dates and times only being shown."""
    if pair.supervision_group_id is None:
        return []
    return list(
        SupervisionSession.objects.filter(group_id=pair.supervision_group_id, date__gte=today)
        .order_by("date", "start_time", "pk")
        .only("date", "start_time", "duration_minutes", "group_id")[:10]
    )


def past_sessions(pair: WorkPair, today: datetime.date) -> list[SupervisionSession]:
    if pair.supervision_group_id is None:
        return []
    return list(
        SupervisionSession.objects.filter(group_id=pair.supervision_group_id, date__lt=today)
        .order_by("-date", "-pk")
        .prefetch_related("topics")[:10]
    )


def latest_link(pair: WorkPair) -> PairLink | None:
    return pair.links.order_by("-created_at", "-pk").first()


# --- The expert's own pairs -----------------------------------------------------------------


def pairs_of_expert(expert: Expert, today: datetime.date) -> QuerySet:
    return with_progress(
        WorkPair.objects.filter(expert=expert).select_related(*RELATED), today
    ).order_by("-started_on", "-pk")


def pair_of_expert(expert: Expert, pk: int) -> WorkPair:
    return get_object_or_404(WorkPair.objects.filter(expert=expert).select_related(*RELATED), pk=pk)


# --- The professional's private page --------------------------------------------------------


def link_by_token(token: str, now: datetime.datetime) -> PairLink | None:
    """The working link with this token and its pair; None for an unknown, expired or revoked
    one alike."""
    return find_usable_link(
        PairLink.objects.select_related("pair__expert", "pair__professional"), token, now
    )
