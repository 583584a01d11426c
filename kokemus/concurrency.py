"""Optimistic locking: a save that started from an older version is refused, not merged.

Forms carry the version they were opened with (``VersionedForm``); the service claims the row
with one conditional UPDATE (… WHERE version = <expected>), which both SQLite and PostgreSQL
serialise, so of two simultaneous saves exactly one wins, even across processes.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Model
from django.utils.translation import gettext as _


def stale_error() -> ValidationError:
    """The refusal every form shows when someone saved the row after the form was opened."""
    return ValidationError(
        _(
            "Someone else saved this while you were editing it, so your changes were not "
            "saved. Reload the page to see their changes, then make yours again."
        ),
        code="stale",
    )


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
        raise stale_error()
    instance.version = rows.model.objects.values_list("version", flat=True).get(pk=instance.pk)


class VersionedForm(forms.Form):
    """Carries the version its page was opened with, sent back hidden with the changes.

    A model form takes the version from its instance; a plain form (sign, end, a status
    button) is given it as ``initial``. A new instance has nothing to lock yet: the field
    stays (so layouts that name it still work) but is disabled, and ignores what is posted.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is None:
            return
        if instance.pk is None:
            self.fields["version"].required = False
            self.fields["version"].disabled = True
        else:
            self.initial.setdefault("version", instance.version)

    @property
    def expected_version(self) -> int | None:
        """The version the form was opened with (None for a new object): the services'
        ``expected_version``."""
        return self.cleaned_data.get("version")
