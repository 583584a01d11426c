"""Reads about agreements and assignments that views, reports and imports share."""

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    DateField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextChoices,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import (
    COUNTED_STATUSES,
    COVERING_STATUSES,
    Agreement,
    AgreementStatus,
    Assignment,
    AssignmentStatus,
    Participation,
)
from agreements.rules import covering_agreement
from kokemus.lists import PER_PAGE, next_month
from registry.models import Expert


def agreements_covering(day: datetime.date) -> QuerySet[Agreement]:
    """The agreements that cover ``day``: Agreement.covers as a database condition."""
    return Agreement.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        status__in=COVERING_STATUSES,
        valid_from__lte=day,
    )


def has_covering_agreement(day: datetime.date) -> Exists:
    """An expression: the expert has a signed agreement that covers ``day``."""
    return Exists(agreements_covering(day).filter(expert=OuterRef("pk")))


def experts_for_list(*, today: datetime.date | None = None) -> QuerySet[Expert]:
    """The coordinator's expert list: each row knows (``covered_today``) whether an agreement
    covers today."""
    today = today or timezone.localdate()
    return Expert.objects.annotate(covered_today=has_covering_agreement(today))


def covering_agreements_by_expert(
    *, expert_ids: list[int], day: datetime.date
) -> dict[int, Agreement]:
    """For each expert the agreement whose fee applies on ``day`` (agreements.rules), one
    query; an expert without one is not in the map."""
    by_expert = defaultdict(list)
    for agreement in agreements_covering(day).filter(expert_id__in=expert_ids).order_by("pk"):
        by_expert[agreement.expert_id].append(agreement)  # in the order they were made
    return {expert_id: covering_agreement(mine, day) for expert_id, mine in by_expert.items()}


# --- Assignments workspace (coordinator pages: list, detail, dashboard) -----------------------


def assignments_for_list() -> QuerySet[Assignment]:
    """Assignments with what a list row shows, in a fixed number of queries.

    The experts come as a plain list (``listed_participations``): prefetching into the
    related manager clones a queryset for every row, ~0.5 ms each.
    """
    return Assignment.objects.select_related(
        "type", "service_area__parent", "contact"
    ).prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("expert").order_by(
                "expert__last_name", "expert__first_name", "pk"
            ),
            to_attr="listed_participations",
        )
    )


class TimeWindow(TextChoices):
    """Which part of the calendar the coordinator's assignment list shows (?when=)."""

    UPCOMING = "upcoming", _("Upcoming")
    PAST = "past", _("Past")
    ALL = "all", _("All")


def assignments_in_window(
    queryset: QuerySet[Assignment], *, window: TimeWindow, today: datetime.date
) -> QuerySet[Assignment]:
    """Upcoming: from today on, including one that began earlier and still runs (end_date);
    past: the rest."""
    still_on = Q(date__gte=today) | Q(end_date__gte=today)
    if window == TimeWindow.UPCOMING:
        # The same rows, with a lower bound on the date: the earliest start of a multi-day
        # assignment still running, else today. Without it PostgreSQL read the date index
        # from 2021 on for the first 25 rows (110 ms at 100k, 0.3 ms with it).
        running = Assignment.objects.filter(end_date__gte=today).order_by("date").values("date")
        earliest = Coalesce(Subquery(running[:1]), Value(today), output_field=DateField())
        return queryset.filter(still_on, date__gte=earliest)
    if window == TimeWindow.PAST:
        return queryset.exclude(still_on)
    return queryset


def assignment_for_page(pk: int) -> Assignment:
    """One assignment with its experts and their covering agreements (404 if none)."""
    queryset = Assignment.objects.select_related(
        "type", "service_area__parent", "contact", "created_by"
    ).prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("expert", "agreement").order_by(
                "expert__last_name", "expert__first_name", "pk"
            ),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def expert_choices(*, keep: list[int] = ()) -> list[tuple[int, str]]:
    """Experts that can be put on an assignment, as (id, name) for a select (one query).

    ``keep``: experts already on the assignment, offered even when anonymised, so that an
    edit does not drop them.
    """
    experts = Expert.objects.filter(Q(anonymised_at__isnull=True) | Q(pk__in=keep)).values_list(
        "pk", "first_name", "last_name", "anonymised_at"
    )
    # Rows, not 500 model instances (two thirds of the time); names as Expert.full_name gives.
    return [
        (pk, _expert_name(pk, first_name, last_name, anonymised_at))
        for pk, first_name, last_name, anonymised_at in experts
    ]


