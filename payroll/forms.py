"""Forms of hours reports, approvals, runs and earnings limits: they collect and clean input;
the rules live in payroll.services, so every way in gives the same message."""

import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from agreements.forms.reach import add_reach_fields, reach_values
from kokemus.forms import DateInput, DecimalField
from payroll.models import EarningsLimit

RECEIPT_TYPES = "image/jpeg,image/png,application/pdf"


def _decimal(label, *, max_digits: int, decimal_places: int, help_text="", required=True):
    return DecimalField(  # a comma or a point in every language
        label=label,
        max_digits=max_digits,
        decimal_places=decimal_places,
        min_value=Decimal(0),
        required=required,
        help_text=help_text,
    )


class ReportLineForm(forms.Form):
    """The expert's own report of an assignment, made for a phone: one column, decimal keypad."""

    hours = _decimal(
        _("Hours worked"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Your own working hours on this assignment."),
    )
    kilometres = _decimal(
        _("Kilometres driven"),
        max_digits=7,
        decimal_places=1,
        required=False,
        help_text=_("By your own car, there and back. 0 if none."),
    )
    route = forms.CharField(
        label=_("Route"),
        max_length=300,
        required=False,
        help_text=_("For example: Kokkola – Kannus – Kokkola."),
    )
    other_costs = _decimal(
        _("Other costs (€)"),
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text=_("For example bus or train tickets or parking."),
    )
    other_costs_description = forms.CharField(
        label=_("What the costs were"), max_length=300, required=False
    )
    receipt = forms.FileField(
        label=_("Receipt"),
        required=False,
        widget=forms.FileInput(attrs={"accept": RECEIPT_TYPES}),
    )
    remove_receipt = forms.BooleanField(label=_("Remove the receipt sent earlier"), required=False)
    comment = forms.CharField(
        label=_("Comment for the coordinator (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, has_receipt: bool = False, completes=None, **kwargs):
        """``completes``: the assignment this report marks done, of a type that records
        reach (payroll.selectors.report_asks_reach): the report then asks for the people
        reached and their group."""
        super().__init__(*args, **kwargs)
        if completes is not None:
            add_reach_fields(self, completes)
        if not has_receipt:  # a receipt sent earlier can be removed, or replaced by a new one
            del self.fields["remove_receipt"]
        self.fields["receipt"].help_text = _(
            "A photo (JPEG or PNG) or a PDF, at most %(size)s. Only you and the coordinators "
            "see it."
        ) % {"size": filesizeformat(settings.RECEIPT_MAX_BYTES)}

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "hours": data["hours"],
            "kilometres": data["kilometres"] or Decimal(0),
            "route": data["route"],
            "other_costs": data["other_costs"] or Decimal(0),
            "other_costs_description": data["other_costs_description"],
            "receipt": data["receipt"],
            "remove_receipt": data.get("remove_receipt", False),
            "comment": data["comment"],
            **reach_values(self),
        }

    @classmethod
    def initial_from(cls, line, participation) -> dict:
        if line is None:
            return {"hours": participation.worked_hours, "kilometres": Decimal(0)}
        return {
            "hours": line.hours,
            "kilometres": line.kilometres,
            "route": line.route,
            "other_costs": line.other_costs,
            "other_costs_description": line.other_costs_description,
            "comment": line.comment,
        }


class CommentForm(forms.Form):
    """Why a line is returned, or what its correction should fix: the expert reads it."""

    comment = forms.CharField(
        label=_("Comment for the expert"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say what to correct. The expert gets it by e-mail."),
    )


class LineSelectionForm(forms.Form):
    """The lines ticked on the approval list."""

    lines = forms.TypedMultipleChoiceField(coerce=int, choices=())

    def __init__(self, *args, line_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].choices = [(pk, pk) for pk in line_ids]
        self.fields["lines"].error_messages["required"] = _("Tick at least one line.")


class RunMonthForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        from django.utils.dates import MONTHS
        from django.utils.text import capfirst

        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(n, capfirst(name)) for n, name in MONTHS.items()]

    def first_day(self) -> datetime.date:
        return datetime.date(self.cleaned_data["year"], self.cleaned_data["month"], 1)


class EarningsLimitForm(forms.ModelForm):
    class Meta:
        model = EarningsLimit
        fields = ["basis", "basis_note", "monthly_limit", "yearly_limit", "consent_given_on"]
        field_classes = {"monthly_limit": DecimalField, "yearly_limit": DecimalField}
        widgets = {"consent_given_on": DateInput}
