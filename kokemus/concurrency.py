"""Optimistic locking: a save that started from an older version is refused, not merged.

Forms carry the version they were opened with (``VersionedForm``); the service claims the row
with one conditional UPDATE (… WHERE version = <expected>), which both SQLite and PostgreSQL
serialise, so of two simultaneous saves exactly one wins, even across processes. Every write of
a versioned row claims it, with or without an expected version: a write that left the version
as it was would let a form opened before it overwrite it unseen. The admin does the same
(``VersionedModelAdmin``).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
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
    script, the import, a write that no form opened) the save goes through and still bumps
    the version.
    """
    if instance.pk is None:
        return
    rows = type(instance).objects.filter(pk=instance.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not rows.update(version=F("version") + 1):
        raise stale_error()
    instance.version = rows.model.objects.values_list("version", flat=True).get(pk=instance.pk)


class _OpenedVersion(forms.IntegerField):
    """The version a form was opened with. It comes back as it was sent, so it is never a
    change of the user's, even when the row has moved on since (an admin inline saves only
    its changed rows)."""

    def __init__(self):
        super().__init__(widget=forms.HiddenInput, min_value=1)

    def has_changed(self, initial, data) -> bool:
        return False


class VersionedForm(forms.Form):
    """Carries the version its page was opened with, sent back hidden with the changes.

    A model form takes the version from its instance; a plain form (sign, end, a status
    button) is given it as ``initial``. A new instance has nothing to lock yet: the field
    stays (so layouts that name it still work) but is disabled, and ignores what is posted.
    """

    version = _OpenedVersion()

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


def _is_current(instance: Model, expected_version: int) -> bool:
    """Nobody has saved the row since ``expected_version``. Inside a transaction the row is
    locked (PostgreSQL) until it ends, so the claim that follows cannot lose a race."""
    rows = type(instance).objects.filter(pk=instance.pk, version=expected_version)
    if transaction.get_connection().in_atomic_block:
        rows = rows.select_for_update()
    return rows.exists()


class VersionedAdminForm(VersionedForm, forms.ModelForm):
    """The admin's form of a versioned model (``VersionedModelAdmin``) or of an inline's row.

    The admin validates every form before it saves any, so the check comes first, in
    ``clean``: a stale form is shown again with the message and what was typed. A layout that
    lists its fields must name ``version``.
    """

    # The admin saves its main object even when nothing in the form changed.
    saved_unchanged = True

    class Meta:
        # The model's own (non-editable) version field: a layout naming "version" means the
        # hidden form field above, which the admin would otherwise refuse as the model's.
        exclude = ["version"]  # noqa: DJ006 (a model-less base: nothing else to leave out)

    def clean(self):
        cleaned_data = super().clean()
        version = self.expected_version  # None for a new row: nothing to lock yet
        will_save = self.saved_unchanged or self.has_changed()
        if version is not None and will_save and not _is_current(self.instance, version):
            raise stale_error()
        return cleaned_data


class VersionedInlineForm(VersionedAdminForm):
    """A row of an admin inline. Only the rows the administrator changed are saved, so only
    those need to be current: someone's edit of another row does not refuse the page."""

    saved_unchanged = False


class VersionedModelAdmin(admin.ModelAdmin):
    """The admin of a versioned model: saving claims the version, as the services do, of the
    object and of each changed row of a versioned inline (``VersionedInlineForm``).

    The claim waits until every form is valid: Django builds the object from its form before
    it validates the inlines, and a claim then would stay even if an inline refused the page.
    """

    form = VersionedAdminForm

    def save_model(self, request, obj, form, change):
        claim_version(obj, form.expected_version)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        deleted = formset.deleted_forms
        for row in formset.initial_forms:
            if isinstance(row, VersionedForm) and row.has_changed() and row not in deleted:
                claim_version(row.instance, row.expected_version)
        super().save_formset(request, form, formset, change)
