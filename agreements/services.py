"""Every write about agreements and assignments: one function per business action."""

import copy
import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agreements import notices
from agreements.models import (
    AGREEMENT_TRANSITIONS,
    ASSIGNMENT_TRANSITIONS,
    COUNTED_STATUSES,
    Agreement,
    AgreementStatus,
    Assignment,
    AssignmentStatus,
    Participation,
)
from agreements.rules import (
    FEE_FIELDS,
    agreement_terms_errors,
    hours_error,
    own_hours_errors,
    reach_errors,
    uncovered_error,
    working_days,
)
from agreements.selectors import covering_agreements_by_expert
from agreements.signals import assignment_done
from kokemus.concurrency import claim_version
from registry.models import Expert


def _check_agreement_transition(agreement: Agreement, new_status: str) -> None:
    if new_status not in AGREEMENT_TRANSITIONS[AgreementStatus(agreement.status)]:
        raise ValidationError(
            _("An agreement that is %(old)s cannot be made %(new)s.")
            % {
                "old": agreement.get_status_display(),
                "new": AgreementStatus(new_status).label,
            }
        )


# Fields a coordinator may change while the agreement is a draft.
DRAFT_FIELDS = ("number", "division", "valid_from", "valid_until", *FEE_FIELDS, "duties", "notes")


def _clean(agreement: Agreement, *, unread: Iterable[str] = ()) -> None:
    """Every refusal at once: the terms' messages (they name the field and the date) and the
    model's (a number in use, a required field); ``unread`` fields are not judged."""
    errors = agreement_terms_errors(agreement)
    try:
        # A field with a terms error is not judged again: its constraint would say it twice.
        agreement.full_clean(exclude=[*unread, *errors])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)


def agreement_validate(*, expert: Expert, fields: dict, agreement: Agreement | None = None) -> None:
    """Raise what agreement_create (or, given ``agreement``, agreement_update) would refuse in
    these DRAFT_FIELDS, without saving. A field left out is not judged: a form with field
    errors asks about the ones it could read, so that every error shows at once."""
    candidate = copy.copy(agreement) if agreement else Agreement(expert=expert)
    for name in DRAFT_FIELDS:
        setattr(candidate, name, fields.get(name))
    _clean(candidate, unread=[name for name in DRAFT_FIELDS if name not in fields])


@transaction.atomic
def agreement_create(*, expert: Expert, fields: dict) -> Agreement:
    """A new draft agreement for the expert; ``fields`` are the draft's terms (DRAFT_FIELDS)."""
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")  # a programming error
    agreement = Agreement(expert=expert, **fields)
    _clean(agreement)
    agreement.save()
    return agreement


@transaction.atomic
def agreement_update(
    *, agreement: Agreement, fields: dict, expected_version: int | None = None
) -> Agreement:
    """Change a draft's terms; a signed agreement is changed only by ending it."""
    current = Agreement.objects.get(pk=agreement.pk)
    if current.status != AgreementStatus.DRAFT:
        raise ValidationError(
            _("Only a draft can be edited: this agreement is %(status)s.")
            % {"status": current.get_status_display()}
        )
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")  # a programming error
    for name, value in fields.items():
        setattr(agreement, name, value)
    _clean(agreement)
    claim_version(agreement, expected_version)
    agreement.save()
    return agreement


@transaction.atomic
def agreement_sign(
    *, agreement: Agreement, signed_on: datetime.date, expected_version: int | None = None
) -> Agreement:
    claim_version(agreement, expected_version)  # first: a stale form hears that it is stale
    _check_agreement_transition(agreement, AgreementStatus.ACTIVE)
    agreement.status = AgreementStatus.ACTIVE
    agreement.signed_on = signed_on
    _clean(agreement)
    agreement.save()
    return agreement


@transaction.atomic
def agreement_end(
    *, agreement: Agreement, ended_on: datetime.date, expected_version: int | None = None
) -> Agreement:
    """End an agreement at the end of its term (or earlier by mutual consent)."""
    return _close_agreement(agreement, AgreementStatus.ENDED, ended_on, expected_version)


