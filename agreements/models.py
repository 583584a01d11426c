"""Commission agreements, the assignments done under them and who took part."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kokemus.constraints import ConstraintErrorsOnFields
from registry.models import AssignmentType, Expert, Professional, ServiceArea

MAX_HOURS_A_DAY = Decimal(24)


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ACTIVE = "active", _("signed, active")
    ENDED = "ended", _("ended")
    TERMINATED = "terminated", _("terminated")


# Allowed status changes; services check them.
AGREEMENT_TRANSITIONS = {
    AgreementStatus.DRAFT: {AgreementStatus.ACTIVE},
    AgreementStatus.ACTIVE: {AgreementStatus.ENDED, AgreementStatus.TERMINATED},
    AgreementStatus.ENDED: set(),
    AgreementStatus.TERMINATED: set(),
}

# Statuses whose agreement covers assignments within its validity (a draft covers nothing).
COVERING_STATUSES = [AgreementStatus.ACTIVE, AgreementStatus.ENDED, AgreementStatus.TERMINATED]


class Agreement(models.Model):
    """A fee-based commission agreement (toimeksiantosopimus) with one expert."""

    number = models.CharField(
        _("agreement number"),
        max_length=50,
        unique=True,
        error_messages={"unique": _("Another agreement already has this number.")},
    )
    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="agreements"
    )
    division = models.ForeignKey(
        ServiceArea,
        verbose_name=_("contracting division"),
        on_delete=models.PROTECT,
        related_name="agreements",
        limit_choices_to={"parent__isnull": True},
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Leave empty for an agreement valid until further notice."),
    )
    hourly_fee = models.DecimalField(
        _("hourly fee (€)"), max_digits=8, decimal_places=2, default=Decimal("0.00")
    )
    assignment_fee = models.DecimalField(
        _("fee per assignment (€)"), max_digits=8, decimal_places=2, default=Decimal("0.00")
    )
    travel_compensation = models.DecimalField(
        _("travel compensation (€/km)"), max_digits=6, decimal_places=2, default=Decimal("0.00")
    )
    duties = models.TextField(_("duties"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("commission agreement")
        verbose_name_plural = _("commission agreements")
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="agreement_valid_until_not_before_valid_from",
                violation_error_message=_("The end of validity cannot be before its start."),
            ),
            models.CheckConstraint(
                condition=Q(status=AgreementStatus.DRAFT) | Q(signed_on__isnull=False),
                name="agreement_signed_has_signed_date",
                violation_error_message=_("A signed agreement needs the date it was signed."),
            ),
            models.CheckConstraint(
                condition=Q(hourly_fee__gte=0)
                & Q(assignment_fee__gte=0)
                & Q(travel_compensation__gte=0),
                name="agreement_fees_not_negative",
                violation_error_message=_("Fees and compensations cannot be negative."),
            ),
        ]
        indexes = [
            # monthly report: new agreements by signed month
            models.Index(fields=["signed_on"], name="agreement_signed_on_idx"),
            # covering-agreement lookup for an expert on a date
            models.Index(
                fields=["expert", "status", "valid_from", "valid_until"],
                name="agreement_cover_idx",
            ),
        ]

    def __str__(self):
        return f"{self.number} – {self.expert}"

    def covers(self, day) -> bool:
        """Whether the agreement covers ``day``: it is signed (a draft covers nothing; a
        terminated one until its termination date, its ``valid_until``) and valid that day.
        agreements.selectors.agreements_covering is the same rule as a database condition."""
        return (
            self.status in COVERING_STATUSES
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


class AssignmentStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


# What counts in figures, calendars and coverage: planned and done work, never cancelled (SPEC).
COUNTED_STATUSES = [AssignmentStatus.PLANNED, AssignmentStatus.DONE]

ASSIGNMENT_TRANSITIONS = {
    AssignmentStatus.PLANNED: {AssignmentStatus.DONE, AssignmentStatus.CANCELLED},
    AssignmentStatus.DONE: {AssignmentStatus.PLANNED},
    AssignmentStatus.CANCELLED: {AssignmentStatus.PLANNED},
}


class ReachedGroup(models.TextChoices):
    """Whom an assignment reached (SPEC "people reached"), one group per assignment."""

    CLIENTS = "clients", _("clients")
    RESIDENTS = "residents", _("residents")
    STAFF = "staff", _("staff")
    STUDENTS = "students", _("students")


class Assignment(ConstraintErrorsOnFields, models.Model):
    """One task (tehtävä) done by one or more experts for one service area."""

    external_id = models.CharField(
        _("external id"), max_length=50, unique=True, null=True, blank=True
    )
    title = models.CharField(_("title"), max_length=200)
    type = models.ForeignKey(
        AssignmentType,
        verbose_name=_("assignment type"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    service_area = models.ForeignKey(
        ServiceArea,
        verbose_name=_("service area"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    date = models.DateField(_("date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Hours of work per expert."),
    )
    location = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.PLANNED,
    )
    contact = models.ForeignKey(
        Professional,
        verbose_name=_("contact professional"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
    )
    description = models.TextField(_("description"), blank=True)
    # Asked when an assignment of a type that records reach is marked done (agreements.rules)
    people_reached = models.PositiveIntegerField(
        _("people reached"),
        null=True,
        blank=True,
        help_text=_("How many people took part or were reached; 0 if no one came."),
    )
    reached_group = models.CharField(
        _("group reached"), max_length=10, choices=ReachedGroup.choices, blank=True
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    experts = models.ManyToManyField(
        Expert,
        through="Participation",
        verbose_name=_("experts"),
        related_name="assignments",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # The field each check constraint is about (kokemus.constraints).
    constraint_fields = {
        "assignment_end_date_not_before_date": "end_date",
        "assignment_hours_positive": "hours",
        "assignment_hours_at_most_24_a_day": "hours",
        "assignment_reach_has_its_group": "reached_group",
    }

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="assignment_end_date_not_before_date",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0),
                name="assignment_hours_positive",
                violation_error_message=_("Hours must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=False) | Q(hours__lte=MAX_HOURS_A_DAY),
                name="assignment_hours_at_most_24_a_day",
                violation_error_message=_("One day has at most 24 hours."),
            ),
            models.CheckConstraint(
                condition=Q(people_reached__isnull=True, reached_group="")
                | Q(people_reached__isnull=False) & ~Q(reached_group=""),
                name="assignment_reach_has_its_group",
                violation_error_message=_(
                    "People reached and the group reached are given together."
                ),
            ),
        ]
        indexes = [
            # monthly report and month filter: counted assignments by date
            models.Index(fields=["date", "status"], name="assignment_date_status_idx"),
            # monthly report (reporting.selectors): a year's assignments by month, type and
            # service area read from the index alone on PostgreSQL (an index-only scan)
            models.Index(
                fields=["date"],
                include=["status", "id", "type", "service_area", "hours"],
                name="assignment_report_idx",
            ),
            # upcoming work (agreements.selectors.assignments_in_window): the few multi-day
            # assignments still running, so that "date >= today OR end_date >= today" is two
            # index scans, not a scan of the table
            models.Index(
                fields=["end_date"],
                condition=models.Q(end_date__isnull=False),
                name="assignment_end_date_idx",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.date:%d.%m.%Y})"


class Participation(models.Model):
    """An expert on an assignment, with the agreement that covers it and their own hours."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    expert = models.ForeignKey(
        Expert,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="participations",
        db_index=False,  # participation_expert_days_idx leads with it: one index to keep, not two
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("covering agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        help_text=_("Set when the assignment is saved: the agreement whose fee applies."),
    )
    hours = models.DecimalField(
        _("own hours"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Hours this expert actually worked, if they differ from the assignment's."),
    )
    # The assignment's first and last day, copied here by the database (migration 0007's
    # triggers; the import writes them itself), so that an expert's work is found by its days
    # in one index rather than through every assignment of theirs (docs/performance.md).
    first_day = models.DateField(_("first day"), null=True, editable=False)
    last_day = models.DateField(_("last day"), null=True, editable=False)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        indexes = [
            # My page, the page about an expert, the calendar feed: an expert's work by its
            # days, read from the index alone on PostgreSQL
            models.Index(
                fields=["expert", "last_day"],
                include=["first_day", "id"],
                name="participation_expert_days_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "expert"],
                name="unique_expert_per_assignment",
                violation_error_message=_("The expert is already on this assignment."),
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gt=0),
                name="participation_hours_positive",
                violation_error_message=_("Hours must be more than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.expert} – {self.assignment}"

    @property
    def worked_hours(self) -> Decimal:
        return self.hours if self.hours is not None else self.assignment.hours
