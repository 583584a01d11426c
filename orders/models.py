"""A service's request (tilaus) for an expert by experience, the offers made on it (tarjoukset),
the requester's private status link and the count of the public form's posts.

In code a Request is called ``order``, so that it is never mistaken for the HTTP request.
"""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agreements.models import Assignment
from kokemus.private_links import PrivateLink
from registry.models import AssignmentType, ExperienceArea, Expert, Language, ServiceArea

MAX_EXPERTS_NEEDED = 10


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    OFFERED = "offered", _("offered")
    BOOKED = "booked", _("booked")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


# Allowed status changes; services check them. A booked request that is withdrawn cancels
# its assignment.
REQUEST_TRANSITIONS = {
    RequestStatus.RECEIVED: {
        RequestStatus.OFFERED,
        RequestStatus.DECLINED,
        RequestStatus.WITHDRAWN,
    },
    RequestStatus.OFFERED: {
        RequestStatus.BOOKED,
        RequestStatus.DECLINED,
        RequestStatus.WITHDRAWN,
    },
    RequestStatus.BOOKED: {RequestStatus.WITHDRAWN},
    RequestStatus.DECLINED: set(),
    RequestStatus.WITHDRAWN: set(),
}

# Requests still waiting for their experts: offers can be made on them.
OPEN_STATUSES = [RequestStatus.RECEIVED, RequestStatus.OFFERED]


class Mode(models.TextChoices):
    ON_SITE = "on_site", _("on site")
    REMOTE = "remote", _("remote")


# The field each of Request's check constraints is about.
CONSTRAINT_FIELDS = {
    "request_end_date_not_before_date": "end_date",
    "request_hours_positive": "hours",
    "request_experts_needed_1_to_10": "experts_needed",
    "request_on_site_has_municipality": "municipality",
}