@transaction.atomic
def agreement_terminate(
    *, agreement: Agreement, terminated_on: datetime.date, expected_version: int | None = None
) -> Agreement:
    """Terminate: the agreement covers assignments only up to the termination date."""
    return _close_agreement(agreement, AgreementStatus.TERMINATED, terminated_on, expected_version)


def _close_agreement(
    agreement: Agreement, status: str, last_day: datetime.date, expected_version: int | None
) -> Agreement:
    claim_version(agreement, expected_version)
    _check_agreement_transition(agreement, status)
    later = agreement.participations.filter(
        assignment__date__gt=last_day, assignment__status__in=COUNTED_STATUSES
    )
    if later.exists():
        raise ValidationError(
            _(
                "The agreement still covers assignments after %(date)s. Cancel them or move "
                "them first."
            )
            % {"date": date_format(last_day, "SHORT_DATE_FORMAT")}
        )
    agreement.status = status
    agreement.valid_until = last_day
    _clean(agreement)
    agreement.save()
    return agreement


def assignment_validate(
    *,
    date: datetime.date | None,
    end_date: datetime.date | None,
    hours: Decimal | None,
    experts: list[Expert] | None,
    own_hours: dict[int, Decimal | None] | None = None,
) -> dict[int, Agreement]:
    """Check the SPEC's rules for an assignment, all at once; return each expert's covering
    agreement.

    The form and the admin call this; the import calls the same rules (agreements.rules) with
    the agreements it has loaded, so all three give the same messages. A value given as None
    could not be read (a form's field error): the rules that need it are not judged.
    """
    errors = {}
    days = working_days(date, end_date) if date is not None else None
    if hours is not None and days is not None and (error := hours_error(hours, days)):
        errors["hours"] = error
    expert_errors = []
    if experts == []:
        expert_errors.append(_("Choose at least one expert."))
    covering = {}
    if date is not None and experts:
        covering = covering_agreements_by_expert(expert_ids=[e.pk for e in experts], day=date)
        expert_errors += [
            uncovered_error(e.full_name, date) for e in experts if e.pk not in covering
        ]
    if own_hours and days is not None:
        expert_errors += own_hours_errors(
            [(e.full_name, own_hours.get(e.pk)) for e in experts or []], days
        )
    if expert_errors:
        errors["experts"] = expert_errors
    if errors:
        raise ValidationError(errors)
    return covering


@transaction.atomic
def assignment_save(
    *,
    assignment: Assignment,
    experts: list[Expert],
    by=None,
    expected_version: int | None = None,
    own_hours: dict[int, Decimal | None] | None = None,
) -> Assignment:
    """Create or update an assignment with its experts, each under their covering agreement.

    ``expected_version`` is the version the editing form was opened with (optimistic lock).
    ``own_hours`` maps an expert's id to the hours they worked when these differ from the
    assignment's (None: the assignment's hours); without it, recorded own hours are kept.
    """
    assignment.full_clean()
    covering = assignment_validate(
        date=assignment.date,
        end_date=assignment.end_date,
        hours=assignment.hours,
        experts=experts,
        own_hours=own_hours,
    )
    if assignment.pk is None:
        assignment.created_by = by
    else:
        _keep_reported_experts(assignment, experts)
    before = notices.snapshot(assignment)
    claim_version(assignment, expected_version)
    assignment.save()
    _set_participations(assignment, covering, own_hours)
    notices.assignment_saved(assignment=assignment, before=before)
    return assignment


