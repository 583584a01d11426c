"""The two questions asked when an assignment of a type that records reach is marked done
(SPEC "people reached"): the coordinator's status change and edit, and the hours report that
completes an assignment (payroll) ask them in the same words. agreements.rules.reach_errors
is the rule; the fields only read the input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import Assignment, ReachedGroup
from agreements.rules import GROUP_REACHED_MISSING, PEOPLE_REACHED_MISSING, PEOPLE_REACHED_NEGATIVE

REACH_FIELDS = ("people_reached", "reached_group")


def add_reach_fields(form: forms.BaseForm, assignment: Assignment) -> None:
    """Ask ``form`` for the people reached and their group, required, prefilled with what the
    assignment already holds (an assignment done earlier and returned to planned)."""
    form.fields["people_reached"] = forms.IntegerField(
        label=_("People reached"),
        min_value=0,
        help_text=_("How many people took part or were reached; 0 if no one came."),
        error_messages={
            "required": PEOPLE_REACHED_MISSING,
            "min_value": PEOPLE_REACHED_NEGATIVE,
            "invalid": _("Give the people reached as a whole number."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    form.fields["reached_group"] = forms.ChoiceField(
        label=_("Group reached"),
        choices=[("", "---------"), *ReachedGroup.choices],
        error_messages={"required": GROUP_REACHED_MISSING},
    )
    for name in REACH_FIELDS:
        form.initial.setdefault(name, getattr(assignment, name))


def reach_values(form: forms.BaseForm) -> dict:
    """The answers as the services take them; empty where the form did not ask."""
    return {
        "people_reached": form.cleaned_data.get("people_reached"),
        "reached_group": form.cleaned_data.get("reached_group", ""),
    }
