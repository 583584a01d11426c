"""Feedback after a done assignment (SPEC glossary "feedback").

A ``Reflection`` is one expert's own look back at their work on a done assignment: private to
them and the coordinators; the evaluation group reads its load and wish for a talk as
aggregates only. A ``ProfessionalFeedback`` is the contact professional's rating of the
experts' contribution, given once through a ``FeedbackLink`` (no account).
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agreements.models import Assignment, Participation
from kokemus.private_links import PrivateLink
from registry.models import Professional

# A load or a rating is 1 (lowest) to 5 (highest).
SCALE = [MinValueValidator(1), MaxValueValidator(5)]
# A load from here up puts the expert on the coordinator's dashboard.
HIGH_LOAD = 4
# The longest free text of a reflection or a professional's comment (also the import's limit).
# A TextField's max_length binds only its form field, so the validator binds full_clean too:
# the professional's form is posted without an account, and the services clean what they save.
TEXT_MAX_LENGTH = 4000
TEXT_LIMIT = [MaxLengthValidator(TEXT_MAX_LENGTH)]


class Reflection(models.Model):
    participation = models.OneToOneField(
        Participation,
        verbose_name=_("participation"),
        on_delete=models.CASCADE,
        related_name="reflection",
    )
    how_it_went = models.TextField(
        _("how it went"), blank=True, max_length=TEXT_MAX_LENGTH, validators=TEXT_LIMIT
    )
    load = models.PositiveSmallIntegerField(
        _("load"), validators=SCALE, help_text=_("1 = very light, 5 = very heavy.")
    )
    wants_talk = models.BooleanField(_("wants a follow-up talk"), default=False)
    created_at = models.DateTimeField(_("given at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(load__gte=1, load__lte=5),
                name="reflection_load_1_to_5",
                violation_error_message=_("The load is 1 to 5."),
            )
        ]
        indexes = [
            # the dashboard's question: which reflections still call for a coordinator?
            models.Index(fields=["handled_at", "created_at"], name="reflection_open_idx"),
        ]

    def __str__(self):
        return str(self.participation.assignment)

    @property
    def calls_for_attention(self) -> bool:
        return self.wants_talk or self.load >= HIGH_LOAD


class FeedbackLink(PrivateLink):
    """The secret in the contact professional's feedback address: one answer, then spent."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="feedback_links",
    )
    professional = models.ForeignKey(
        Professional,
        verbose_name=_("professional"),
        on_delete=models.CASCADE,
        related_name="feedback_links",
    )

    class Meta(PrivateLink.Meta):
        verbose_name = _("feedback link")
        verbose_name_plural = _("feedback links")

    def __str__(self):
        return str(self.assignment)


class ProfessionalFeedback(models.Model):
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="professional_feedback",
    )
    link = models.OneToOneField(
        FeedbackLink,
        verbose_name=_("feedback link"),
        on_delete=models.CASCADE,
        related_name="answer",
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        validators=SCALE,
        help_text=_("How useful the experts' contribution was: 1 = not at all, 5 = very."),
    )
    comment = models.TextField(
        _("comment"), blank=True, max_length=TEXT_MAX_LENGTH, validators=TEXT_LIMIT
    )
    given_at = models.DateTimeField(_("given at"), auto_now_add=True)

    class Meta:
        verbose_name = _("professional's feedback")
        verbose_name_plural = _("professionals' feedback")
        ordering = ["-given_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_to_5",
                violation_error_message=_("The rating is 1 to 5."),
            )
        ]

    def __str__(self):
        return str(self.assignment)
