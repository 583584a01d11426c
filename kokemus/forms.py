"""What every app's forms share: the browser's date and time inputs, and one way to show a
service's refusal on a form."""

from collections.abc import Callable, Mapping

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class DateInput(forms.DateInput):
    """The browser's date picker; it sends and expects ISO dates whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


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