def _expert_name(pk, first_name, last_name, anonymised_at) -> str:
    if anonymised_at:  # rare: only experts kept on an assignment
        return Expert(pk=pk, anonymised_at=anonymised_at).full_name
    return f"{first_name} {last_name}".strip()


def upcoming_assignments(*, today: datetime.date, limit: int = 10) -> QuerySet[Assignment]:
    """Planned assignments from today on, soonest first."""
    return (
        assignments_for_list()
        .filter(date__gte=today, status=AssignmentStatus.PLANNED)
        .order_by("date", "start_time", "pk")[:limit]
    )


def agreements_waiting_for_signature() -> QuerySet[Agreement]:
    return (
        Agreement.objects.filter(status=AgreementStatus.DRAFT)
        .select_related("expert", "division")
        .order_by("valid_from", "pk")
    )


def month_figures(*, year: int, month: int) -> dict:
    """This month's headline figures for the start page, two aggregate queries."""
    first = datetime.date(year, month, 1)
    return period_figures(first=first, after=next_month(first))


def period_figures(*, first: datetime.date, after: datetime.date) -> dict:
    """Headline figures of the days from ``first`` up to ``after`` (not included), two
    aggregate queries.

    The monthly follow-up report (reporting) builds the full table; these follow its
    definitions: counted assignments are not cancelled and dated in the period, hours are
    summed over participations (an expert's own hours where recorded), new agreements by
    signed date.
    """
    counted = Assignment.objects.filter(
        date__gte=first, date__lt=after, status__in=COUNTED_STATUSES
    )
    # Each counted assignment sums its own participations through the assignment index: a join
    # made PostgreSQL scan every participation of every year (~25 ms at 100k assignments, ~6 now).
    own_hours = (
        Participation.objects.filter(assignment=OuterRef("pk"))
        .values("assignment")
        .annotate(total=Sum(Coalesce("hours", OuterRef("hours"))))
        .values("total")
    )
    figures = counted.annotate(worked=Subquery(own_hours)).aggregate(
        assignments=Count("pk"), hours=Sum("worked", default=Decimal("0"))
    )
    return {
        "assignments": figures["assignments"],
        "hours": figures["hours"],
        "new_agreements": new_agreements(first=first, after=after),
    }


def new_agreements(*, first: datetime.date, after: datetime.date) -> int:
    return Agreement.objects.filter(signed_on__gte=first, signed_on__lt=after).count()


# --- One expert's work: the expert's own pages, the coordinator's page about the expert and
# the GDPR export read it through these ----------------------------------------------------


def participations_of_expert(expert: Expert) -> QuerySet[Participation]:
    """The expert's participations with what their assignment rows show."""
    return Participation.objects.filter(expert=expert).select_related(
        "assignment__type",
        "assignment__service_area",
        "assignment__contact",
        "agreement",
    )


class WorkDay(NamedTuple):
    """Where one of an expert's participations lies in time: its assignment's first and last
    day, and for work still running or recently ended its start time and status (None for
    older work, which is past whatever its status)."""

    pk: int
    date: datetime.date
    last_day: datetime.date
    start_time: datetime.time | None = None
    status: str | None = None

    def is_upcoming(self, today: datetime.date) -> bool:
        """Work still to do: planned, from today on (or begun and still running). Today's
        assignment that is already done, or a cancelled one, is not upcoming."""
        return self.status == AssignmentStatus.PLANNED and self.last_day >= today