def _keep_reported_experts(assignment: Assignment, experts: list[Expert]) -> None:
    """An expert who has reported hours on the assignment stays on it: their report is on its
    way to payroll (the payroll app's lines, read here by their relation name so that this
    floor imports nothing above it), so it is returned or reversed, never dropped with them."""
    reported = (
        assignment.participations.exclude(expert__in=experts)
        .filter(report_lines__isnull=False)
        .select_related("expert")
    )
    names = sorted({participation.expert.full_name for participation in reported})
    if names:
        raise ValidationError(
            {
                "experts": [
                    _("%(expert)s has reported hours on this assignment and stays on it.")
                    % {"expert": name}
                    for name in names
                ]
            }
        )


def _set_participations(
    assignment: Assignment,
    covering: dict[int, Agreement],
    own_hours: dict[int, Decimal | None] | None = None,
) -> None:
    assignment.participations.exclude(expert_id__in=covering).delete()
    existing = {p.expert_id: p for p in assignment.participations.all()}
    for expert_id, agreement in covering.items():
        participation = existing.get(expert_id) or Participation(
            assignment=assignment, expert_id=expert_id
        )
        changed = participation.pk is None or participation.agreement_id != agreement.pk
        participation.agreement = agreement
        if own_hours is not None and participation.hours != own_hours.get(expert_id):
            participation.hours = own_hours.get(expert_id)
            changed = True
        if changed:
            participation.save()


def is_in_future(assignment: Assignment, today: datetime.date | None = None) -> bool:
    """Not yet begun, so it cannot be done: no one may mark it so (the import may, as history)."""
    return assignment.date > (today or timezone.localdate())


def _refuse_cancelling_reported(assignment: Assignment) -> None:
    """Reports waiting for approval or approved (the payroll app's current lines, read by their
    relation name: this floor imports nothing above it) must be returned first."""
    pending = assignment.participations.filter(
        report_lines__sign=1,
        report_lines__superseded=False,
        report_lines__status__in=["submitted", "approved"],  # payroll.models.LineStatus
    )
    if pending.exists():
        raise ValidationError(
            _(
                "Experts have reported hours on this assignment: return their reports before "
                "cancelling it."
            )
        )


def _record_reach(assignment: Assignment, people_reached: int | None, reached_group: str):
    """Set the people reached of an assignment being marked done; return the fields set."""
    if not assignment.type.records_reach:
        return []
    errors = reach_errors(True, people_reached, reached_group)
    if errors:
        raise ValidationError(errors)
    assignment.people_reached, assignment.reached_group = people_reached, reached_group
    return ["people_reached", "reached_group"]


@transaction.atomic
def assignment_set_status(
    *,
    assignment: Assignment,
    status: str,
    expected_version: int | None = None,
    today: datetime.date | None = None,
    people_reached: int | None = None,
    reached_group: str = "",
) -> Assignment:
    """Change the status. Marking done an assignment of a type that records reach takes the
    people reached and their group (agreements.rules.reach_errors); other changes keep what
    is recorded, which the report counts only while the assignment is done."""
    if status not in ASSIGNMENT_TRANSITIONS[AssignmentStatus(assignment.status)]:
        raise ValidationError(
            _("An assignment that is %(old)s cannot be made %(new)s.")
            % {
                "old": assignment.get_status_display(),
                "new": AssignmentStatus(status).label,
            }
        )
    if status == AssignmentStatus.DONE and is_in_future(assignment, today):
        raise ValidationError(_("An assignment in the future cannot be marked done yet."))
    if status == AssignmentStatus.CANCELLED:
        _refuse_cancelling_reported(assignment)
    changed = ["status", "updated_at"]
    if status == AssignmentStatus.DONE:
        changed += _record_reach(assignment, people_reached, reached_group)
    claim_version(assignment, expected_version)
    old_status, assignment.status = assignment.status, status
    assignment.save(update_fields=changed)
    if status == AssignmentStatus.CANCELLED:
        notices.assignment_cancelled(assignment=assignment)
    elif old_status == AssignmentStatus.CANCELLED:
        notices.assignment_rebooked(assignment=assignment)
    if status == AssignmentStatus.DONE:
        assignment_done.send(Assignment, assignment=assignment)  # apps above: feedback
    return assignment
