"""GDPR operations on one expert: the subject access export, erasure by anonymisation, the
retention rule and the expert's audit trail. Kept together because they must agree on what
"everything about the expert" is; the writes follow the services' rules (keyword-only, one
transaction, audit entry).

Above the apps: it reads the register, agreements, assignments and supervision, so none of
them imports it.
"""

import datetime

from auditlog.context import set_actor
from auditlog.models import LogEntry
from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from agreements.models import Agreement, Participation
from agreements.selectors import agreements_of_expert, participations_of_expert
from kokemus.audit import record_view
from kokemus.concurrency import claim_version
from registry.models import ExperienceConsent, Expert, ExpertExperience
from registry.selectors import consents_of_expert
from supervision.selectors import attendances_of_expert


def expert_data_export(*, expert: Expert, by) -> dict:
    """Everything stored about the expert, for a subject access request (JSON-ready)."""
    with set_actor(by):
        record_view(expert)
    user = expert.user
    return {
        "expert": {
            "id": expert.pk,
            "external_id": expert.external_id,
            "first_name": expert.first_name,
            "last_name": expert.last_name,
            "email": expert.email,
            "phone": expert.phone,
            "municipality": expert.municipality,
            "languages": expert.language_codes,
            "kind": expert.kind,
            "trained": expert.trained,
            "training_organisation": expert.training_organisation,
            "training_completed_on": _date(expert.training_completed_on),
            "availability": expert.availability,
            "status": expert.status,
            "created_at": expert.created_at.isoformat(),
            "updated_at": expert.updated_at.isoformat(),
        },
        "login": user
        and {
            "username": user.username,
            "email": user.email,
            "last_login": user.last_login and user.last_login.isoformat(),
            "date_joined": user.date_joined.isoformat(),
        },
        "consents": [
            {
                "purpose": consent.purpose,
                "given_on": _date(consent.given_on),
                "recorded_at": consent.recorded_at.isoformat(),
                "withdrawn_at": consent.withdrawn_at and consent.withdrawn_at.isoformat(),
                "experience_areas": [str(e.area) for e in consent.experiences.all()],
            }
            for consent in consents_of_expert(expert)
        ],
        "agreements": [
            {
                "number": agreement.number,
                "division": str(agreement.division),
                "status": agreement.status,
                "signed_on": _date(agreement.signed_on),
                "valid_from": _date(agreement.valid_from),
                "valid_until": _date(agreement.valid_until),
                "hourly_fee": str(agreement.hourly_fee),
                "assignment_fee": str(agreement.assignment_fee),
                "travel_compensation": str(agreement.travel_compensation),
            }
            for agreement in agreements_of_expert(expert)
        ],
        "assignments": [
            {
                "title": p.assignment.title,
                "type": str(p.assignment.type),
                "service_area": str(p.assignment.service_area),
                "date": _date(p.assignment.date),
                "status": p.assignment.status,
                "hours": str(p.worked_hours),
                "agreement": p.agreement and p.agreement.number,
            }
            for p in participations_of_expert(expert).order_by("assignment__date", "pk")
        ],
        "supervision": [
            {
                "group": attendance.session.group.name,
                "date": _date(attendance.session.date),
                "present": attendance.present,
            }
            for attendance in attendances_of_expert(expert).order_by("session__date", "pk")
        ],
        "audit_trail": [
            {
                "when": entry.timestamp.isoformat(),
                "who": entry.actor and entry.actor.get_username(),
                "action": entry.get_action_display(),
                "object": entry.object_repr,
            }
            for entry in expert_trail(expert)
        ],
    }


def _date(value: datetime.date | None) -> str | None:
    return value and value.isoformat()


@transaction.atomic
def expert_anonymise(*, expert: Expert, by) -> Expert:
    """Erase the person but keep the work: every monthly figure stays exactly as it was.

    Removes name, contact details, experience areas with their consents, and the login;
    agreements, assignments, participations and attendance stay, tied to a nameless record.
    """
    user = expert.user
    trail = expert_trail_condition(expert)  # read before the consents go
    with set_actor(by):
        expert.consents.all().delete()  # their experience areas go with them
        for field in ("first_name", "last_name", "email", "phone", "municipality"):
            setattr(expert, field, "")
        expert.availability = expert.training_organisation = ""
        expert.external_id = None
        expert.user = None
        expert.anonymised_at = timezone.now()
        claim_version(expert, None)  # an edit form opened before the erasure is refused
        expert.save()
    if user is not None:
        user.delete()
    _scrub_trail(trail)
    return expert


def _scrub_trail(condition: Q) -> None:
    """The trail keeps who did what and when, but no longer whom or which health data."""
    for entry in LogEntry.objects.filter(condition).select_related("content_type"):
        entry.object_repr = f"{entry.content_type.model} #{entry.object_pk}"
        if entry.content_type.model in ("experienceconsent", "expertexperience"):
            entry.changes = {}
        entry.save(update_fields=["object_repr", "changes"])


def experts_past_retention(*, years: int, today: datetime.date | None = None) -> QuerySet[Expert]:
    """Experts with no agreement and no assignment in the last ``years`` years, not yet erased."""
    today = today or timezone.localdate()
    cutoff = today - relativedelta(years=years)
    recent_agreement = Agreement.objects.filter(expert=OuterRef("pk")).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=cutoff) | Q(valid_from__gte=cutoff)
    )
    recent_assignment = Participation.objects.filter(
        expert=OuterRef("pk"), assignment__date__gte=cutoff
    )
    return Expert.objects.filter(
        ~Exists(recent_agreement),
        ~Exists(recent_assignment),
        anonymised_at__isnull=True,
        created_at__date__lt=cutoff,
    )


def expert_trail(expert: Expert) -> QuerySet[LogEntry]:
    """The trail of one expert: their own record and everything tied to them, newest first."""
    return (
        LogEntry.objects.filter(expert_trail_condition(expert))
        .select_related("actor", "content_type")
        .order_by("-timestamp")
    )


def expert_trail_condition(expert: Expert) -> Q:
    """Which log entries belong to the expert, with the related ids read now (so the
    condition still finds entries of objects deleted afterwards)."""
    related = {
        Expert: [expert.pk],
        Agreement: Agreement.objects.filter(expert=expert).values_list("pk", flat=True),
        Participation: Participation.objects.filter(expert=expert).values_list("pk", flat=True),
        ExperienceConsent: expert.consents.values_list("pk", flat=True),
        ExpertExperience: ExpertExperience.objects.filter(expert=expert).values_list(
            "pk", flat=True
        ),
    }
    condition = Q()
    for model, pks in related.items():
        content_type = ContentType.objects.get_for_model(model)
        condition |= Q(content_type=content_type, object_id__in=list(pks))
    return condition