def work_days_of_expert(expert: Expert, *, since: datetime.date) -> list[WorkDay]:
    """All the expert's participations as WorkDays, in two narrow reads: the days of every
    one (on PostgreSQL the expert's part of one index), and the start time and status of
    those whose last day is ``since`` or later (at most today: the upcoming work's).

    My page and the coordinator's page about an expert sort and choose from these in Python:
    as queries, their upcoming list, past page, page count and reminders would each read every
    one of the expert's participations. Reaching their days through the assignments took
    ~20 ms at 1M assignments (~3,400 participations an expert); the days on the
    participation, a few."""
    rows = Participation.objects.filter(expert=expert).values_list("pk", "first_day", "last_day")
    recent = Participation.objects.filter(expert=expert, last_day__gte=since).values_list(
        "pk", "assignment__start_time", "assignment__status"
    )
    details = {pk: (start_time, status) for pk, start_time, status in recent}
    return [WorkDay(pk, first, last, *details.get(pk, ())) for pk, first, last in rows]


def work_of_expert(
    expert: Expert, days: list[WorkDay], today: datetime.date, page_number
) -> tuple[list[Participation], Page]:
    """The expert's upcoming work, all of it and soonest first, and the ``page_number`` page of
    the rest (done, cancelled and past work), newest first. One query for the rows shown."""
    upcoming = sorted(
        (day for day in days if day.is_upcoming(today)),
        # As PostgreSQL orders the date and start time: a day without a time after the times.
        key=lambda day: (
            day.date,
            day.start_time is None,
            day.start_time or datetime.time.min,
            day.pk,
        ),
    )
    past = sorted(
        (day for day in days if not day.is_upcoming(today)),
        key=lambda day: (day.date, day.pk),
        reverse=True,
    )
    page = Paginator([day.pk for day in past], PER_PAGE).get_page(page_number)
    rows = participations_of_expert(expert).in_bulk([day.pk for day in upcoming] + list(page))
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]  # deleted meanwhile
    return [rows[day.pk] for day in upcoming if day.pk in rows], page


def work_date(prefix: str = "assignment__") -> Coalesce:
    """The work's date as an expression, to order a page of a few rows among many by it: by
    the date column, PostgreSQL walks every assignment in date order until it has found a
    page's rows (at 1M assignments: 166 ms for an expert's past work, 4.3 s for the approval
    list); by the expression it takes the few rows first and sorts them (31 and 87 ms)."""
    return Coalesce(f"{prefix}date", f"{prefix}date")


def agreements_of_expert(expert: Expert) -> QuerySet[Agreement]:
    return expert.agreements.select_related("division").order_by("-valid_from", "-pk")


def experts_in_period(*, first: datetime.date, after: datetime.date) -> int:
    """How many distinct experts worked on the period's counted assignments (one query): a
    figure that rests on fewer of them may single a person out (SPEC "Small counts")."""
    return (
        Participation.objects.filter(
            assignment__date__gte=first,
            assignment__date__lt=after,
            assignment__status__in=COUNTED_STATUSES,
        )
        .values("expert")
        .distinct()
        .count()
    )


EXPIRY_WARNING_DAYS = 30


def agreement_list() -> QuerySet[Agreement]:
    """Agreements with what the coordinator's list shows of them, in one query."""
    return Agreement.objects.select_related("expert", "division")


def agreements_expiring(
    queryset: QuerySet[Agreement] | None = None,
    *,
    today: datetime.date,
    days: int = EXPIRY_WARNING_DAYS,
) -> QuerySet[Agreement]:
    """Signed, active agreements whose last day falls within ``days`` from ``today``."""
    queryset = agreement_list() if queryset is None else queryset
    return queryset.filter(
        status=AgreementStatus.ACTIVE,
        valid_until__gte=today,
        valid_until__lte=today + datetime.timedelta(days=days),
    ).order_by("valid_until", "pk")


def next_agreement_number(year: int) -> str:
    """A suggestion for a new agreement's number: TS-<year>-<running number>."""
    prefix = f"TS-{year}-"
    taken = set(
        Agreement.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    )
    running = len(taken) + 1
    while f"{prefix}{running:03}" in taken:
        running += 1
    return f"{prefix}{running:03}"
