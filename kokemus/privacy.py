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
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation

from agreements.models import Agreement, Assignment, Participation
from agreements.selectors import agreements_of_expert, participations_of_expert
from feedback.models import Reflection
from kokemus import erasure
from kokemus.audit import record_view
from kokemus.concurrency import claim_version
from orders.models import Offer, Request
from pairs.models import WorkPair
from payroll.models import EarningsLimit, ReportLine
from payroll.selectors import lines_for_expert
from portal.models import CalendarToken
from portal.services import calendar_token_revoke
from registry.models import ExperienceConsent, Expert, ExpertExperience
from registry.selectors import consents_of_expert
from supervision.models import Attendance, GroupMembership, TopicProposal
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
            for line in lines_for_expert(expert).order_by("participation__assignment__date", "pk")
        ],
        "earnings_limit": _earnings_limit(expert),
        "supervision": [
            {
                "group": attendance.session.group.name,
                "date": _date(attendance.session.date),
                "present": attendance.present,
            }
            for attendance in attendances_of_expert(expert).order_by("session__date", "pk")
        ],
        "supervision_memberships": [
            {
                "group": membership.group.name,
                "joined_on": _date(membership.joined_on),
                "left_on": _date(membership.left_on),
                "seniority": membership.seniority,
                "target_interval_weeks": membership.target_interval_weeks,
            }
            for membership in GroupMembership.objects.filter(expert=expert)
            .select_related("group")
            .order_by("group__name", "pk")
        ],
        "reflections": [_reflection(reflection) for reflection in _reflections_of(expert)],
        "work_pairs": [_work_pair(pair) for pair in _work_pairs_of(expert)],
        "topic_proposals": [
            {
                "group": proposal.session.group.name,
                "session_date": _date(proposal.session.date),
                "text": proposal.text,
                "taken_up": proposal.taken_up,
            }
            for proposal in TopicProposal.objects.filter(proposed_by=expert)
            .select_related("session__group")
            .order_by("session__date", "pk")
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


def _reflections_of(expert: Expert) -> QuerySet:
    return (
        Reflection.objects.filter(participation__expert=expert)
        .select_related("participation__assignment")
        .order_by("participation__assignment__date", "pk")
    )


def _reflection(reflection: Reflection) -> dict:
    assignment = reflection.participation.assignment
    return {
        "assignment": assignment.title,
        "date": _date(assignment.date),
        "how_it_went": reflection.how_it_went,
        "load": reflection.load,
        "wants_talk": reflection.wants_talk,
        "given_at": reflection.created_at.isoformat(),
        "handled_at": reflection.handled_at and reflection.handled_at.isoformat(),
    }


def _work_pairs_of(expert: Expert) -> QuerySet:
    return (
        WorkPair.objects.filter(expert=expert)
        .select_related("professional", "mentor_expert", "mentor_professional")
        .prefetch_related("steps")
        .order_by("started_on", "pk")
    )


def _work_pair(pair: WorkPair) -> dict:
    professional = pair.professional
    return {
        "professional": f"{professional.first_name} {professional.last_name}",
        "started_on": _date(pair.started_on),
        "ended_on": _date(pair.ended_on),
        "mentor": pair.mentor and str(pair.mentor),
        "notes": pair.notes,
        "steps": [
            {
                "step": step.title,
                "kind": step.kind,
                "due_on": _date(step.due_on),
                "done_on": _date(step.done_on),
            }
            for step in pair.steps.all()
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

    Removes name, contact details, experience areas with their consents, an earnings limit and
    the login, and every trace of them elsewhere: sessions, lockout records, the calendar feed,
    e-mail to and about them, the admin's and the audit trail's logs, free text that names them,
    their own comments and receipts on their hours reports, the words of their reflections
    and their name in professionals' feedback (kokemus.erasure; docs/privacy.md
    lists each store). Agreements, assignments, participations, hours reports' figures and
    attendance stay, tied to a nameless record.
    """
    claim_version(expert, None)  # locks the row; an edit form opened before the erasure is refused
    expert.refresh_from_db()  # the login and details as they are now, not as the caller read them
    user = expert.user
    traces = erasure.Traces.of(expert, user)
    trail = expert_trail_condition(expert)  # read before the consents go
    kept, deleted = _objects_of(expert, user)
    with set_actor(by):
        expert.consents.all().delete()  # their experience areas go with them
        EarningsLimit.objects.filter(expert=expert).delete()  # tells of a pension or benefit
        for field in ("first_name", "last_name", "email", "phone", "municipality"):
            setattr(expert, field, "")
        expert.availability = expert.training_organisation = ""
        expert.external_id = None
        expert.user = None
        expert.anonymised_at = timezone.now()
        expert.save()
    calendar_token_revoke(expert=expert)
    erasure.erase_own_words(expert)
    erasure.erase_guidance_words(expert)  # guidance: their words about their clients
    erasure.erase_receipts(expert)
    erasure.erase_from_outbox(
        traces=traces,
        user=user,
        assignments=kept[Assignment],
        requests=kept[Request],
        lines=kept[ReportLine],
    )
    # Stored text names her anonymously in the organisation's language, whoever erases.
    with translation.override(settings.LANGUAGE_CODE):
        mentioned = erasure.erase_from_free_text(traces)
        erasure.erase_from_pairs(traces=traces, expert=expert)
        erasure.erase_from_feedback(traces=traces, expert=expert)
        erasure.erase_from_admin_log(traces=traces, kept=kept, deleted=deleted)
        erasure.erase_from_audit_trail(trail=trail, traces=traces, user=user, mentioned=mentioned)
    erasure.erase_from_imports(traces)
    erasure.erase_login_records(traces.contacts)
    if user is not None:
        erasure.end_sessions(user)
        user.delete()  # password-reset and invitation links name this login: they stop working
    return expert


def _objects_of(expert: Expert, user) -> tuple[erasure.ModelObjects, erasure.ModelObjects]:
    """The rows that are about the expert: those the erasure keeps (nameless) and those it
    deletes, read before anything changes."""
    kept = {
        Expert: [expert.pk],
        Agreement: list(Agreement.objects.filter(expert=expert).values_list("pk", flat=True)),
        Participation: list(
            Participation.objects.filter(expert=expert).values_list("pk", flat=True)
        ),
        Assignment: list(
            Participation.objects.filter(expert=expert).values_list("assignment_id", flat=True)
        ),
        GroupMembership: list(
            GroupMembership.objects.filter(expert=expert).values_list("pk", flat=True)
        ),
        Attendance: list(
            Attendance.objects.filter(membership__expert=expert).values_list("pk", flat=True)
        ),
        Offer: list(Offer.objects.filter(expert=expert).values_list("pk", flat=True)),
        ReportLine: list(
            ReportLine.objects.filter(participation__expert=expert).values_list("pk", flat=True)
        ),
        # requests they were offered or booked on: the requester heard their first name
        Request: list(
            Request.objects.filter(
                Q(offers__expert=expert) | Q(assignment__participations__expert=expert)
            )
            .distinct()
            .values_list("pk", flat=True)
        ),
    }
    deleted = {
        ExperienceConsent: list(expert.consents.values_list("pk", flat=True)),
        ExpertExperience: list(
            ExpertExperience.objects.filter(expert=expert).values_list("pk", flat=True)
        ),
        CalendarToken: list(
            CalendarToken.objects.filter(expert=expert).values_list("pk", flat=True)
        ),
        EarningsLimit: list(
            EarningsLimit.objects.filter(expert=expert).values_list("pk", flat=True)
        ),
        User: [user.pk] if user is not None else [],
    }
    return kept, deleted


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
        ReportLine: ReportLine.objects.filter(participation__expert=expert).values_list(
            "pk", flat=True
        ),
        EarningsLimit: EarningsLimit.objects.filter(expert=expert).values_list("pk", flat=True),
        Reflection: Reflection.objects.filter(participation__expert=expert).values_list(
            "pk", flat=True
        ),
        WorkPair: WorkPair.objects.filter(Q(expert=expert) | Q(mentor_expert=expert)).values_list(
            "pk", flat=True
        ),
    }
    condition = Q()
    for model, pks in related.items():
        content_type = ContentType.objects.get_for_model(model)
        condition |= Q(content_type=content_type, object_id__in=list(pks))
    return condition
