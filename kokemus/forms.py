"""What every app's forms share: the browser's date and time inputs, the decimal field, a
multiple choice of rows that odd ids cannot break, and one way to show a service's refusal on a
form."""

from collections.abc import Callable, Mapping
from decimal import Decimal, DecimalException

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from kokemus.converters import as_id
from kokemus.widgets import DecimalInput


class DateInput(forms.DateInput):
    """The browser's date picker; it sends and expects ISO dates whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


# Spaces people and Finnish Excel put between thousands: plain, no-break, narrow no-break.
THOUSANDS_SPACES = str.maketrans("", "", " \u00a0\u202f")


class DecimalField(forms.DecimalField):
    """A decimal typed with a comma or a point in every language ("1,5" or "1.5"), as the
    import takes it: Finnish staff use the English and Swedish pages too. Spaces between
    thousands are dropped ("1 234,50"); a comma or point between thousands is not taken
    ("1,234.50" reads as two decimal separators, so it is refused rather than guessed).
    The value is shown in the page's language, in a text field with the decimal keypad.
    """

    widget = DecimalInput

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            value = value.strip().translate(THOUSANDS_SPACES).replace(",", ".")
        try:
            return Decimal(str(value))  # "1.2.3" (from "1,234.50") is no number
        except DecimalException as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


# The admin's decimals too (ModelAdmin.formfield_overrides): administrators type "1,5" as well.
DECIMAL_FORMFIELDS = {models.DecimalField: {"form_class": DecimalField}}


class ModelMultipleIdsField(forms.ModelMultipleChoiceField):
    """Django's multiple choice of rows, with an id no row can have (beyond 64 bits) refused
    as an invalid choice before the query: SQLite fails on it instead of finding nothing."""

    def _check_values(self, value):
        for pk in value:
            if str(pk).isdigit() and as_id(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def add_service_error(
    form: forms.BaseForm,
    error: ValidationError,
    *,
    formsets: Mapping[str, forms.BaseFormSet] | None = None,
) -> None:
    """Put a service's refusal on the form: each message at the field it names, the rest
    above the form; a message the form already shows there is not said twice.

    ``formsets`` names the fields that a formset shows row by row (an assignment's experts):
    their messages go above the formset's rows.
    """
    if not hasattr(error, "error_dict"):
        _add_new(form, None, error.messages)
        return
    for field, errors in error.error_dict.items():
        messages = [message for item in errors for message in item.messages]
        if formsets and field in formsets:
            shown = formsets[field].non_form_errors()
            shown.extend(message for message in messages if message not in shown)
        else:
            _add_new(form, field if field in form.fields else None, messages)


def _add_new(form: forms.BaseForm, field: str | None, messages: list[str]) -> None:
    shown = form.errors.get(field or NON_FIELD_ERRORS, [])
    new = [message for message in messages if message not in shown]
    if new:
        form.add_error(field, new)


def add_rule_errors(
    form: forms.BaseForm,
    validate: Callable[..., object],
    *,
    formsets: Mapping[str, forms.BaseFormSet] | None = None,
    **fields,
) -> None:
    """Show, on a form with field errors, what the service would refuse in the fields that
    could be read (a number in use, an expert without an agreement), so that every error
    shows at once rather than round by round. ``validate`` is the service's check without a
    write, called with ``fields``; a field that could not be read it does not judge."""
    try:
        validate(**fields)
    except ValidationError as error:
        add_service_error(form, error, formsets=formsets)
