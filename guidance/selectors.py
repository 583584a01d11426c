"""Reads about kokemusohjaus periods: who sees which, a period's page, and the monthly
report's figures (counts and shares only: no codes, no names)."""

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.shortcuts import get_object_or_404

from agreements.models import AssignmentStatus
from guidance.models import Goal, Meeting, Outcome, Period, PeriodStatus
from kokemus.access import is_coordinator
from registry.models import Expert

MONTHS = range(1, 13)

# --- Who sees which period ------------------------------------------------------------------


def periods_of_expert(expert: Expert) -> QuerySet[Period]:
    return Period.objects.filter(guide=expert)


def visible_periods(user) -> QuerySet[Period]:
    """Every period for a coordinator; a guide's own for an expert (another's id: 404)."""
    if is_coordinator(user):
        return Period.objects.all()
    return periods_of_expert(get_object_or_404(Expert, user=user))


def periods_for_list(user) -> QuerySet[Period]:
    return (
        visible_periods(user)
        .select_related("guide", "service_area__parent", "referred_by")
        .annotate(meeting_count=Count("meetings"))
        .order_by("-referred_on", "-pk")
    )


def open_periods_of_expert(expert: Expert) -> QuerySet[Period]:
    """What the guide's My page lists: referrals to start and ongoing periods."""
    return (
        periods_of_expert(expert)
        .exclude(status=PeriodStatus.ENDED)
        .select_related("service_area")
        .order_by("referred_on", "pk")
    )


def period_for_page(user, pk: int) -> Period:
    """One visible period with its goals and meetings (404 if not visible)."""
    queryset = visible_periods(user).select_related(
        "guide", "service_area__parent", "referred_by", "request__type"
    )
    meetings = Meeting.objects.select_related("assignment").order_by("date", "start_time", "pk")
    return get_object_or_404(
        queryset.prefetch_related(
            Prefetch("goals", queryset=Goal.objects.order_by("position")),
            Prefetch("meetings", queryset=meetings),
        ),
        pk=pk,
    )


# --- The monthly report's figures -----------------------------------------------------------


def _in_division(division, prefix: str = "") -> Q:
    """In ``division`` or its services (a ServiceArea or the report's label of one: by code)."""
    if division is None:
        return Q()
    code = division.code
    return Q(**{f"{prefix}service_area__code": code}) | Q(
        **{f"{prefix}service_area__parent__code": code}
    )


def _month_range(year: int, month: int | None) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the month (None: of the year)."""
    if month is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return datetime.date(year, month, 1), datetime.date(
        year, month, calendar.monthrange(year, month)[1]
    )


# A year has a few hundred periods and their goals: their dates are read and counted here, in
# one query each, which costs less than building an aggregate of 13 × 4 filtered counts.
def _period_counts(year: int, division) -> dict:
    """Periods started, ongoing (running on any day of it) and ended, per month and in the
    year: one query."""
    first, last = _month_range(year, None)
    periods = list(
        Period.objects.filter(_in_division(division), started_on__lte=last)
        .exclude(ended_on__lt=first)
        .order_by()  # counted, not listed: no sort
        .values_list("started_on", "ended_on")
    )
    counts = {}
    for month in [*MONTHS, None]:
        first, last = _month_range(year, month)
        key = month or "year"
        counts[f"started_{key}"] = sum(first <= started <= last for started, _ in periods)
        counts[f"ended_{key}"] = sum(
            ended is not None and first <= ended <= last for _, ended in periods
        )
        counts[f"ongoing_{key}"] = sum(
            started <= last and (ended is None or ended >= first) for started, ended in periods
        )
    return counts


def _meeting_counts(year: int, division) -> dict[int, int]:
    """Meetings per month (not those whose assignment was cancelled): one query."""
    first, last = _month_range(year, None)
    rows = (
        Meeting.objects.filter(_in_division(division, "period__"), date__range=(first, last))
        .exclude(assignment__status=AssignmentStatus.CANCELLED)
        .annotate(month=ExtractMonth("date"))
        .values("month")
        .annotate(meetings=Count("pk"))
        .order_by("month")
    )
    return {row["month"]: row["meetings"] for row in rows}


def _goal_counts(year: int, division) -> dict:
    """The outcomes of the goals of periods ended in each month and in the year, with the
    distinct guides they rest on: one query."""
    goals = list(
        Goal.objects.filter(
            _in_division(division, "period__"),
            period__ended_on__range=_month_range(year, None),
        )
        .exclude(outcome="")
        .order_by()  # counted, not listed: no sort
        .values_list("period__ended_on__month", "outcome", "period__guide_id")
    )
    counts = {}
    for month in [*MONTHS, None]:
        key = month or "year"
        ended = [(outcome, guide) for ended, outcome, guide in goals if month in (None, ended)]
        counts[f"assessed_{key}"] = len(ended)
        counts[f"reached_{key}"] = sum(outcome == Outcome.REACHED for outcome, _ in ended)
        counts[f"partly_{key}"] = sum(outcome == Outcome.PARTLY for outcome, _ in ended)
        counts[f"guides_{key}"] = len({guide for _, guide in ended if guide is not None})
    return counts


def _share(part: int, whole: int) -> Decimal | None:
    """Per cent, to two places; None where nothing was assessed."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def period_figures(year: int, division=None) -> dict:
    """What the evaluation group reads of kokemusohjaus in ``year`` (``division`` and its
    services; a ServiceArea or anything with its ``code``): periods started, ongoing and ended,
    meetings, and the shares of goals reached and partly reached at the end, each with the
    distinct guides the shares rest on (for small-count suppression). Three queries."""
    periods = _period_counts(year, division)
    meetings = _meeting_counts(year, division)
    goals = _goal_counts(year, division)

    def figures(key) -> dict:
        assessed = goals[f"assessed_{key}"]
        return {
            "started": periods[f"started_{key}"],
            "ongoing": periods[f"ongoing_{key}"],
            "ended": periods[f"ended_{key}"],
            "meetings": sum(meetings.values()) if key == "year" else meetings.get(key, 0),
            "goals_assessed": assessed,
            "reached_share": _share(goals[f"reached_{key}"], assessed),
            "partly_share": _share(goals[f"partly_{key}"], assessed),
            "guides": goals[f"guides_{key}"],
        }

    return {"months": [figures(month) for month in MONTHS], "totals": figures("year")}
