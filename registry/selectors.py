"""Reads about the register of experts that the coordinator's pages and exports share.

Experience areas are health data (GDPR art. 9): every read of them goes through
``consented_experiences`` so that only areas under a recorded, not withdrawn consent show.
"""

from django.db.models import F, Prefetch, QuerySet
from django.db.models.functions import Coalesce

from kokemus.translated_names import name_to_order_by
from registry.models import ExperienceConsent, Expert, ExpertExperience, ServiceArea


def consented_experiences() -> QuerySet[ExpertExperience]:
    """Experience areas whose consent is recorded and not withdrawn."""
    return ExpertExperience.objects.filter(consent__withdrawn_at__isnull=True)


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


def consents_of_expert(expert: Expert) -> QuerySet[ExperienceConsent]:
    """Every consent of the expert, withdrawn ones too, with its experience areas by name."""
    return ExperienceConsent.objects.filter(expert=expert).prefetch_related(
        Prefetch(
            "experiences",
            queryset=consented_experiences().select_related("area").order_by("area__name"),
        )
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
