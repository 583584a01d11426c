"""Work pairs (työparit): an expert by experience and a professional who work together over
time (seed 002). A pair has a start, a gradual-start plan of steps both of them tick, a mentor
and a pair-supervision group whose sessions are the pair's. The professional, who has no
account, reaches the plan through a private link."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kokemus.constraints import ConstraintErrorsOnFields
from kokemus.private_links import PrivateLink
from registry.models import Expert, Professional
from supervision.models import GroupKind, SupervisionGroup


class WorkPair(ConstraintErrorsOnFields, models.Model):
    external_id = models.CharField(
        _("external id"),
        max_length=50,
        unique=True,
        null=True,
        blank=True,
        error_messages={"unique": _("Another work pair already has this external id.")},
        help_text=_("The key of this pair in imported spreadsheets."),
    )
    expert = models.ForeignKey(
        Expert,
        verbose_name=_("expert by experience"),
        on_delete=models.PROTECT,
        related_name="work_pairs",
    )
    professional = models.ForeignKey(
        Professional,
        verbose_name=_("professional"),
        on_delete=models.PROTECT,
        related_name="work_pairs",
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    # The mentor is often the pair's own professional (seed 002), sometimes an experienced
    # expert or another professional: at most one of the two.
    mentor_expert = models.ForeignKey(
        Expert,
        verbose_name=_("mentor (an expert by experience)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentored_pairs",
    )
    mentor_professional = models.ForeignKey(
        Professional,
        verbose_name=_("mentor (a professional)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentored_pairs",
    )
    supervision_group = models.ForeignKey(
        SupervisionGroup,
        verbose_name=_("pair supervision group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="work_pairs",
        limit_choices_to={"kind": GroupKind.PAIR},
        help_text=_("Its sessions are the pair's supervision sessions."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Optimistic lock (kokemus.concurrency): every save of the pair or its plan moves it on.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    constraint_fields = {
        "pair_ended_not_before_started": "ended_on",
        "pair_one_mentor": "mentor_professional",
    }

    class Meta:
        verbose_name = _("work pair")
        verbose_name_plural = _("work pairs")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="pair_ended_not_before_started",
                violation_error_message=_("The end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(mentor_expert__isnull=True) | Q(mentor_professional__isnull=True),
                name="pair_one_mentor",
                violation_error_message=_(
                    "Choose the mentor either among experts or among professionals, not both."
                ),
            ),
        ]

    def __str__(self):
        professional = f"{self.professional.first_name} {self.professional.last_name}"
        return f"{self.expert.full_name} – {professional}"

    @property
    def mentor(self):
        return self.mentor_expert or self.mentor_professional

    def is_active(self, today) -> bool:
        return self.ended_on is None or self.ended_on >= today


class StepKind(models.TextChoices):
    INDUCTION = "induction", _("induction topic")
    JOINT_TASK = "joint_task", _("joint task")
    PAIR_SUPERVISION = "supervision", _("pair supervision")
    OTHER = "other", _("other")


class DoneBy(models.TextChoices):
    """Who ticked a step: a role, never a name, so the plan keeps no one's words."""

    EXPERT = "expert", _("the expert")
    PROFESSIONAL = "professional", _("the professional")
    COORDINATOR = "coordinator", _("the coordinator")


class PlanStep(models.Model):
    """One step of a pair's gradual-start plan; either of the pair ticks it done."""

    pair = models.ForeignKey(
        WorkPair, verbose_name=_("work pair"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    kind = models.CharField(
        _("kind"), max_length=12, choices=StepKind.choices, default=StepKind.INDUCTION
    )
    title = models.CharField(_("step"), max_length=200)
    due_on = models.DateField(_("due by"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.CharField(_("ticked by"), max_length=12, choices=DoneBy.choices, blank=True)

    class Meta:
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["pair", "position"], name="plan_step_pair_idx")]

    def __str__(self):
        return self.title


class PairLink(PrivateLink):
    """The secret in the professional's private address of the pair's plan."""

    pair = models.ForeignKey(
        WorkPair, verbose_name=_("work pair"), on_delete=models.CASCADE, related_name="links"
    )

    class Meta(PrivateLink.Meta):
        verbose_name = _("work pair link")
        verbose_name_plural = _("work pair links")

    def __str__(self):
        return str(self.pair)
