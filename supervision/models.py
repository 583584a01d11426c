"""Supervision groups (työnohjaus) that keep experts well and cooperation with staff working."""

from django.core.validators import MaxValueValidator, MinValueValidator
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


# The most sessions one series makes at a time: enough for a year or two of most rules.
MAX_SERIES_SESSIONS = 26
# The longest frequency target a group or a member may have (a year).
MAX_TARGET_WEEKS = 52


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
    # A person, so that their experience of peer work (seed 000) is recorded once for all
    # the groups they supervise.
    supervisor = models.ForeignKey(
        Professional,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_groups",
    )
    target_interval_weeks = models.PositiveSmallIntegerField(
        _("supervision at least every (weeks)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TARGET_WEEKS)],
        help_text=_(
            "How often each expert member should attend. Empty: the organisation's default."
        ),
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


class Seniority(models.TextChoices):
    """Seed 000: new and experienced members in one group are both a challenge and a resource,
    so the coordinator marks them to mix them on purpose."""

    NEW = "new", _("new")
    EXPERIENCED = "experienced", _("experienced")


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
    seniority = models.CharField(
        _("new or experienced"), max_length=12, choices=Seniority.choices, blank=True
    )
    # The member's own target where it differs from the group's; of an expert's groups the
    # strictest target applies (supervision.selectors.supervision_due).
    target_interval_weeks = models.PositiveSmallIntegerField(
        _("own target: supervision at least every (weeks)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TARGET_WEEKS)],
        help_text=_("Empty: the group's target."),
    )
    # Optimistic lock (kokemus.concurrency): the member form's saves move it on.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

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
                condition=Q(target_interval_weeks__isnull=True)
                | Q(expert__isnull=False, target_interval_weeks__gte=1),
                name="membership_target_only_for_experts",
                violation_error_message=_("Only an expert member can have an own target."),
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


class SeriesRule(models.TextChoices):
    WEEKLY = "weekly", _("every n weeks")
    MONTHLY = "monthly", _("monthly on the nth weekday")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class NthWeekday(models.IntegerChoices):
    FIRST = 1, _("first")
    SECOND = 2, _("second")
    THIRD = 3, _("third")
    FOURTH = 4, _("fourth")
    LAST = -1, _("last")


class SessionSeries(ConstraintErrorsOnFields, models.Model):
    """Recurring sessions of a group (e.g. every fourth Tuesday at 14): the rule that made
    them. Changing or ending it changes only the coming sessions nobody has recorded
    attendance for (supervision.services.series_save)."""

    group = models.ForeignKey(
        SupervisionGroup,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="series",
    )
    rule = models.CharField(
        _("repeats"), max_length=10, choices=SeriesRule.choices, default=SeriesRule.WEEKLY
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    interval_weeks = models.PositiveSmallIntegerField(
        _("every (weeks)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
        help_text=_("For a weekly rule: 1 is every week, 4 every fourth week."),
    )
    nth = models.SmallIntegerField(
        _("which weekday of the month"),
        choices=NthWeekday.choices,
        null=True,
        blank=True,
        help_text=_("For a monthly rule: e.g. the second Tuesday."),
    )
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    first_date = models.DateField(_("first date"), help_text=_("The series starts on or after it."))
    last_date = models.DateField(_("last date"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(
        _("number of sessions"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SERIES_SESSIONS)],
    )
    location = models.CharField(_("place"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Optimistic lock (kokemus.concurrency); also the SEQUENCE of its calendar invitations.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    constraint_fields = {
        "series_interval_1_to_8_weeks": "interval_weeks",
        "series_monthly_needs_nth": "nth",
        "series_needs_an_end": "last_date",
        "series_last_not_before_first": "last_date",
        "series_duration_within_a_day": "duration_minutes",
    }

    class Meta:
        verbose_name = _("session series")
        verbose_name_plural = _("session series")
        ordering = ["first_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_weeks__gte=1) & Q(interval_weeks__lte=8),
                name="series_interval_1_to_8_weeks",
                violation_error_message=_("The interval must be 1–8 weeks."),
            ),
            models.CheckConstraint(
                condition=~Q(rule="monthly") | Q(nth__isnull=False),
                name="series_monthly_needs_nth",
                violation_error_message=_("Choose which weekday of the month."),
            ),
            models.CheckConstraint(
                condition=Q(last_date__isnull=False) | Q(count__isnull=False),
                name="series_needs_an_end",
                violation_error_message=_("Give a last date or the number of sessions."),
            ),
            models.CheckConstraint(
                condition=Q(last_date__isnull=True) | Q(last_date__gte=models.F("first_date")),
                name="series_last_not_before_first",
                violation_error_message=_("The last date cannot be before the first."),
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0) & Q(duration_minutes__lte=24 * 60),
                name="series_duration_within_a_day",
                violation_error_message=_("The duration must be between 1 minute and 24 hours."),
            ),
        ]

    def __str__(self):
        return f"{self.group}: {self.describe()}"

    def describe(self) -> str:
        weekday = Weekday(self.weekday).label
        if self.rule == SeriesRule.MONTHLY and self.nth is not None:
            return _("monthly, the %(nth)s %(weekday)s at %(time)s") % {
                "nth": NthWeekday(self.nth).label,
                "weekday": weekday,
                "time": self.start_time.strftime("%H.%M"),
            }
        return _("every %(weeks)s. week on %(weekday)s at %(time)s") % {
            "weeks": self.interval_weeks,
            "weekday": weekday,
            "time": self.start_time.strftime("%H.%M"),
        }


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
    series = models.ForeignKey(
        SessionSeries,
        verbose_name=_("series"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
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


class TopicProposal(models.Model):
    """A topic an expert member proposes for a coming session (seed 000: the sessions are
    planned together with the experts). The group's other experts see it with the proposer's
    first name; coordinators mark the ones they took up."""

    session = models.ForeignKey(
        SupervisionSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    proposed_by = models.ForeignKey(
        Expert,
        verbose_name=_("proposed by"),
        on_delete=models.CASCADE,
        related_name="topic_proposals",
    )
    text = models.TextField(_("topic"), max_length=1000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    taken_up = models.BooleanField(_("taken up"), default=False)

    class Meta:
        verbose_name = _("topic proposal")
        verbose_name_plural = _("topic proposals")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]
