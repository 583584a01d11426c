"""Forms of the supervision pages; the writes themselves are in supervision.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kokemus.concurrency import VersionedForm
from kokemus.forms import DateInput, ModelMultipleIdsField, TimeInput
from kokemus.translated_names import name_to_order_by
from registry.models import Expert, Professional
from supervision.models import (
    GroupMembership,
    SessionSeries,
    SupervisionGroup,
    SupervisionSession,
    SupervisionTopic,
    TopicProposal,
)


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
            "supervisor",
            "started_on",
            "target_interval_weeks",
            "is_active",
        ]
        widgets = {"started_on": DateInput()}

    new_supervisor = forms.CharField(
        label=_("Or a new supervisor: first and last name"),
        max_length=201,
        required=False,
        help_text=_("A supervisor not yet in the register is recorded as a professional."),
    )
    supervisor_experience = forms.CharField(
        label=_("Supervisor's experience of peer work"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Their earlier experience of peer work or of guiding experts. Recorded on the "
            "supervisor, for all their groups."
        ),
    )
    field_order = [
        "name",
        "kind",
        "division",
        "supervisor",
        "new_supervisor",
        "supervisor_experience",
        "started_on",
        "target_interval_weeks",
        "is_active",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.supervisor_id:
            self.initial.setdefault(
                "supervisor_experience", self.instance.supervisor.peer_work_experience
            )
        if self.instance.pk:
            current = self.instance.memberships.filter(left_on__isnull=True)
            for field in ("expert", "professional"):
                people = current.filter(**{f"{field}__isnull": False})
                self.initial.setdefault(f"{field}s", [m[0] for m in people.values_list(field)])

    def experience_to_record(self) -> str | None:
        """The experience text to record on the group's supervisor, or None to leave theirs
        as it is. Only a text the coordinator changed is recorded: the field shows the stored
        supervisor's text, so left as it is it would copy that onto a newly chosen supervisor
        (or wipe an existing one's with a new group's empty field)."""
        if "supervisor_experience" not in self.changed_data:
            return None
        return self.cleaned_data["supervisor_experience"]

    def clean(self):
        cleaned = super().clean()
        new_supervisor = cleaned.get("new_supervisor", "").strip()
        if cleaned.get("supervisor") and new_supervisor:
            self.add_error(
                "new_supervisor",
                _("Choose a supervisor from the list or give a new one, not both."),
            )
        elif new_supervisor and len(new_supervisor.split()) < 2:
            self.add_error("new_supervisor", _("Give both the first and the last name."))
        elif new_supervisor and any(len(part) > 100 for part in new_supervisor.split()):
            self.add_error("new_supervisor", _("A name can be at most 100 characters long."))
        return cleaned


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


class SeriesForm(VersionedForm, forms.ModelForm):
    """A rule of recurring sessions: every n weeks on a weekday, or the nth weekday of each
    month, from a first date to a last date or for a number of sessions."""

    class Meta:
        model = SessionSeries
        fields = [
            "rule",
            "weekday",
            "interval_weeks",
            "nth",
            "start_time",
            "duration_minutes",
            "first_date",
            "last_date",
            "count",
            "location",
        ]
        widgets = {
            "first_date": DateInput(),
            "last_date": DateInput(),
            "start_time": TimeInput(),
            "rule": forms.RadioSelect,
        }


class MembershipForm(VersionedForm, forms.ModelForm):
    """A member marked new or experienced; an expert member's own frequency target."""

    class Meta:
        model = GroupMembership
        fields = ["seniority", "target_interval_weeks"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.expert_id:  # a professional has no target of their own
            del self.fields["target_interval_weeks"]


class ProposalForm(forms.ModelForm):
    class Meta:
        model = TopicProposal
        fields = ["text"]
        labels = {"text": _("Your topic proposal")}
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "maxlength": 1000})}


class VersionedEndForm(VersionedForm):
    """The series' end button: carries the version its page showed."""
