"""Reads about the register of experts that the coordinator's pages and exports share.

Experience areas are health data (GDPR art. 9): every read of them goes through
``consented_experiences`` so that only areas under a recorded, not withdrawn consent show.
"""

import datetime

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from agreements.models import Participation
from agreements.selectors import agreements_covering
from kokemus.translated_names import name_to_order_by
from registry.models import ExperienceConsent, Expert, ExpertExperience, ServiceArea
from supervision.models import Attendance


def consented_experiences() -> QuerySet[ExpertExperience]:
    """Experience areas whose consent is recorded and not withdrawn."""
    return ExpertExperience.objects.filter(consent__withdrawn_at__isnull=True)


def has_covering_agreement(day: datetime.date) -> Exists:
    """An expression: the expert has a signed agreement that covers ``day``."""
    return Exists(agreements_covering(day).filter(expert=OuterRef("pk")))


def experts_for_list(*, today: datetime.date | None = None) -> QuerySet[Expert]:
    """The expert list: each row knows whether an agreement covers today."""
    today = today or timezone.localdate()
    return Expert.objects.annotate(covered_today=has_covering_agreement(today))


def experts_with_consented_areas() -> QuerySet[Expert]:
    """Experts with their consented experience areas prefetched as ``consented_experiences``."""
    return Expert.objects.prefetch_related(
        Prefetch(
            "experiences",
            queryset=consented_experiences().select_related("area").order_by("area__name"),
            to_attr="consented_experiences",
        )
    )


def valid_consent(expert: Expert) -> ExperienceConsent | None:
    return expert.consents.filter(withdrawn_at__isnull=True).select_related("recorded_by").first()


def withdrawn_consents(expert: Expert) -> QuerySet[ExperienceConsent]:
    """The record that consent was given and withdrawn, newest first."""
    return expert.consents.filter(withdrawn_at__isnull=False)


def participations_of_expert(expert: Expert) -> QuerySet[Participation]:
    return Participation.objects.filter(expert=expert).select_related(
        "assignment__type", "assignment__service_area", "agreement"
    )


def upcoming_participations(expert: Expert, today: datetime.date) -> QuerySet[Participation]:
    return (
        participations_of_expert(expert)
        .filter(assignment__date__gte=today)
        .order_by("assignment__date", "assignment__start_time", "pk")
    )


def past_participations(expert: Expert, today: datetime.date) -> QuerySet[Participation]:
    return (
        participations_of_expert(expert)
        .filter(assignment__date__lt=today)
        .order_by("-assignment__date", "-pk")
    )


def agreements_of_expert(expert: Expert):
    return expert.agreements.select_related("division").order_by("-valid_from", "-pk")


def attendances_of_expert(expert: Expert) -> QuerySet[Attendance]:
    """The expert's supervision history, newest session first."""
    return (
        Attendance.objects.filter(membership__expert=expert)
        .select_related("session__group")
        .order_by("-session__date", "-pk")
    )


def service_areas_by_division() -> QuerySet[ServiceArea]:
    """Each division, followed by its services, by name in the page's language (by id where
    two names are alike)."""
    name = name_to_order_by()
    return ServiceArea.objects.select_related("parent").order_by(
        Coalesce(name_to_order_by("parent__"), name),
        Coalesce("parent_id", "id"),
        F("parent").asc(nulls_first=True),
        name,
    )
