"""Writes about the register of experts."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import ExperienceConsent


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
