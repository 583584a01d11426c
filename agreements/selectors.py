"""Reads about agreements and assignments that views, reports and imports share."""

import datetime

from django.db.models import Q, QuerySet

from agreements.models import COVERING_STATUSES, Agreement


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
