"""Forms of the coordinator's agreement pages. The rules live in agreements.services; the
forms collect input and carry the version they were opened with (kokemus.concurrency)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.forms.assignments import expert_row_choices
from agreements.models import Agreement, AgreementStatus
from agreements.rules import FEE_FIELDS
from agreements.selectors import expert_choices
from agreements.services import DRAFT_FIELDS
from kokemus.concurrency import VersionedForm
from kokemus.forms import DateInput, DecimalField
from kokemus.widgets import LongSelect
from registry.models import Expert, ServiceArea


class AgreementExpertForm(forms.Form):
    """Whom a new agreement is for: the agreement form itself belongs to one expert."""

    expert = forms.ModelChoiceField(
        label=_("Expert"),
        queryset=Expert.objects.filter(anonymised_at__isnull=True),
        widget=LongSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The options as rows, as on the assignment pages; the field still checks the choice.
        self.fields["expert"].widget.choices = expert_row_choices(expert_choices())


class AgreementForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = DRAFT_FIELDS
        widgets = {
            "valid_from": DateInput(),
            "valid_until": DateInput(),
            "duties": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = dict.fromkeys(FEE_FIELDS, DecimalField)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = ServiceArea.objects.filter(
            parent__isnull=True, is_active=True
        )

    def _post_clean(self):
        """Leave the model's validation to the service (one place, one set of messages)."""


class AgreementSignForm(VersionedForm):
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())

    def clean_signed_on(self):
        signed_on = self.cleaned_data["signed_on"]
        # Stricter than the import, which takes history as it was kept (SPEC).
        if signed_on > timezone.localdate():
            raise ValidationError(_("The signing date cannot be in the future."))
        return signed_on


class AgreementEndForm(VersionedForm):
    outcome = forms.ChoiceField(
        label=_("How the agreement ends"),
        choices=[
            (AgreementStatus.ENDED, _("Ended (the term ran out or by mutual consent)")),
            (AgreementStatus.TERMINATED, _("Terminated (before the end of its term)")),
        ],
        widget=forms.RadioSelect,
    )
    valid_until = forms.DateField(
        label=_("Last day of validity"),
        widget=DateInput(),
        help_text=_("The agreement covers assignments up to and including this day."),
    )
