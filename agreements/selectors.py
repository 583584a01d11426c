"""Reads about agreements and assignments that views, reports and imports share."""

import datetime

from django.db.models import Q, QuerySet

from agreements.models import COVERING_STATUSES, Agreement, AgreementStatus


def agreements_covering(day: datetime.date) -> QuerySet[Agreement]:
    """Signed agreements whose validity includes ``day`` (a draft covers nothing)."""
    return Agreement.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        status__in=COVERING_STATUSES,
        valid_from__lte=day,
    )


def covering_agreements_by_expert(
    *, expert_ids: list[int], day: datetime.date
) -> dict[int, Agreement]:
    """For each expert the agreement that covers ``day``; the latest ``valid_from`` wins (SPEC)."""
    covering = (
        agreements_covering(day).filter(expert_id__in=expert_ids).order_by("valid_from", "pk")
    )
    return {agreement.expert_id: agreement for agreement in covering}  # later rows win


EXPIRY_WARNING_DAYS = 30


def agreement_list() -> QuerySet[Agreement]:
    """Agreements with what the coordinator's list shows of them, in one query."""
    return Agreement.objects.select_related("expert", "division")


def agreements_expiring(
    queryset: QuerySet[Agreement], *, today: datetime.date, days: int = EXPIRY_WARNING_DAYS
) -> QuerySet[Agreement]:
    """Signed, active agreements whose last day falls within ``days`` from ``today``."""
    return queryset.filter(
        status=AgreementStatus.ACTIVE,
        valid_until__gte=today,
        valid_until__lte=today + datetime.timedelta(days=days),
    )


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
