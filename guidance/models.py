"""Kokemusohjaus periods (kokemusohjausjaksot): an experience guide's goal-oriented work with
one client over weeks or months. A professional refers the client (or a coordinator enters the
referral, also from a request); the start meeting of client, professional and guide sets up to
five goals; the meetings count as the guide's assignments for hours and fees; the end records
an outcome per goal.

The client is a pseudonymous code only (guidance.codes). The period's fields are kept plain for
the import and export that come later (docs/guidance.md names them).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from agreements.models import Assignment
from guidance.codes import validate_client_code
from orders.models import Request
from registry.models import Expert, Professional, ServiceArea

MAX_GOALS = 5
GOAL_LENGTH = 200


class PeriodStatus(models.TextChoices):
    REFERRED = "referred", _("referred")
    ONGOING = "ongoing", _("ongoing")
    ENDED = "ended", _("ended")


class Place(models.TextChoices):
    HOME = "home", _("at the client's home")
    OUTSIDE = "outside", _("outside the home")
    REMOTE = "remote", _("remote")


class Outcome(models.TextChoices):
    REACHED = "reached", _("reached")
    PARTLY = "partly", _("partly reached")
    NOT = "not", _("not reached")


class Period(models.Model):
    """One client's kokemusohjaus with one guide, from the referral to the end."""

    external_id = models.CharField(
        _("external id"),
        max_length=50,
        blank=True,
        # another system's key for a client is often their identity code: refused here too
        validators=[validate_client_code],
        help_text=_("The period's key in another system or spreadsheet, if it has one."),
    )
    guide = models.ForeignKey(
        Expert,
        verbose_name=_("experience guide"),
        on_delete=models.PROTECT,
        related_name="guidance_periods",
    )
    client_code = models.CharField(
        _("client code"),
        max_length=30,
        validators=[validate_client_code],
        help_text=_(
            "A pseudonymous code, such as KO-2025-07. Never the client's name or personal "
            "identity code: the key from code to person stays with the referring service."
        ),
    )
    referred_by = models.ForeignKey(
        Professional,
        verbose_name=_("referred by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guidance_referrals",
    )
    request = models.ForeignKey(
        Request,
        verbose_name=_("request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guidance_periods",
    )
    referred_on = models.DateField(_("referred on"))
    service_area = models.ForeignKey(
        ServiceArea,
        verbose_name=_("service area"),
        on_delete=models.PROTECT,
        related_name="guidance_periods",
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    closing_note = models.TextField(
        _("closing note"),
        max_length=2000,
        blank=True,
        help_text=_("How the period went, in general words: nothing that identifies the client."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.REFERRED
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
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

    class Meta:
        verbose_name = _("kokemusohjaus period")
        verbose_name_plural = _("kokemusohjaus periods")
        ordering = ["-referred_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="period_external_id_unique_when_set",
                violation_error_message=_("Another period has this external id."),
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True) | Q(started_on__gte=F("referred_on")),
                name="period_started_not_before_referral",
                violation_error_message=_("The period cannot start before its referral."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | (Q(started_on__isnull=False) & Q(ended_on__gte=F("started_on"))),
                name="period_ended_not_before_start",
                violation_error_message=_("The period cannot end before it started."),
            ),
            # referred: neither date; ongoing: a start; ended: a start and an end
            models.CheckConstraint(
                condition=Q(status=PeriodStatus.REFERRED, started_on__isnull=True)
                | Q(status=PeriodStatus.ONGOING, started_on__isnull=False, ended_on__isnull=True)
                | Q(status=PeriodStatus.ENDED, started_on__isnull=False, ended_on__isnull=False),
                name="period_status_matches_its_dates",
                violation_error_message=_(
                    "A referred period has no start, an ongoing one a start and no end, an "
                    "ended one both."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["guide", "status"], name="period_guide_status_idx"),
            # the monthly report: periods by start and end
            models.Index(fields=["started_on", "ended_on"], name="period_report_idx"),
        ]

    def __str__(self):
        return f"{self.client_code} ({self.referred_on:%d.%m.%Y})"


class Goal(models.Model):
    """One of the goals agreed in the start meeting, in short words, and its outcome."""

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="goals"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("goal"), max_length=GOAL_LENGTH)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["period", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "position"], name="unique_goal_position_per_period"
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.text}"


class Meeting(models.Model):
    """A meeting of the guide and the client; it is the guide's assignment for hours and fees
    (agreements.Assignment of type ``experience_guidance``)."""

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="meetings"
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    hours = models.DecimalField(_("duration (hours)"), max_digits=4, decimal_places=2)
    place = models.CharField(_("place"), max_length=10, choices=Place.choices)
    is_start = models.BooleanField(_("start meeting"), default=False)
    assignment = models.OneToOneField(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="guidance_meeting",
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["date", "start_time", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(is_start=True),
                name="one_start_meeting_per_period",
            ),
        ]
        indexes = [models.Index(fields=["date"], name="meeting_date_idx")]

    def __str__(self):
        return f"{self.date:%d.%m.%Y} ({self.get_place_display()})"
