"""Reads about agreements and assignments that views, reports and imports share."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

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
from kokemus.lists import next_month
from registry.models import Expert


def agreements_covering(day: datetime.date) -> QuerySet[Agreement]:
    """The agreements that cover ``day``: Agreement.covers as a database condition."""
    return Agreement.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        status__in=COVERING_STATUSES,
        valid_from__lte=day,
    )


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
    """This month's headline figures for the start page, two aggregate queries.

    The monthly follow-up report (reporting) builds the full table; these follow its
    definitions: counted assignments are not cancelled and dated in the month, hours are summed
    over participations (an expert's own hours where recorded), new agreements by signed date.
    """
    first = datetime.date(year, month, 1)
    after = next_month(first)
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
        "new_agreements": Agreement.objects.filter(
            signed_on__gte=first, signed_on__lt=after
        ).count(),
    }


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
