from django import forms
from django.utils.translation import gettext_lazy as _

from kokemus.concurrency import VersionedForm
from registry.forms import LanguagesField
from registry.models import Expert


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The coordinator sees it; say nothing of your health."),
    )


# The expert keeps these up to date; everything else the coordinator records.
CONTACT_FIELDS = ("email", "phone", "municipality", "languages", "availability")


class ContactDetailsForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Expert
        fields = CONTACT_FIELDS
        field_classes = {"languages": LanguagesField}
        widgets = {"availability": forms.Textarea(attrs={"rows": 4})}
