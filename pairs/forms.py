"""Forms of the pair pages; the writes themselves are in pairs.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kokemus.concurrency import VersionedForm
from kokemus.forms import DateInput
from pairs.models import PlanStep, WorkPair
from registry.models import Expert, Professional
from supervision.models import GroupKind, SupervisionGroup

# A plan this long is a mistake; a posted TOTAL_FORMS beyond it is refused.
MAX_STEPS = 40


class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class PairForm(VersionedForm, forms.ModelForm):
    expert = ExpertChoiceField(
        label=_("Expert by experience"), queryset=Expert.objects.filter(anonymised_at__isnull=True)
    )
    professional = forms.ModelChoiceField(
        label=_("Professional"), queryset=Professional.objects.all()
    )
    mentor_expert = ExpertChoiceField(
        label=_("Mentor (an expert by experience)"),
        queryset=Expert.objects.filter(anonymised_at__isnull=True),
        required=False,
    )
    mentor_professional = forms.ModelChoiceField(
        label=_("Mentor (a professional)"),
        queryset=Professional.objects.all(),
        required=False,
        help_text=_("Often the pair's own professional. Choose one mentor at most."),
    )
    default_plan = forms.BooleanField(
        label=_("Start with the default gradual-start plan"),
        required=False,
        initial=True,
        help_text=_("Ten steps dated from the start, which you can edit afterwards."),
    )

    class Meta:
        model = WorkPair
        fields = [
            "expert",
            "professional",
            "started_on",
            "ended_on",
            "mentor_expert",
            "mentor_professional",
            "supervision_group",
            "notes",
            "external_id",
        ]
        widgets = {
            "started_on": DateInput(),
            "ended_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervision_group"].queryset = SupervisionGroup.objects.filter(
            kind=GroupKind.PAIR
        )
        if self.instance.pk:  # the default plan is for a new pair only
            del self.fields["default_plan"]
            if self.instance.expert.anonymised_at:  # keep an anonymised expert choosable
                self.fields["expert"].queryset = Expert.objects.filter(
                    pk=self.instance.expert_id
                ) | Expert.objects.filter(anonymised_at__isnull=True)

    def clean(self):
        cleaned_data = super().clean()
        expert, mentor = cleaned_data.get("expert"), cleaned_data.get("mentor_expert")
        if expert is not None and mentor == expert:
            self.add_error(
                "mentor_expert", _("The mentor cannot be the pair's own expert by experience.")
            )
        return cleaned_data


class StepForm(forms.ModelForm):
    class Meta:
        model = PlanStep
        fields = ["position", "kind", "title", "due_on"]
        widgets = {"due_on": DateInput(), "position": forms.NumberInput(attrs={"min": 1})}


PlanFormSet = forms.inlineformset_factory(
    WorkPair,
    PlanStep,
    form=StepForm,
    extra=3,
    can_delete=True,
    max_num=MAX_STEPS,
    absolute_max=MAX_STEPS,
    validate_max=True,
)


class PlanVersionForm(VersionedForm):
    """The pair's version the plan page was opened with."""


class TickForm(forms.Form):
    """A step ticked done, or its tick undone."""

    step = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    done = forms.BooleanField(required=False, widget=forms.HiddenInput)
