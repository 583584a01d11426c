"""GDPR operations on one expert: the subject access export, erasure by anonymisation and the
retention rule. Kept together because they must agree on what "everything about the expert"
is; the writes follow the services' rules (keyword-only, one transaction, audit entry).
"""

import datetime

from auditlog.context import set_actor
from auditlog.models import LogEntry
from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from agreements.models import Agreement, Participation
from kokemus.audit import expert_trail, expert_trail_condition, record_view
from payroll.models import EarningsLimit, ReportLine
from registry.models import Expert
from supervision.models import Attendance


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
            for consent in expert.consents.prefetch_related("experiences__area")
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
            for agreement in expert.agreements.select_related("division")
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
            for p in expert.participations.select_related(
                "assignment__type", "assignment__service_area", "agreement"
            ).order_by("assignment__date")
        ],
        "hours_reports": [
            {
                "assignment": line.participation.assignment.title,
                "date": _date(line.participation.assignment.date),
                "status": line.status,
                "reversal": line.sign < 0,
                "hours": str(line.hours),
                "kilometres": str(line.kilometres),
                "route": line.route,
                "other_costs": str(line.other_costs),
                "other_costs_description": line.other_costs_description,
                "receipt": bool(line.receipt),
                "comment": line.comment,
                "return_comment": line.return_comment,
                "payroll_run": line.run and str(line.run),
            }
            for line in ReportLine.objects.filter(participation__expert=expert)
            .select_related("participation__assignment", "run")
            .order_by("participation__assignment__date", "pk")
        ],
        "earnings_limit": _earnings_limit(expert),
        "supervision": [
            {
                "group": attendance.session.group.name,
                "date": _date(attendance.session.date),
                "present": attendance.present,
            }
            for attendance in Attendance.objects.filter(membership__expert=expert)
            .select_related("session__group")
            .order_by("session__date")
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


def _earnings_limit(expert: Expert) -> dict | None:
    limit = EarningsLimit.objects.filter(expert=expert).first()
    return limit and {
        "basis": limit.basis,
        "basis_note": limit.basis_note,
        "monthly_limit": limit.monthly_limit and str(limit.monthly_limit),
        "yearly_limit": limit.yearly_limit and str(limit.yearly_limit),
        "consent_given_on": _date(limit.consent_given_on),
    }


def _date(value: datetime.date | None) -> str | None:
    return value and value.isoformat()


@transaction.atomic
def expert_anonymise(*, expert: Expert, by) -> Expert:
    """Erase the person but keep the work: every monthly figure stays exactly as it was.

    Removes name, contact details, experience areas with their consents, an earnings limit, and
    the login;
    agreements, assignments, participations and attendance stay, tied to a nameless record.
    """
    user = expert.user
    trail = expert_trail_condition(expert)  # read before the consents go
    with set_actor(by):
        expert.consents.all().delete()  # their experience areas go with them
        EarningsLimit.objects.filter(expert=expert).delete()  # health-adjacent (payroll)
        for field in ("first_name", "last_name", "email", "phone", "municipality"):
            setattr(expert, field, "")
        expert.availability = expert.training_organisation = ""
        expert.external_id = None
        expert.user = None
        expert.anonymised_at = timezone.now()
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
