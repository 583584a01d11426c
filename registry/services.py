"""Writes about the register of experts.

The audit trail takes its actor from the request (auditlog's middleware); these services do
not set it themselves, because a nested ``set_actor`` would drop the actor of later writes in
the same request.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kokemus.concurrency import claim_version
from registry.models import ExperienceArea, ExperienceConsent, Expert, ExpertExperience

# What a coordinator may set on an expert through the register's forms.
EXPERT_FIELDS = (
    "external_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "municipality",
    "languages",
    "kind",
    "trained",
    "training_organisation",
    "training_completed_on",
    "availability",
    "status",
)


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EXPERT_FIELDS)
    if unknown:
        raise TypeError(f"Not fields of the register: {sorted(unknown)}")


@transaction.atomic
def expert_create(*, fields: dict[str, Any]) -> Expert:
    """Add an expert to the register; ``fields`` are among EXPERT_FIELDS."""
    _check_fields(fields)
    expert = Expert(**fields)
    expert.full_clean()
    expert.save()
    return expert


@transaction.atomic
def expert_update(
    *, expert: Expert, fields: dict[str, Any], expected_version: int | None = None
) -> Expert:
    """Change the expert's register data (the coordinator's form, the expert's own contact
    details); an anonymised expert stays anonymous.

    ``expected_version`` is the version the editing form was opened with (optimistic lock).
    """
    _check_fields(fields)
    if expert.anonymised_at is not None:
        raise ValidationError(_("This expert has been anonymised and can no longer be edited."))
    claim_version(expert, expected_version)
    for name, value in fields.items():
        setattr(expert, name, value)
    expert.full_clean()
    expert.save()
    return expert


@transaction.atomic
def consent_record(
    *,
    expert: Expert,
    purpose: str,
    given_on: datetime.date,
    areas: list[ExperienceArea],
    by,
) -> ExperienceConsent:
    """Record the expert's consent (who recorded it, when, what for) and the areas it allows."""
    if expert.anonymised_at is not None:
        raise ValidationError(_("This expert has been anonymised and can no longer be edited."))
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("The consent cannot be given in the future.")})
    consent = ExperienceConsent(expert=expert, purpose=purpose, given_on=given_on, recorded_by=by)
    consent.full_clean()  # one valid consent per expert: the constraint names the case
    consent.save()
    _add_areas(consent, areas)
    return consent


@transaction.atomic
def consent_areas_update(*, consent: ExperienceConsent, areas: list[ExperienceArea]):
    """Replace the experience areas stored under a valid consent."""
    if not consent.is_valid:
        raise ValidationError(_("This consent has been withdrawn: record a new consent first."))
    consent.experiences.exclude(area__in=areas).delete()
    kept = set(consent.experiences.values_list("area_id", flat=True))
    _add_areas(consent, [area for area in areas if area.pk not in kept])
    return consent


def _add_areas(consent: ExperienceConsent, areas: list[ExperienceArea]) -> None:
    # One save per row (not bulk_create) so that the audit trail records each area.
    for area in areas:
        ExpertExperience.objects.create(expert=consent.expert, area=area, consent=consent)


@transaction.atomic
def consent_withdraw(*, consent: ExperienceConsent, by) -> ExperienceConsent:
    """The expert withdraws consent: the experience areas it allowed are deleted at once.

    ``by`` is the user who recorded the withdrawal (the expert or a coordinator); the consent row
    stays as the record that consent was given and withdrawn.
    """
    if consent.withdrawn_at is not None:
        raise ValidationError(_("This consent has already been withdrawn."))
    consent.experiences.all().delete()
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    return consent
