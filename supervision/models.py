"""Supervision groups (työnohjaus) that keep experts well and cooperation with staff working."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kokemus.constraints import ConstraintErrorsOnFields
from kokemus.translated_names import TranslatedName, name_fields
from registry.models import Expert, Professional, ServiceArea, code_validator


class GroupKind(models.TextChoices):
    JOINT = "joint", _("joint supervision of experts and professionals")
    INFORMAL = "informal", _("informal supervisory sessions with a facilitator")
    PAIR = "pair", _("work-pair supervision")
    PEER = "peer", _("experts' peer group")


class SupervisionGroup(models.Model):
    # The key in imported spreadsheets (interchange); empty for rows entered in Kokemus.
    external_id = models.CharField(
        _("external id"), max_length=50, unique=True, null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=GroupKind.choices)
    division = models.ForeignKey(
        ServiceArea,
        verbose_name=_("division"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_groups",
        limit_choices_to={"parent__isnull": True},
    )
    supervisor_name = models.CharField(_("supervisor"), max_length=200)
    supervisor_peer_experience = models.TextField(
        _("supervisor's experience of peer work"), blank=True
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Optimistic lock (kokemus.concurrency): every save moves it on.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("supervision group")
        verbose_name_plural = _("supervision groups")
        ordering = ["name"]

    def __str__(self):
        return self.name


class GroupMembership(models.Model):
    """A member of a group: either an expert or a professional."""

    group = models.ForeignKey(
        SupervisionGroup,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    expert = models.ForeignKey(
        Expert,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    professional = models.ForeignKey(
        Professional,
        verbose_name=_("professional"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.CheckConstraint(
                condition=Q(expert__isnull=False, professional__isnull=True)
                | Q(expert__isnull=True, professional__isnull=False),
                name="membership_expert_xor_professional",
                violation_error_message=_("Choose either an expert or a professional."),
            ),
            models.UniqueConstraint(
                fields=["group", "expert"],
                condition=Q(expert__isnull=False),
                name="unique_expert_per_group",
                violation_error_message=_("The expert is already in this group."),
            ),
            models.UniqueConstraint(
                fields=["group", "professional"],
                condition=Q(professional__isnull=False),
                name="unique_professional_per_group",
                violation_error_message=_("The professional is already in this group."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_not_before_joined",
                violation_error_message=_("Leaving cannot be before joining."),
            ),
        ]

    def __str__(self):
        return str(self.expert or self.professional)


class SupervisionTopic(TranslatedName, models.Model):
    """Reference list: roles and boundaries, coping at work, work cultures…"""

    code = models.CharField(_("code"), max_length=50, unique=True, validators=[code_validator])
    name, name_sv, name_en = name_fields()

    class Meta:
        verbose_name = _("supervision topic")
        verbose_name_plural = _("supervision topics")
        ordering = ["name"]

    def __str__(self):
        return self.translated_name


class SupervisionSession(ConstraintErrorsOnFields, models.Model):
    # The key in imported spreadsheets (interchange); empty for rows entered in Kokemus.
    external_id = models.CharField(
        _("external id"), max_length=50, unique=True, null=True, blank=True
    )
    group = models.ForeignKey(
        SupervisionGroup,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    facilitator = models.CharField(_("facilitator"), max_length=200, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    topics = models.ManyToManyField(SupervisionTopic, verbose_name=_("topics"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Optimistic lock (kokemus.concurrency): every save of the session or its attendance.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    # The field each check constraint is about (kokemus.constraints).
    constraint_fields = {"session_duration_within_a_day": "duration_minutes"}

    class Meta:
        verbose_name = _("supervision session")
        verbose_name_plural = _("supervision sessions")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0) & Q(duration_minutes__lte=24 * 60),
                name="session_duration_within_a_day",
                violation_error_message=_("The duration must be between 1 minute and 24 hours."),
            ),
        ]
        indexes = [
            # monthly report: sessions held per month
            models.Index(fields=["date"], name="session_date_idx"),
        ]

    def __str__(self):
        return f"{self.group} {self.date:%d.%m.%Y}"


class Attendance(models.Model):
    session = models.ForeignKey(
        SupervisionSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    membership = models.ForeignKey(
        GroupMembership,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "membership"],
                name="unique_attendance_per_session",
                violation_error_message=_("Attendance for this member is already recorded."),
            ),
        ]

    def __str__(self):
        return f"{self.membership} – {self.session}"
