"""Optimistic locking: a save that started from an older version is refused, not merged.

Forms carry the version they were opened with; the service claims the row with one
conditional UPDATE (… WHERE version = <expected>), which both SQLite and PostgreSQL serialise,
so of two simultaneous saves exactly one wins, even across processes.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Model
from django.utils.translation import gettext as _


def claim_version(instance: Model, expected_version: int | None) -> None:
    """Bump the row's version; refuse if someone saved it after ``expected_version``.

    Call inside the service's transaction, before saving. Without an expected version (a
    script, the import) the save goes through and still bumps the version.
    """
    if instance.pk is None:
        return
    rows = type(instance).objects.filter(pk=instance.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not rows.update(version=F("version") + 1):
        raise ValidationError(
            _(
                "Someone else saved this while you were editing it, so your changes were not "
                "saved. Reload the page to see their changes, then make yours again."
            ),
            code="stale",
        )
    instance.version = rows.model.objects.values_list("version", flat=True).get(pk=instance.pk)


class VersionField(forms.IntegerField):
    """The version the form was opened with, sent back hidden with the changes."""

    def __init__(self, **kwargs):
        super().__init__(required=False, widget=forms.HiddenInput, **kwargs)
