"""The outbox of e-mail messages and each user's choice of the optional ones.

A message is recorded in the same transaction as the change that causes it, already rendered in
its recipient's language; a worker sends it later (notifications.delivery). Its ``event`` key
together with the address makes it unique, so recording the same event twice (a second app
server, a re-run planner) adds nothing, and a message once sent is never sent again.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    BOOKED = "booked", _("booked on an assignment")
    CHANGED = "changed", _("an assignment changed")
    CANCELLED = "cancelled", _("an assignment was cancelled")
    REMINDER = "reminder", _("reminder before an assignment")
    SUPERVISION = "supervision", _("a supervision session is coming")
    WORK_REPORTED = "work_reported", _("an expert reported work done")
    WITHDREW = "withdrew", _("an expert declined or withdrew")
    AGREEMENT_ENDING = "agreement_ending", _("an agreement ends within 30 days")
    DIGEST = "digest", _("weekly digest")
    # requests (orders): the requester, the experts offered one, the coordinators
    NEW_REQUEST = "new_request", _("a new request arrived")
    REQUEST_RECEIVED = "request_received", _("receipt of a request")
    REQUEST_BOOKED = "request_booked", _("a request was booked")
    REQUEST_DECLINED = "request_declined", _("a request was declined")
    OFFER = "offer", _("an offer of an assignment")
    OFFER_CLOSED = "offer_closed", _("an offered request was filled or closed")
    OFFERS_UNANSWERED = "offers_unanswered", _("a request's offers are answered or expired")
    # hours reports (payroll)
    LINE_RETURNED = "line_returned", _("an hours report was returned for correction")
    LINE_APPROVED = "line_approved", _("an hours report was approved")
    # work pairs: the professional's private link to the pair's plan
    PAIR_LINK = "pair_link", _("the private link to a work pair's plan")
    # feedback after a done assignment: the experts' reflection, the professional's link
    REFLECTION = "reflection", _("a reflection on a done assignment")
    FEEDBACK_REQUEST = "feedback_request", _("a professional's feedback link")


# Messages nobody may turn off: they are how work reaches an expert.
ALWAYS_SENT = frozenset(
    {
        Kind.BOOKED,
        Kind.CHANGED,
        Kind.CANCELLED,
        # requests: how a requester hears of theirs, how work is offered to an expert
        Kind.REQUEST_RECEIVED,
        Kind.REQUEST_BOOKED,
        Kind.REQUEST_DECLINED,
        Kind.OFFER,
        Kind.OFFER_CLOSED,
        Kind.OFFERS_UNANSWERED,
        # an hours report returned: the expert must correct it to be paid
        Kind.LINE_RETURNED,
        # the professional has no account: the link is how they reach the pair's plan
        Kind.PAIR_LINK,
        # a professional has no preferences: their feedback link is the one message they get
        Kind.FEEDBACK_REQUEST,
    }
)
# The longest reminder lead time a user can choose (days).
REMINDER_HORIZON_DAYS = 30


class Status(models.TextChoices):
    PENDING = "pending", _("waiting")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class Message(models.Model):
    event = models.CharField(
        _("event"), max_length=200, help_text=_("What caused the message, e.g. booked:12:v3.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    to = models.EmailField(_("to"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=250)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"))
    ics = models.TextField(_("calendar invitation"), blank=True)
    ics_method = models.CharField(_("calendar method"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claimed_by = models.CharField(_("claimed by"), max_length=40, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail message")
        verbose_name_plural = _("e-mail messages (outbox)")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "to"], name="one_message_per_event_and_address"
            )
        ]
        indexes = [
            # The worker's question: which messages are due now?
            models.Index(fields=["status", "next_attempt_at"], name="message_due_idx"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class Preference(models.Model):
    """One user's choice of optional messages and their reminder lead time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    language = models.CharField(
        _("language of messages"), max_length=8, choices=settings.LANGUAGES, default="fi"
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder, days before"),
        default=2,
        help_text=_("How many days before an assignment the reminder comes."),
    )
    turned_off = models.JSONField(
        _("turned off"), default=list, blank=True, help_text=_("Optional messages not wanted.")
    )
    digest = models.BooleanField(_("weekly digest"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reminder_days__lte=REMINDER_HORIZON_DAYS),
                name="reminder_days_at_most_30",
                violation_error_message=_("A reminder can come at most 30 days before."),
            )
        ]

    def __str__(self):
        return str(self.user) if self.user_id else str(_("defaults"))

    def wants(self, kind: str) -> bool:
        if kind in ALWAYS_SENT:
            return True
        if kind == Kind.DIGEST:
            return self.digest
        return kind not in self.turned_off
