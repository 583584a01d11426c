"""Forms of the supervision pages; the writes themselves are in supervision.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kokemus.concurrency import VersionedForm
from kokemus.forms import DateInput, ModelMultipleIdsField, TimeInput
from kokemus.translated_names import name_to_order_by
from registry.models import Expert, Professional
from supervision.models import SupervisionGroup, SupervisionSession, SupervisionTopic


class MemberChoiceField(ModelMultipleIdsField):
    def label_from_instance(self, obj):
        return obj.full_name if isinstance(obj, Expert) else str(obj)


class GroupForm(VersionedForm, forms.ModelForm):
    experts = MemberChoiceField(
        label=_("Experts"),
        queryset=Expert.objects.filter(anonymised_at__isnull=True),
        required=False,
        # Checkboxes, not a multiple select: there a plain click unchose every other member,
        # and saving ended their memberships.
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the group's members. Unticking someone ends their membership today."),
    )
    professionals = MemberChoiceField(
        label=_("Professionals"),
        queryset=Professional.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the group's members. Unticking someone ends their membership today."),
    )

    class Meta:
        model = SupervisionGroup
        fields = [
            "name",
            "kind",
            "division",
            "supervisor_name",
            "supervisor_peer_experience",
            "started_on",
            "is_active",
        ]
        widgets = {
            "started_on": DateInput(),
            "supervisor_peer_experience": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            current = self.instance.memberships.filter(left_on__isnull=True)
            for field in ("expert", "professional"):
                people = current.filter(**{f"{field}__isnull": False})
                self.initial.setdefault(f"{field}s", [m[0] for m in people.values_list(field)])


class MemberAttendanceField(ModelMultipleIdsField):
    def label_from_instance(self, obj):
        if obj.expert_id:
            return obj.expert.full_name
        return str(obj.professional)


class SessionForm(VersionedForm, forms.ModelForm):
    """A session with its topics and attendance, entered in one form."""

    present = MemberAttendanceField(
        label=_("Present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the members who took part; the others are recorded as absent."),
    )

    class Meta:
        model = SupervisionSession
        fields = [
            "date",
            "start_time",
            "duration_minutes",
            "facilitator",
            "location",
            "topics",
            "notes",
        ]
        widgets = {
            "date": DateInput(),
            "start_time": TimeInput(),
            "topics": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, members, **kwargs):
        """``members``: the group memberships whose attendance the form lists."""
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = members
        self.fields["topics"].queryset = SupervisionTopic.objects.order_by(name_to_order_by())
        if self.instance.pk:
            self.initial.setdefault(
                "present",
                list(
                    self.instance.attendances.filter(present=True).values_list(
                        "membership_id", flat=True
                    )
                ),
            )

    def member_ids(self) -> list[int]:
        return list(self.fields["present"].queryset.values_list("pk", flat=True))


class AddMemberForm(forms.Form):
    """The coverage page's row form: an expert without supervision into a group."""

    expert = forms.ModelChoiceField(
        queryset=Expert.objects.filter(anonymised_at__isnull=True), widget=forms.HiddenInput
    )
    group = forms.ModelChoiceField(
        label=_("Supervision group"),
        queryset=SupervisionGroup.objects.filter(is_active=True),
        empty_label=_("Choose a group"),
    )
