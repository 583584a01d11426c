"""Forms of the coordinator's assignment pages: the assignment, its experts, a status change.

The forms only collect and clean input; the SPEC's rules (a covering agreement for each expert,
hours within a day) are checked by agreements.services with agreements.rules, which the admin and
the import call too, so all give the same messages.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.forms.reach import add_reach_fields
from agreements.models import Assignment, AssignmentStatus
from kokemus.concurrency import VersionedForm
from kokemus.converters import as_id
from kokemus.forms import DateInput, DecimalField, TimeInput
from kokemus.widgets import FixedChoices, LongSelect
from registry.forms import ServiceAreaChoiceField
from registry.models import AssignmentType
from registry.selectors import service_areas_by_division

# Empty expert rows offered on a new assignment; an edit offers this many beyond the current.
EXTRA_EXPERT_ROWS = 3
MAX_EXPERT_ROWS = 200  # experts on one assignment: far more than an event needs


class AssignmentForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Assignment
        fields = [
            "title",
            "type",
            "service_area",
            "date",
            "end_date",
            "start_time",
            "hours",
            "location",
            "contact",
            "description",
        ]
        widgets = {
            "date": DateInput(),
            "end_date": DateInput(),
            "start_time": TimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            # Options written in Python: every professional, and the few types and areas
            # (~0.1 ms an option through Django's option templates)
            "contact": LongSelect,
            "type": LongSelect,
            "service_area": LongSelect,
        }
        field_classes = {"service_area": ServiceAreaChoiceField, "hours": DecimalField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = self.fields["type"].queryset.filter(is_active=True)
        self.fields["service_area"].queryset = service_areas_by_division().filter(is_active=True)
        if self._asks_reach():
            add_reach_fields(self, self.instance)

    def _asks_reach(self) -> bool:
        """A done assignment of a type that records reach keeps its people reached. The type
        as posted: one changed to such a type comes back asking for them."""
        if self.instance.status != AssignmentStatus.DONE:
            return False
        if not self.is_bound:
            return self.instance.type.records_reach
        type_id = as_id(str(self.data.get("type", "")))
        return AssignmentType.objects.filter(pk=type_id, records_reach=True).exists()

    def clean(self):
        data = super().clean()
        if "people_reached" in self.fields:
            self.instance.people_reached = data.get("people_reached")
            self.instance.reached_group = data.get("reached_group", "")
        elif "type" in self.changed_data:  # now a type that does not record reach
            self.instance.people_reached, self.instance.reached_group = None, ""
        return data

    def clean_date(self):
        """A done assignment is not moved into the future. One imported as done with a future
        date (history as kept, SPEC) can still be edited as long as its date stays."""
        date = self.cleaned_data["date"]
        done = self.instance.status == AssignmentStatus.DONE
        if done and "date" in self.changed_data and date > timezone.localdate():
            raise forms.ValidationError(
                _("The assignment is done, so its date cannot be in the future.")
            )
        return date


def expert_row_choices(experts: list[tuple[int, str]], blank="---------") -> FixedChoices:
    """The choices of every expert row, built once for the formset: a blank, then the experts."""
    return FixedChoices([("", blank), *experts])


class ParticipantForm(forms.Form):
    """One expert on the assignment, with their own hours when these differ."""

    expert = forms.TypedChoiceField(
        label=_("Expert"), coerce=int, required=False, widget=LongSelect
    )
    hours = DecimalField(
        label=_("Own hours"),
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text=_("Only if they differ from the assignment's hours."),
    )

    def __init__(self, *args, expert_choices: FixedChoices | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices are read once for the whole formset, not once per row. Never a module's
        # shared default: LongSelect caches the rendered options on the choices object.
        if expert_choices is None:
            expert_choices = expert_row_choices([])
        self.fields["expert"].choices = expert_choices


class BaseParticipantFormSet(forms.BaseFormSet):
    def clean(self):
        seen = set()
        for form in self.forms:
            expert_id = form.cleaned_data.get("expert") if form.cleaned_data else None
            if expert_id is None:
                continue
            if expert_id in seen:
                form.add_error("expert", _("The expert is already on this assignment."))
            seen.add(expert_id)

    def own_hours(self) -> dict[int, object]:
        """Expert id -> own hours (None: the assignment's hours), in the order given."""
        return {
            form.cleaned_data["expert"]: form.cleaned_data.get("hours")
            for form in self.forms
            if form.cleaned_data and form.cleaned_data.get("expert") is not None
        }


ParticipantFormSet = forms.formset_factory(
    ParticipantForm,
    formset=BaseParticipantFormSet,
    extra=EXTRA_EXPERT_ROWS,
    # A posted TOTAL_FORMS of 10**20 would otherwise build and show Django's cap of 2000 rows.
    max_num=MAX_EXPERT_ROWS,
    absolute_max=MAX_EXPERT_ROWS,
    validate_max=True,
)


class AssignmentStatusForm(VersionedForm):
    """A status button; marking done an assignment of a type that records reach also asks
    for the people reached and their group."""

    status = forms.ChoiceField(choices=AssignmentStatus.choices, widget=forms.HiddenInput)

    def __init__(self, *args, assignment: Assignment, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.data.get("status") if self.is_bound else self.initial.get("status")
        if status == AssignmentStatus.DONE and assignment.type.records_reach:
            add_reach_fields(self, assignment)

    @property
    def asks_reach(self) -> bool:
        return "people_reached" in self.fields
