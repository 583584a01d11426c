"""Forms of the register. They collect and clean input; the rules live in registry.services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kokemus.concurrency import VersionedForm
from kokemus.forms import DateInput, ModelMultipleIdsField
from kokemus.translated_names import name_to_order_by
from registry.models import ExperienceArea, Expert, Language
from registry.services import EXPERT_FIELDS


class ServiceAreaChoiceField(forms.ModelChoiceField):
    """A service as "Division › Service": alone, "Housing services" tells not whose it is."""

    def label_from_instance(self, obj):
        return f"{obj.parent} › {obj}" if obj.parent_id else str(obj)


class LanguagesField(forms.MultipleChoiceField):
    """Expert.languages as check boxes: shows the stored "fi,sv" ticked, cleans to it again."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)  # the model field's: the choices keep it short
        kwargs.pop("empty_value", None)
        super().__init__(choices=Language.choices, **kwargs)

    def prepare_value(self, value):
        return value.split(",") if isinstance(value, str) else value

    def to_python(self, value):
        return super().to_python(self.prepare_value(value))

    def clean(self, value) -> str:
        chosen = super().clean(value)
        return ",".join(code for code in Language.values if code in chosen)


class ExpertForm(VersionedForm, forms.ModelForm):
    """Create or edit an expert's register data (the login is made by the invitation)."""

    class Meta:
        model = Expert
        fields = EXPERT_FIELDS
        field_classes = {"languages": LanguagesField}
        widgets = {
            "training_completed_on": DateInput(),
            "availability": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("training_completed_on") and not cleaned.get("trained"):
            # Said at the field, not only as the database constraint's general message.
            self.add_error(
                "trained",
                _("A training completion date needs the expert to be marked as trained."),
            )
        return cleaned


class AreasField(ModelMultipleIdsField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            queryset=ExperienceArea.objects.all(),
            label=_("Experience areas"),
            required=False,
            **kwargs,
        )

    def __deepcopy__(self, memo):
        field = super().__deepcopy__(memo)
        # Each form's copy, by name in the language of the page that makes it.
        field.queryset = ExperienceArea.objects.order_by(name_to_order_by())
        return field


class ConsentForm(forms.Form):
    """Record a new consent with the experience areas it allows."""

    given_on = forms.DateField(label=_("Consent given on"), widget=DateInput())
    purpose = forms.CharField(
        label=_("Purpose"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the experience areas are used for, as told to the expert."),
    )
    areas = AreasField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_on"].initial = timezone.localdate()


class ConsentAreasForm(forms.Form):
    """Change the experience areas under the valid consent."""

    areas = AreasField()
