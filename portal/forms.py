from django import forms
from django.utils.translation import gettext_lazy as _

from registry.models import Expert


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The coordinator sees it; say nothing of your health."),
    )


class ContactDetailsForm(forms.ModelForm):
    """The expert keeps these up to date; everything else the coordinator records."""

    class Meta:
        model = Expert
        fields = ["email", "phone", "municipality", "availability"]
        widgets = {"availability": forms.Textarea(attrs={"rows": 4})}
