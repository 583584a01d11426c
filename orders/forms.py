"""Forms of requests and offers. They collect and clean input; the rules live in
orders.services, so that every way in gives the same messages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kokemus.forms import DateInput, DecimalField, ModelMultipleIdsField
from kokemus.translated_names import name_to_order_by
from orders.models import MAX_EXPERTS_NEEDED, OfferStatus, Request
from orders.services import request_errors
from registry.forms import ServiceAreaChoiceField
from registry.models import AssignmentType, ExperienceArea, Expert
from registry.selectors import service_areas_by_division

# The field a person never sees: a robot that fills in every field fills this one too.
HONEYPOT = "website"

WHAT = (
    "type",
    "audience",
    "experience_area",
    "experience_wish",
    "language",
    "experts_needed",
    "description",
)
WHEN_AND_WHERE = (
    "service_area",
    "date",
    "end_date",
    "start_time",
    "hours",
    "mode",
    "place",
    "municipality",
)
WHO = (
    "requester_first_name",
    "requester_last_name",
    "requester_title",
    "requester_unit",
    "requester_email",
    "requester_phone",
)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class RequestForm(forms.ModelForm):
    """The public order form: what is needed, when and where, and who asks."""

    class Meta:
        model = Request
        fields = WHAT + WHEN_AND_WHERE + WHO
        field_classes = {"service_area": ServiceAreaChoiceField, "hours": DecimalField}
        widgets = {
            "date": DateInput(),
            "end_date": DateInput(),
            "start_time": TimeInput(),
            "mode": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["type"].queryset = AssignmentType.objects.filter(is_active=True)
        fields["service_area"].queryset = service_areas_by_division().filter(is_active=True)
        fields["experience_area"].queryset = ExperienceArea.objects.order_by(name_to_order_by())
        fields["experience_area"].empty_label = _("No particular experience")
        fields["experts_needed"].widget.attrs.update(min=1, max=MAX_EXPERTS_NEEDED)
        fields["place"].help_text = _("The address, or the room and building.")
        fields["municipality"].help_text = _("Needed when the assignment is on site.")
        fields["requester_email"].help_text = _(
            "We send the receipt and your request's private status link here."
        )
        fields["requester_email"].widget.attrs["autocomplete"] = "email"
        fields["requester_phone"].widget.attrs["autocomplete"] = "tel"
        fields["requester_first_name"].widget.attrs["autocomplete"] = "given-name"
        fields["requester_last_name"].widget.attrs["autocomplete"] = "family-name"
        fields[HONEYPOT] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def clean(self):
        """The service's rules at their fields (orders.services.request_errors), so that all
        show at once; a field at fault here is left out of the model's own checks."""
        cleaned = super().clean()
        fields = {name: cleaned.get(name) for name in ("date", "end_date", "hours", "mode")}
        order = Request(**fields, municipality=cleaned.get("municipality") or "")
        for field, message in request_errors(order, timezone.localdate()).items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned

    def groups(self):
        """The visible fields in their three fieldsets: (legend, fields)."""
        return [
            (_("What you need"), [self[name] for name in WHAT]),
            (_("When and where"), [self[name] for name in WHEN_AND_WHERE]),
            (_("About you"), [self[name] for name in WHO]),
        ]

    def request_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class DeadlineField(forms.DateTimeField):
    widget = DateTimeInput

    def __init__(self, **kwargs):
        super().__init__(label=_("Reply by"), input_formats=["%Y-%m-%dT%H:%M"], **kwargs)


class OfferForm(forms.Form):
    """Offer a request to experts: ticked suggestions and anyone chosen from the list."""

    experts = ModelMultipleIdsField(
        label=_("Experts"),
        queryset=Expert.objects.filter(anonymised_at__isnull=True),
        error_messages={"required": _("Choose at least one expert.")},
    )
    deadline = DeadlineField()


class OpenCallForm(forms.Form):
    deadline = DeadlineField()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_open_call_%s")  # the offer form's ids are on the page
        super().__init__(*args, **kwargs)


class VolunteersForm(forms.Form):
    offers = ModelMultipleIdsField(
        label=_("Volunteers to book"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one volunteer.")},
    )

    def __init__(self, *args, order: Request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offers"].queryset = order.offers.filter(
            status=OfferStatus.VOLUNTEERED
        ).select_related("expert__user")


class DeclineForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the requester"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the request could not be filled, or whom to ask instead."),
    )


class AnswerForm(forms.Form):
    """The expert's answer to an offer; a reason only when declining (optional)."""

    answer = forms.ChoiceField(
        choices=[
            (OfferStatus.ACCEPTED, _("accept")),
            (OfferStatus.VOLUNTEERED, _("volunteer")),
            (OfferStatus.DECLINED, _("decline")),
        ]
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only the coordinators see it."),
    )
