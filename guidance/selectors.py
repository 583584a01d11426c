"""Reads about kokemusohjaus periods: who sees which, a period's page, and the monthly
report's figures (counts and shares only: no codes, no names)."""

import calendar
import datetime
from collections import Counter
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


def periods_for_list(periods: QuerySet[Period]) -> QuerySet[Period]:
    """What a row of the list shows of ``periods``, its meetings counted."""
    return periods.select_related("guide", "service_area__parent", "referred_by").annotate(
        meeting_count=Count("meetings")
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


# A year has a few hundred periods: their dates are read and counted here, in one query and
# one pass, which costs less than building an aggregate of 13 × 3 filtered counts.
def _period_counts(year: int, division) -> dict:
    """Periods started, ongoing (running on any day of it) and ended, per month and in the
    year: one query."""
    first, last = _month_range(year, None)
    periods = (
        Period.objects.filter(_in_division(division), started_on__lte=last)
        .exclude(ended_on__lt=first)
        .order_by()  # counted, not listed: no sort
        .values_list("started_on", "ended_on")
    )
    counts = Counter()
    # Each period read runs on some day of the year: started by its end, not ended before it.
    for started, ended in periods:
        counts["ongoing_year"] += 1
        started_in_year = started >= first
        ended_in_year = ended is not None and ended <= last
        if started_in_year:
            counts[f"started_{started.month}"] += 1
            counts["started_year"] += 1
        if ended_in_year:
            counts[f"ended_{ended.month}"] += 1
            counts["ended_year"] += 1
        ongoing_from = started.month if started_in_year else 1
        ongoing_to = ended.month if ended_in_year else 12
        for month in range(ongoing_from, ongoing_to + 1):
            counts[f"ongoing_{month}"] += 1
    return {
        f"{kind}_{key}": counts[f"{kind}_{key}"]
        for kind in ("started", "ended", "ongoing")
        for key in [*MONTHS, "year"]
    }


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
    distinct guides they rest on: one query of a row per month, outcome and guide."""
    rows = list(
        Goal.objects.filter(
            _in_division(division, "period__"),
            period__ended_on__range=_month_range(year, None),
        )
        .exclude(outcome="")
        .values_list("period__ended_on__month", "outcome", "period__guide_id")
        .annotate(goals=Count("pk"))
        .order_by()  # counted, not listed: no sort
    )
    counts = {}
    for month in [*MONTHS, None]:
        key = month or "year"
        ended = [
            (outcome, guide, goals)
            for ended, outcome, guide, goals in rows
            if month in (None, ended)
        ]
        counts[f"assessed_{key}"] = sum(goals for _, _, goals in ended)
        counts[f"reached_{key}"] = sum(
            goals for outcome, _, goals in ended if outcome == Outcome.REACHED
        )
        counts[f"partly_{key}"] = sum(
            goals for outcome, _, goals in ended if outcome == Outcome.PARTLY
        )
        counts[f"guides_{key}"] = len({guide for _, guide, _ in ended if guide is not None})
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
