from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications.models import REMINDER_HORIZON_DAYS, Kind

EXPERT_OPTIONAL = [Kind.REMINDER, Kind.SUPERVISION, Kind.LINE_APPROVED, Kind.REFLECTION]
COORDINATOR_OPTIONAL = [
    Kind.WORK_REPORTED,
    Kind.WITHDREW,
    Kind.AGREEMENT_ENDING,
    Kind.NEW_REQUEST,
]


class PreferenceForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of messages"), choices=settings.LANGUAGES)
    reminder_days = forms.IntegerField(
        label=_("Reminders, days before"),
        min_value=0,
        max_value=REMINDER_HORIZON_DAYS,
        help_text=_("0: on the day itself."),
    )
    wanted = forms.MultipleChoiceField(
        label=_("Messages I want"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Booking, change and cancellation notices always come: they are how work reaches you."
        ),
    )
    digest = forms.BooleanField(label=_("A weekly digest on Mondays"), required=False)

    def __init__(self, *args, expert: bool, coordinator: bool, **kwargs):
        super().__init__(*args, **kwargs)
        optional = (EXPERT_OPTIONAL if expert else []) + (
            COORDINATOR_OPTIONAL if coordinator else []
        )
        self.fields["wanted"].choices = [(kind.value, kind.label) for kind in optional]
        if not expert:
            del self.fields["reminder_days"]
            self.fields["wanted"].help_text = ""
        if not coordinator:
            del self.fields["digest"]

    def turned_off(self) -> list[str]:
        offered = {value for value, _label in self.fields["wanted"].choices}
        return sorted(offered - set(self.cleaned_data["wanted"]))