class Request(models.Model):
    """What a service asks for: the assignment it has in mind and who asks. Sent through the
    public form; followed by the requester through a private status link."""

    type = models.ForeignKey(
        AssignmentType,
        verbose_name=_("assignment type"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    audience = models.CharField(
        _("audience"),
        max_length=200,
        help_text=_("Who the assignment is for, e.g. nursing students or a client panel."),
    )
    experience_area = models.ForeignKey(
        ExperienceArea,
        verbose_name=_("experience wished for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    experience_wish = models.CharField(
        _("the experience wished for, in general words"),
        max_length=300,
        blank=True,
        help_text=_(
            "For example “recovery from substance use”. Do not write anything about the "
            "health of any person."
        ),
    )
    service_area = models.ForeignKey(
        ServiceArea,
        verbose_name=_("service area"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    date = models.DateField(_("date"))
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Only if it lasts several days.")
    )
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    hours = models.DecimalField(_("duration (hours)"), max_digits=5, decimal_places=2)
    mode = models.CharField(
        _("place or remote"), max_length=10, choices=Mode.choices, default=Mode.ON_SITE
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.FINNISH
    )
    experts_needed = models.PositiveSmallIntegerField(_("experts needed"), default=1)
    description = models.TextField(
        _("anything else the expert should know"),
        max_length=2000,
        blank=True,
        help_text=_("Do not write anything about the health of any person."),
    )
    requester_first_name = models.CharField(_("your first name"), max_length=100)
    requester_last_name = models.CharField(_("your last name"), max_length=100)
    requester_title = models.CharField(_("your job title"), max_length=200, blank=True)
    requester_unit = models.CharField(_("your unit or organisation"), max_length=200)
    requester_email = models.EmailField(_("your e-mail"))
    requester_phone = models.CharField(_("your phone"), max_length=40, blank=True)
    requester_language = models.CharField(
        _("language of the requester's messages"), max_length=8, default="fi", editable=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    open_call = models.BooleanField(
        _("open call"),
        default=False,
        help_text=_("Published to every matching expert, who may volunteer."),
    )
    decline_message = models.TextField(_("message to the requester"), blank=True)
    assignment = models.OneToOneField(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="request",
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    booked_at = models.DateTimeField(_("booked at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("declined or withdrawn at"), null=True, blank=True)
    requester_erased_at = models.DateTimeField(
        _("requester's details erased at"), null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="request_end_date_not_before_date",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0),
                name="request_hours_positive",
                violation_error_message=_("The duration must be more than zero hours."),
            ),
            models.CheckConstraint(
                condition=Q(experts_needed__gte=1) & Q(experts_needed__lte=MAX_EXPERTS_NEEDED),
                name="request_experts_needed_1_to_10",
                violation_error_message=_("Ask for 1 to 10 experts."),
            ),
            models.CheckConstraint(
                condition=Q(mode="remote") | ~Q(municipality=""),
                name="request_on_site_has_municipality",
                violation_error_message=_("Say in which municipality the assignment is."),
            ),
        ]
        indexes = [
            # the coordinators' queue (newest first) and the report's requests by month
            models.Index(fields=["received_at"], name="request_received_idx"),
            # the queue's status filter and the planner's offered requests
            models.Index(fields=["status", "received_at"], name="request_status_idx"),
        ]

    def __str__(self):
        return f"{self.type}: {self.audience} ({self.date:%d.%m.%Y})"

    def validate_constraints(self, exclude=None):
        """Each rule's message at the field it is about (the admin's form shows it there)."""
        errors = {}
        for constraint in self._meta.constraints:
            try:
                constraint.validate(Request, self, exclude=exclude)
            except ValidationError as error:
                field = CONSTRAINT_FIELDS.get(constraint.name, NON_FIELD_ERRORS)
                errors.setdefault(field, []).append(error)
        if errors:
            raise ValidationError(errors)

    @property
    def requester_name(self) -> str:
        return f"{self.requester_first_name} {self.requester_last_name}".strip()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def last_date(self):
        return self.end_date or self.date


class OfferKind(models.TextChoices):
    OFFER = "offer", _("offer")
    OPEN_CALL = "open_call", _("open call")


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("waiting for an answer")
    ACCEPTED = "accepted", _("accepted, booked")
    VOLUNTEERED = "volunteered", _("volunteered")
    DECLINED = "declined", pgettext_lazy("an expert's answer to an offer", "declined")
    FILLED = "filled", _("filled by others")
    CLOSED = "closed", _("request closed")


# An expert's answer as the offer's kind allows it.
ANSWERS = {
    OfferKind.OFFER: {OfferStatus.ACCEPTED, OfferStatus.DECLINED},
    OfferKind.OPEN_CALL: {OfferStatus.VOLUNTEERED, OfferStatus.DECLINED},
}


class Offer(models.Model):
    """A request offered to one expert (or published to them in an open call)."""

    request = models.ForeignKey(
        Request, verbose_name=_("request"), on_delete=models.CASCADE, related_name="offers"
    )
    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="offers"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=OfferKind.choices, default=OfferKind.OFFER
    )
    status = models.CharField(
        _("status"), max_length=12, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    deadline = models.DateTimeField(_("reply by"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("offered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "expert"],
                name="one_offer_per_expert_and_request",
                violation_error_message=_("This expert has already been offered the request."),
            ),
        ]
        indexes = [
            # the expert's page: their offers waiting for an answer
            models.Index(fields=["expert", "status"], name="offer_expert_status_idx"),
        ]

    def __str__(self):
        return f"{self.expert} – {self.request}"

    def is_answerable(self, now) -> bool:
        return (
            self.status == OfferStatus.PENDING
            and self.deadline > now
            and self.request.status in OPEN_STATUSES
        )


class StatusLink(PrivateLink):
    """The secret in the requester's private status address; it expires and can be revoked."""

    request = models.ForeignKey(
        Request, verbose_name=_("request"), on_delete=models.CASCADE, related_name="links"
    )

    class Meta(PrivateLink.Meta):
        verbose_name = _("status link")
        verbose_name_plural = _("status links")

    def __str__(self):
        return str(self.request)


class FormPost(models.Model):
    """One post of the public request form, for its rate limit. The client address is kept
    only as a keyed hash (it counts posts, it names nobody) and only for the limit's window."""

    client = models.CharField(_("client"), max_length=64)
    posted_at = models.DateTimeField(_("posted at"))

    class Meta:
        verbose_name = _("request form post")
        verbose_name_plural = _("request form posts")
        indexes = [
            # the limit's count: posts of one client within the window
            models.Index(fields=["client", "posted_at"], name="form_post_client_idx"),
            # dropping posts older than the window
            models.Index(fields=["posted_at"], name="form_post_time_idx"),
        ]

    def __str__(self):
        return f"{self.client[:8]} {self.posted_at:%Y-%m-%d %H:%M}"
