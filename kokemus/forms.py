"""What every app's forms share: the browser's date and time inputs, and one way to show a
service's refusal on a form."""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError


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
    above the form.

    ``formsets`` names the fields that a formset shows row by row (an assignment's experts):
    their messages go above the formset's rows.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        if formsets and field in formsets:
            formsets[field].non_form_errors().extend(
                message for item in errors for message in item.messages
            )
        else:
            form.add_error(field if field in form.fields else None, errors)
