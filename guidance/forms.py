"""Forms of the period's steps: the referral, the start meeting with its goals, a meeting, the
end. They collect and clean input; the rules live in guidance.services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from guidance.models import GOAL_LENGTH, MAX_GOALS, Goal, Meeting, Outcome, Period, Place
from kokemus.concurrency import VersionedForm
from kokemus.forms import DateInput, DecimalField, TimeInput
from registry.models import Expert, Professional, ServiceArea


class ReferralForm(VersionedForm, forms.ModelForm):
    """The coordinator's entry of a referral (also from a request)."""

    class Meta:
        model = Period
        fields = [
            "guide",
            "client_code",
            "referred_by",
            "referred_on",
            "service_area",
            "external_id",
        ]
        widgets = {"referred_on": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guide"].queryset = Expert.objects.filter(anonymised_at__isnull=True)
        self.fields["referred_by"].queryset = Professional.objects.all()
        self.fields["service_area"].queryset = ServiceArea.objects.select_related("parent")


class MeetingFields(VersionedForm):
    """A meeting's day, time, duration and place; the version is the period's."""

    date = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("Start time"), required=False, widget=TimeInput)
    hours = DecimalField(
        label=_("Duration (hours)"),
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("0.25"),
        help_text=_("For example 1,5."),
    )
    place = forms.ChoiceField(label=_("Place"), choices=Place.choices, widget=forms.RadioSelect)

    @staticmethod
    def initial_from(meeting: Meeting, version: int) -> dict:
        fields = ("date", "start_time", "hours", "place")
        return {name: getattr(meeting, name) for name in fields} | {"version": version}

    def fill(self, meeting: Meeting) -> Meeting:
        for name in ("date", "start_time", "hours", "place"):
            setattr(meeting, name, self.cleaned_data[name])
        return meeting


class StartForm(MeetingFields):
    """The start meeting of client, professional and guide, and the goals they agreed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for position in range(1, MAX_GOALS + 1):
            self.fields[f"goal_{position}"] = forms.CharField(
                label=_("Goal %(position)s") % {"position": position},
                max_length=GOAL_LENGTH,
                required=position == 1,
                help_text=_("In short words, without anything that identifies the client.")
                if position == 1
                else "",
            )

    @property
    def goals(self) -> list[str]:
        return [self.cleaned_data.get(f"goal_{p}", "") for p in range(1, MAX_GOALS + 1)]


class EndForm(VersionedForm):
    """The end: the day, an outcome for each goal and a closing note."""

    ended_on = forms.DateField(label=_("End date"), widget=DateInput)
    closing_note = forms.CharField(
        label=_("Closing note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How the period went, in general words: nothing that identifies the client."),
    )

    def __init__(self, *args, goals: list[Goal], **kwargs):
        super().__init__(*args, **kwargs)
        self.goal_fields = []
        for goal in goals:
            name = f"outcome_{goal.pk}"
            self.fields[name] = forms.ChoiceField(
                label=goal.text, choices=Outcome.choices, widget=forms.RadioSelect
            )
            self.goal_fields.append((goal, name))
        self.order_fields(["ended_on", *(name for _goal, name in self.goal_fields)])

    @property
    def outcomes(self) -> dict[int, str]:
        return {goal.pk: self.cleaned_data[name] for goal, name in self.goal_fields}
