"""The register: experts by experience, professionals and the reference data they work in."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kokemus.translated_names import TranslatedName, name_fields

code_validator = RegexValidator(
    r"^[a-z0-9_]+$", _("Use lowercase letters a–z, digits and underscores only.")
)


class ServiceArea(TranslatedName, models.Model):
    """A division (toimialue, no parent) or a service (palvelu) under one division."""

    code = models.CharField(_("code"), max_length=50, unique=True, validators=[code_validator])
    name, name_sv, name_en = name_fields()
    parent = models.ForeignKey(
        "self",
        verbose_name=_("division"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        limit_choices_to={"parent__isnull": True},
        help_text=_("Leave empty for a division; choose the division for a service."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="service_area_not_own_parent",
                violation_error_message=_("A service area cannot be its own division."),
            ),
        ]

    def __str__(self):
        return self.translated_name

    @property
    def division(self) -> "ServiceArea":
        return self if self.parent_id is None else self.parent

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.parent_id and self.parent_id == self.pk:
            return  # the check constraint names this case
        if self.parent_id and self.parent.parent_id:
            raise ValidationError(
                {"parent": _("A service must sit directly under a division (two levels only).")}
            )
        if self.parent_id and self.pk and self.services.exists():
            raise ValidationError(
                {"parent": _("This division has services, so it cannot be moved under another.")}
            )


class PayrollClass(models.TextChoices):
    """How a fee is paid, by the Tax Administration's view of the work: lecture and meeting
    fees are wage (palkka); other commissions are compensation for work (työkorvaus)."""

    WAGE = "wage", _("wage")
    COMPENSATION = "compensation", _("compensation for work")


class AssignmentType(TranslatedName, models.Model):
    code = models.CharField(_("code"), max_length=50, unique=True, validators=[code_validator])
    name, name_sv, name_en = name_fields()
    is_active = models.BooleanField(_("in use"), default=True)
    payroll_class = models.CharField(
        _("paid as"),
        max_length=12,
        choices=PayrollClass.choices,
        default=PayrollClass.COMPENSATION,
        help_text=_(
            "Wage for lectures and meeting fees (the Tax Administration's view), otherwise "
            "compensation for work. The payroll run classifies each line by this."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    records_reach = models.BooleanField(
        _("records people reached"),
        default=False,
        help_text=_(
            "Marking an assignment of this type done asks how many people it reached and "
            "which group they were (client panels, workshops, lectures, communication)."
        ),
    )

    class Meta:
        verbose_name = _("assignment type")
        verbose_name_plural = _("assignment types")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.translated_name


class ExpertKind(models.TextChoices):
    EXPERT = "expert", _("trained expert by experience")
    GUIDE = "guide", _("experience guide")
    PEER = "peer", _("peer worker")
    OTHER = "other", _("other lived-experience actor")


class Language(models.TextChoices):
    """The languages an assignment can be done in (and a request asks for)."""

    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")
    OTHER = "other", _("another language")


languages_validator = RegexValidator(
    r"^(fi|sv|en|other)(,(fi|sv|en|other))*$",
    _("Choose the languages from the list."),
)


def speaks(language: str, prefix: str = "") -> Q:
    """Experts whose ``languages`` (codes joined by commas, e.g. "fi,sv") include ``language``:
    the whole code between commas, so that no code matches inside another."""
    field = f"{prefix}languages"
    return (
        Q(**{field: language})
        | Q(**{f"{field}__startswith": f"{language},"})
        | Q(**{f"{field}__endswith": f",{language}"})
        | Q(**{f"{field}__contains": f",{language},"})
    )


class ExpertStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    INACTIVE = "inactive", _("inactive")


class Expert(models.Model):
    """An expert by experience (kokemustoimija). Experience areas live apart, behind consent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert",
    )
    external_id = models.CharField(
        _("external id"),
        max_length=50,
        unique=True,
        null=True,
        blank=True,
        error_messages={"unique": _("Another expert already has this external id.")},
        help_text=_("The key of this expert in imported spreadsheets."),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    # Codes of Language joined by commas ("fi,sv"): a few fixed choices, matched with speaks().
    languages = models.CharField(
        _("languages"),
        max_length=30,
        default=Language.FINNISH,
        validators=[languages_validator],
        help_text=_("The languages the expert can work in."),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=ExpertKind.choices, default=ExpertKind.EXPERT
    )
    trained = models.BooleanField(_("trained"), default=False)
    training_organisation = models.CharField(_("training organisation"), max_length=200, blank=True)
    training_completed_on = models.DateField(_("training completed on"), null=True, blank=True)
    availability = models.TextField(
        _("availability"), blank=True, help_text=_("When and for what the expert is available.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ExpertStatus.choices, default=ExpertStatus.ACTIVE
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("expert by experience")
        verbose_name_plural = _("experts by experience")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(trained=True) | Q(training_completed_on__isnull=True),
                name="expert_training_date_only_if_trained",
                violation_error_message=_(
                    "A training completion date needs the expert to be marked as trained."
                ),
            ),
        ]
        indexes = [
            # the expert list's default order and name search
            models.Index(fields=["last_name", "first_name"], name="expert_name_idx"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    def get_languages_display(self) -> str:
        return ", ".join(str(Language(code).label) for code in self.language_codes)

    @property
    def full_name(self) -> str:
        if self.anonymised_at:
            return gettext("Anonymised expert %(number)s") % {"number": self.pk}
        return f"{self.first_name} {self.last_name}".strip()


class Professional(models.Model):
    """A staff member: contact person, work-pair partner or group member. Needs no login."""

    external_id = models.CharField(
        _("external id"),
        max_length=50,
        unique=True,
        null=True,
        blank=True,
        error_messages={"unique": _("Another professional already has this external id.")},
        help_text=_("The key of this professional in imported spreadsheets."),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    service_area = models.ForeignKey(
        ServiceArea,
        verbose_name=_("service area"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="professionals",
    )
    # Seed 000: a supervisor needs earlier experience of peer work or of guiding experts.
    peer_work_experience = models.TextField(
        _("experience of peer work"),
        blank=True,
        help_text=_("For a supervisor: their experience of peer work or of guiding experts."),
    )

    class Meta:
        verbose_name = _("professional")
        verbose_name_plural = _("professionals")
        ordering = ["last_name", "first_name", "pk"]

    def __str__(self):
        name = f"{self.first_name} {self.last_name}"
        return f"{name} ({self.title})" if self.title else name


class ExperienceArea(TranslatedName, models.Model):
    """Reference list of experience areas (kokemusalueet), e.g. mental health."""

    code = models.CharField(_("code"), max_length=50, unique=True, validators=[code_validator])
    name, name_sv, name_en = name_fields()

    class Meta:
        verbose_name = _("experience area")
        verbose_name_plural = _("experience areas")
        ordering = ["name"]

    def __str__(self):
        return self.translated_name


class ExperienceConsent(models.Model):
    """The expert's recorded consent to store their experience areas (GDPR art. 9 data)."""

    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.TextField(
        _("purpose"),
        help_text=_("What the experience areas are used for, as told to the expert."),
    )
    given_on = models.DateField(_("consent given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent to store experience areas")
        verbose_name_plural = _("consents to store experience areas")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["expert"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_valid_consent_per_expert",
                violation_error_message=_("The expert already has a valid consent."),
            ),
        ]

    def __str__(self):
        return _("Consent of %(expert)s, %(date)s") % {"expert": self.expert, "date": self.given_on}

    @property
    def is_valid(self) -> bool:
        return self.withdrawn_at is None


class ExpertExperience(models.Model):
    """One experience area of an expert; cannot exist without a consent (deleted with it)."""

    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="experiences"
    )
    area = models.ForeignKey(
        ExperienceArea, verbose_name=_("experience area"), on_delete=models.PROTECT
    )
    consent = models.ForeignKey(
        ExperienceConsent,
        verbose_name=_("consent"),
        on_delete=models.CASCADE,
        related_name="experiences",
    )

    class Meta:
        verbose_name = _("experience area of an expert")
        verbose_name_plural = _("experience areas of experts")
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "area"],
                name="unique_experience_area_per_expert",
                violation_error_message=_("This experience area is already recorded."),
            ),
        ]

    def __str__(self):
        return f"{self.expert}: {self.area}"
