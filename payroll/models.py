"""Hours reports, payroll runs and earnings limits (SPEC glossary: tuntiraportti ja hyväksyntä,
palkkioajo, ansaintaraja).

Each expert reports their own line for an assignment they worked on: hours, kilometres, other
costs. A coordinator approves or returns it; approved lines not yet paid go into the month's
payroll run, which is locked once exported. A paid line never changes again: a correction is a
reversal (the same line with the opposite sign) and a new line, both in a later run.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Participation
from payroll.receipts import receipt_path, receipt_storage
from registry.models import Expert, PayrollClass


class LineStatus(models.TextChoices):
    SUBMITTED = "submitted", _("waiting for approval")
    RETURNED = "returned", _("returned for correction")
    APPROVED = "approved", _("approved")


# Allowed status changes; services check them (an approved line returns only before it is paid).
LINE_TRANSITIONS = {
    LineStatus.SUBMITTED: {LineStatus.SUBMITTED, LineStatus.APPROVED, LineStatus.RETURNED},
    LineStatus.RETURNED: {LineStatus.SUBMITTED},
    LineStatus.APPROVED: {LineStatus.RETURNED},
}
# The expert may change their own line in these statuses; an approved line is locked for them.
EDITABLE_STATUSES = (LineStatus.SUBMITTED, LineStatus.RETURNED)


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    EXPORTED = "exported", _("exported, locked")


class PayrollRun(models.Model):
    """A month's payroll run (palkkioajo): the approved lines not paid before, up to the month's
    end. A draft can be discarded; exporting locks it and everything in it for good."""

    month = models.DateField(
        _("month"),
        unique=True,
        help_text=_("The first day of the month the run pays."),
        error_messages={"unique": _("This month already has a payroll run.")},
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("run at"), auto_now_add=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    exported_at = models.DateTimeField(_("exported at"), null=True, blank=True)
    # Its sums per expert and class, kept at the export (payroll.selectors.class_sums): the
    # lines of an exported run never change, and its page and files need not add them up again.
    sums = models.JSONField(_("sums"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("payroll run")
        verbose_name_plural = _("payroll runs")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=RunStatus.DRAFT) | Q(exported_at__isnull=False),
                name="payroll_run_exported_has_time",
                violation_error_message=_("An exported run needs the time it was exported."),
            ),
        ]

    def __str__(self):
        return _("Payroll run %(month)s") % {"month": f"{self.month:%m/%Y}"}

    @property
    def is_locked(self) -> bool:
        return self.status == RunStatus.EXPORTED


class ReportLine(models.Model):
    """One expert's report of one assignment: hours, kilometres and other costs.

    The fee terms and the €/km rate are recorded from the covering agreement when the line is
    reported, so the line is paid as the coordinator saw it when approving. ``sign`` is -1 on a
    reversal: the same figures taken back, so that the sum of a corrected line and its reversal
    is exactly zero.
    """

    participation = models.ForeignKey(
        Participation,
        verbose_name=_("participation"),
        on_delete=models.PROTECT,
        related_name="report_lines",
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("covering agreement"),
        on_delete=models.PROTECT,
        related_name="report_lines",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=LineStatus.choices, default=LineStatus.SUBMITTED
    )
    sign = models.SmallIntegerField(_("sign"), default=1, editable=False)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    kilometres = models.DecimalField(
        _("kilometres"), max_digits=7, decimal_places=1, default=Decimal("0.0")
    )
    route = models.CharField(_("route"), max_length=300, blank=True)
    other_costs = models.DecimalField(
        _("other costs (€)"), max_digits=8, decimal_places=2, default=Decimal("0.00")
    )
    other_costs_description = models.CharField(
        _("what the other costs were"), max_length=300, blank=True
    )
    receipt = models.FileField(
        _("receipt"), storage=receipt_storage, upload_to=receipt_path, blank=True, max_length=200
    )
    comment = models.TextField(_("comment"), blank=True)
    return_comment = models.TextField(_("why it was returned"), blank=True)
    # The terms the line is paid by, recorded from the covering agreement when reported.
    hourly_fee = models.DecimalField(_("hourly fee (€)"), max_digits=8, decimal_places=2)
    assignment_fee = models.DecimalField(
        _("fee per assignment (€)"), max_digits=8, decimal_places=2
    )
    kilometre_rate = models.DecimalField(
        _("kilometre rate (€/km)"),
        max_digits=6,
        decimal_places=2,
        help_text=_("The agreement's rate, at most the year's tax-free kilometre allowance."),
    )
    payroll_class = models.CharField(
        _("paid as"),
        max_length=12,
        choices=PayrollClass.choices,
        blank=True,
        help_text=_("Set from the assignment type when the line goes into a payroll run."),
    )
    run = models.ForeignKey(
        PayrollRun,
        verbose_name=_("payroll run"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    superseded = models.BooleanField(
        _("reversed"), default=False, help_text=_("A paid line that a reversal took back.")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or returned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("approved or returned at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("hours report line")
        verbose_name_plural = _("hours report lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0),
                name="report_line_hours_positive",
                violation_error_message=_("Hours must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(kilometres__gte=0)
                & Q(other_costs__gte=0)
                & Q(hourly_fee__gte=0)
                & Q(assignment_fee__gte=0)
                & Q(kilometre_rate__gte=0),
                name="report_line_amounts_not_negative",
                violation_error_message=_("Kilometres, costs and fees cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(other_costs=0) | ~Q(other_costs_description=""),
                name="report_line_costs_described",
                violation_error_message=_("Say what the other costs were."),
            ),
            models.CheckConstraint(
                condition=(Q(sign=1) & Q(reverses__isnull=True))
                | (Q(sign=-1) & Q(reverses__isnull=False) & Q(status=LineStatus.APPROVED)),
                name="report_line_reversal_is_approved_and_negative",
                violation_error_message=_("A reversal takes back one line and needs no approval."),
            ),
            models.UniqueConstraint(
                fields=["participation"],
                condition=Q(sign=1, superseded=False),
                name="one_current_report_line_per_participation",
                violation_error_message=_("This expert has already reported this assignment."),
            ),
        ]
        indexes = [
            # the approval list (lines waiting) and a run's eligible lines (approved, no run)
            models.Index(fields=["status", "run"], name="report_line_status_run_idx"),
        ]

    def __str__(self):
        if self.sign < 0:
            return _("Reversal of line %(number)s") % {"number": self.reverses_id}
        return _("Hours report %(number)s") % {"number": self.pk}

    @property
    def is_paid(self) -> bool:
        """In an exported run: locked for everyone, changed only by a reversal."""
        return self.run_id is not None and self.run.is_locked

    @property
    def is_editable_by_expert(self) -> bool:
        return self.status in EDITABLE_STATUSES


class LimitBasis(models.TextChoices):
    DISABILITY_PENSION = "disability_pension", _("disability pension")
    REHABILITATION = "rehabilitation", _("rehabilitation allowance or subsidy")
    OTHER_BENEFIT = "other_benefit", _("another benefit")


class EarningsLimit(models.Model):
    """An expert's income limit (ansaintaraja), recorded with their consent: coordinators only,
    never in any report. The expert sees their own progress towards it."""

    expert = models.OneToOneField(
        Expert,
        verbose_name=_("expert"),
        on_delete=models.CASCADE,
        related_name="earnings_limit",
    )
    monthly_limit = models.DecimalField(
        _("monthly limit (€)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    yearly_limit = models.DecimalField(
        _("yearly limit (€)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    basis = models.CharField(_("basis"), max_length=20, choices=LimitBasis.choices)
    basis_note = models.CharField(
        _("note on the basis"),
        max_length=300,
        blank=True,
        help_text=_("E.g. which pension; nothing about the expert's health."),
    )
    consent_given_on = models.DateField(
        _("consent given on"),
        help_text=_("The day the expert agreed that the limit is recorded."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("earnings limit")
        verbose_name_plural = _("earnings limits")
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_limit__isnull=False) | Q(yearly_limit__isnull=False),
                name="earnings_limit_has_a_limit",
                violation_error_message=_("Give a monthly limit, a yearly limit or both."),
            ),
            models.CheckConstraint(
                condition=(Q(monthly_limit__isnull=True) | Q(monthly_limit__gt=0))
                & (Q(yearly_limit__isnull=True) | Q(yearly_limit__gt=0)),
                name="earnings_limit_positive",
                violation_error_message=_("A limit must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(monthly_limit__isnull=True)
                | Q(yearly_limit__isnull=True)
                | Q(yearly_limit__gte=F("monthly_limit")),
                name="earnings_limit_year_not_below_month",
                violation_error_message=_("The yearly limit cannot be below the monthly one."),
            ),
        ]

    def __str__(self):
        return _("Earnings limit of %(expert)s") % {"expert": self.expert}
