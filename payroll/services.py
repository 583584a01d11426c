"""Every write about hours reports, payroll runs and earnings limits: one function per action.

The flow: an expert reports their own line for an assignment (``line_submit``); the assignment
is done once every expert on it has reported (or the coordinator marks it done). A coordinator
approves lines (``lines_approve``, one or many) or returns one with a comment
(``line_return``); the expert corrects and reports again. A month's run (``run_create``) takes
the approved lines not yet paid; exporting it (``run_export``) locks it. A paid line is never
edited: ``line_correct`` reverses it and opens a new line for the next run.
"""

import datetime
from decimal import Decimal

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agreements.models import Assignment, AssignmentStatus, Participation
from agreements.rules import hours_error, working_days
from agreements.services import assignment_set_status, is_in_future
from kokemus.audit import record_changes
from kokemus.lists import next_month
from payroll import notices, selectors
from payroll.amounts import kilometre_rate
from payroll.models import (
    EDITABLE_STATUSES,
    LINE_TRANSITIONS,
    EarningsLimit,
    LineStatus,
    PayrollRun,
    ReportLine,
    RunStatus,
)
from payroll.receipts import receipt_extension
from registry.models import AssignmentType, Expert

# --- Reporting: the expert's own line ------------------------------------------------------


def current_line(participation: Participation) -> ReportLine | None:
    """The participation's line that counts now (not a reversal, not reversed)."""
    return participation.report_lines.filter(sign=1, superseded=False).first()


def _check_reportable(assignment: Assignment, today: datetime.date) -> None:
    if assignment.status == AssignmentStatus.CANCELLED:
        raise ValidationError(_("A cancelled assignment cannot be reported."))
    if is_in_future(assignment, today):
        raise ValidationError(_("An assignment in the future cannot be reported yet."))


def _check_figures(
    assignment: Assignment,
    *,
    hours: Decimal,
    kilometres: Decimal,
    other_costs: Decimal,
    other_costs_description: str,
) -> None:
    errors = {}
    if error := hours_error(hours, working_days(assignment.date, assignment.end_date)):
        errors["hours"] = error
    if kilometres < 0:
        errors["kilometres"] = _("Kilometres cannot be negative.")
    if other_costs < 0:
        errors["other_costs"] = _("Costs cannot be negative.")
    elif other_costs > 0 and not other_costs_description.strip():
        errors["other_costs_description"] = _("Say what the other costs were.")
    if errors:
        raise ValidationError(errors)


def _record_terms(line: ReportLine, participation: Participation) -> None:
    """The fee terms and the €/km rate of the agreement that covers the assignment."""
    agreement = participation.agreement
    if agreement is None:
        raise ValidationError(
            _("No signed agreement covers this assignment: ask the coordinator to check it.")
        )
    line.agreement = agreement
    line.hourly_fee = agreement.hourly_fee
    line.assignment_fee = agreement.assignment_fee
    line.kilometre_rate = kilometre_rate(
        agreement.travel_compensation, participation.assignment.date
    )


def _attach_receipt(line: ReportLine, receipt: UploadedFile | None, remove: bool) -> None:
    old = line.receipt.name if line.receipt else ""
    if receipt is not None:
        try:
            line._receipt_extension = receipt_extension(receipt)
        except ValidationError as error:
            raise ValidationError({"receipt": error.messages}) from error
        line.receipt = receipt
    elif remove:
        line.receipt = None
    if old and (receipt is not None or remove):
        storage = line.receipt.storage
        transaction.on_commit(lambda: storage.delete(old))  # only once the change holds


@transaction.atomic
def line_submit(
    *,
    participation: Participation,
    hours: Decimal,
    kilometres: Decimal = Decimal(0),
    route: str = "",
    other_costs: Decimal = Decimal(0),
    other_costs_description: str = "",
    receipt: UploadedFile | None = None,
    remove_receipt: bool = False,
    comment: str = "",
    by=None,
    today: datetime.date | None = None,
    people_reached: int | None = None,
    reached_group: str = "",
) -> ReportLine:
    """Report (or correct, while not approved) the expert's own line for an assignment.

    The coordinators hear of a new report and of a returned line reported again. Once every
    expert on a planned assignment has reported, the assignment is done: the report that
    does so gives the people reached where its type records them (selectors.report_asks_reach).
    """
    today = today or timezone.localdate()
    participation = Participation.objects.select_related("assignment", "agreement", "expert").get(
        pk=participation.pk
    )
    assignment = participation.assignment
    _check_reportable(assignment, today)
    line = participation.report_lines.select_for_update().filter(sign=1, superseded=False).first()
    if line is not None and line.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("This report is approved and can no longer be changed. Ask the coordinator.")
        )
    _check_figures(
        assignment,
        hours=hours,
        kilometres=kilometres,
        other_costs=other_costs,
        other_costs_description=other_costs_description,
    )
    news = line is None or line.status == LineStatus.RETURNED
    if line is None:
        line = ReportLine(participation=participation)
    else:
        line.version += 1
    _record_terms(line, participation)
    line.hours, line.kilometres, line.route = hours, kilometres, route.strip()
    line.other_costs = other_costs
    line.other_costs_description = other_costs_description.strip()
    line.comment = comment.strip()
    line.status = LineStatus.SUBMITTED
    line.reported_by, line.reported_at = by, timezone.now()
    _attach_receipt(line, receipt, remove_receipt)
    line.full_clean(exclude=["receipt"])  # the receipt was judged by its content above
    with set_actor(by):
        line.save()
    if news:
        notices.line_reported(line=line)
    _done_when_all_reported(assignment, today, people_reached, reached_group)
    return line


def _done_when_all_reported(
    assignment: Assignment, today: datetime.date, people_reached: int | None, reached_group: str
) -> None:
    """A planned assignment is done once every expert on it has a current line."""
    if assignment.status != AssignmentStatus.PLANNED:
        return
    reported = ReportLine.objects.filter(participation=OuterRef("pk"), sign=1, superseded=False)
    if not assignment.participations.filter(~Exists(reported)).exists():
        assignment_set_status(
            assignment=assignment,
            status=AssignmentStatus.DONE,
            today=today,
            people_reached=people_reached,
            reached_group=reached_group,
        )


# --- Approval ------------------------------------------------------------------------------


def _sync_participation_hours(participation_ids: list[int]) -> None:
    """The approved hours become the participation's own hours, which the monthly report's hours
    figure and the spreadsheet export read (one update)."""
    approved = ReportLine.objects.filter(
        participation=OuterRef("pk"), sign=1, superseded=False, status=LineStatus.APPROVED
    ).values("hours")[:1]
    Participation.objects.filter(pk__in=participation_ids).update(hours=Subquery(approved))


@transaction.atomic
def lines_approve(*, line_ids: list[int], by) -> list[ReportLine]:
    """Approve the lines among ``line_ids`` that wait for approval; the rest are left as they
    are. A fixed number of queries however many lines: the approval list's bulk action."""
    lines = list(
        ReportLine.objects.select_for_update(of=("self",))
        .filter(pk__in=line_ids, status=LineStatus.SUBMITTED)
        .select_related("participation__expert__user", "participation__assignment")
        .order_by("pk")
    )
    if not lines:
        return []
    now = timezone.now()
    ReportLine.objects.filter(pk__in=[line.pk for line in lines]).update(
        status=LineStatus.APPROVED, decided_by=by, decided_at=now, return_comment=""
    )
    with set_actor(by):
        record_changes(lines, {"status": [LineStatus.SUBMITTED, LineStatus.APPROVED]})
    for line in lines:
        line.status, line.decided_by, line.decided_at = LineStatus.APPROVED, by, now
    _sync_participation_hours([line.participation_id for line in lines])
    notices.lines_approved(lines=lines)
    return lines


def _locked_error(line: ReportLine) -> ValidationError:
    return ValidationError(
        _("This line was paid in %(run)s and is locked: correct it with a reversal instead.")
        % {"run": line.run}
    )


@transaction.atomic
def line_return(*, line: ReportLine, comment: str, by) -> ReportLine:
    """Send a line back to the expert with the coordinator's comment; they can correct it.

    An approved line can still come back while no exported run holds it (it leaves a draft
    run).
    """
    line = ReportLine.objects.select_for_update(of=("self",)).select_related("run").get(pk=line.pk)
    if line.sign < 0:
        raise ValidationError(_("A reversal cannot be returned."))
    if line.is_paid:
        raise _locked_error(line)
    if LineStatus.RETURNED not in LINE_TRANSITIONS[LineStatus(line.status)]:
        raise ValidationError(
            _("A line that is %(status)s cannot be returned.")
            % {"status": line.get_status_display()}
        )
    if not comment.strip():
        raise ValidationError({"comment": _("Tell the expert what to correct.")})
    line.status = LineStatus.RETURNED
    line.return_comment = comment.strip()
    line.decided_by, line.decided_at = by, timezone.now()
    line.run, line.payroll_class = None, ""
    line.version += 1
    with set_actor(by):
        line.save()
    notices.line_returned(line=line)
    return line


@transaction.atomic
def line_correct(*, line: ReportLine, comment: str, by) -> ReportLine:
    """Correct a paid line: a reversal takes it back in full and a new line, returned to the
    expert with ``comment``, takes its place. Both are paid in the next run; the paid line and
    its run stay exactly as exported. Returns the new line."""
    line = ReportLine.objects.select_for_update(of=("self",)).select_related("run").get(pk=line.pk)
    if line.sign < 0 or line.superseded:
        raise ValidationError(_("This line has already been reversed."))
    if not line.is_paid:
        raise ValidationError(
            _("Only a paid line needs a reversal: return this one to the expert instead.")
        )
    if not comment.strip():
        raise ValidationError({"comment": _("Tell the expert what to correct.")})
    now = timezone.now()
    with set_actor(by):
        reversal = _copy(line, sign=-1, status=LineStatus.APPROVED, reverses=line)
        reversal.payroll_class = line.payroll_class  # taken back as it was paid
        reversal.decided_by, reversal.decided_at = by, now
        reversal.save()
        line.superseded = True
        line.save(update_fields=["superseded", "updated_at"])
        replacement = _copy(line, sign=1, status=LineStatus.RETURNED, corrects=line)
        replacement.return_comment = comment.strip()
        replacement.decided_by, replacement.decided_at = by, now
        replacement.save()
    notices.line_returned(line=replacement)
    return replacement


# The fields a reversal and a correction take over from the paid line.
COPIED_FIELDS = (
    "participation_id",
    "agreement_id",
    "hours",
    "kilometres",
    "route",
    "other_costs",
    "other_costs_description",
    "receipt",
    "comment",
    "hourly_fee",
    "assignment_fee",
    "kilometre_rate",
    "reported_by_id",
    "reported_at",
)


def _copy(line: ReportLine, **fields) -> ReportLine:
    copy = ReportLine(**{name: getattr(line, name) for name in COPIED_FIELDS}, **fields)
    copy.full_clean(exclude=["receipt", "participation", "agreement"])
    return copy


# --- Payroll runs --------------------------------------------------------------------------


def payable_lines(month: datetime.date):
    """Approved lines in no run, of assignments up to the month's end: what a run of ``month``
    takes (late reports and reversals of earlier months included)."""
    return ReportLine.objects.filter(
        status=LineStatus.APPROVED,
        run__isnull=True,
        participation__assignment__date__lt=next_month(month),
    )


def _check_month(month: datetime.date, today: datetime.date) -> None:
    if month.day != 1:
        raise ValueError("a run's month is given by its first day")  # a programming error
    if month > today:
        raise ValidationError(_("A month that has not begun cannot be paid yet."))


@transaction.atomic
def run_create(*, month: datetime.date, by, today: datetime.date | None = None) -> PayrollRun:
    """A draft run of ``month`` with the approved lines not yet paid. Each line is classified
    as wage or compensation for work by its assignment type (a reversal keeps its line's)."""
    _check_month(month, today or timezone.localdate())
    if PayrollRun.objects.filter(month=month).exists():
        raise ValidationError(_("This month already has a payroll run."))
    if PayrollRun.objects.filter(status=RunStatus.DRAFT).exists():
        raise ValidationError(
            _("Another run is still a draft: export or discard it before starting a new one.")
        )
    lines = payable_lines(month)
    if not lines.exists():
        raise ValidationError(
            _("There are no approved, unpaid lines up to %(date)s.")
            % {
                "date": date_format(
                    next_month(month) - datetime.timedelta(days=1), "SHORT_DATE_FORMAT"
                )
            }
        )
    with set_actor(by):
        run = PayrollRun.objects.create(month=month, created_by=by)
    type_class = AssignmentType.objects.filter(
        assignments__participations=OuterRef("participation")
    ).values("payroll_class")[:1]
    lines.filter(payroll_class="").update(payroll_class=Subquery(type_class))
    lines.update(run=run)
    return run


@transaction.atomic
def run_discard(*, run: PayrollRun, by) -> None:
    """Throw a draft away: its lines wait for the next run, to be classified again then."""
    run = PayrollRun.objects.select_for_update().get(pk=run.pk)
    if run.is_locked:
        raise ValidationError(_("An exported run is locked and cannot be discarded."))
    run.lines.filter(reverses__isnull=True).update(payroll_class="")
    run.lines.update(run=None)
    with set_actor(by):
        run.delete()


@transaction.atomic
def run_export(*, run: PayrollRun, by) -> PayrollRun:
    """Lock the run: its files can be downloaded again and again, always the same; its lines
    are paid and never change."""
    run = PayrollRun.objects.select_for_update().get(pk=run.pk)
    if run.is_locked:
        raise ValidationError(_("This run has already been exported."))
    run.status = RunStatus.EXPORTED
    run.exported_by, run.exported_at = by, timezone.now()
    run.sums = selectors.class_sums(run.lines.all())
    with set_actor(by):
        run.save()
    return run


# --- Earnings limits -----------------------------------------------------------------------


@transaction.atomic
def earnings_limit_save(
    *,
    expert: Expert,
    monthly_limit: Decimal | None,
    yearly_limit: Decimal | None,
    basis: str,
    basis_note: str = "",
    consent_given_on: datetime.date,
    by,
) -> EarningsLimit:
    """Record or change the expert's limit; the consent date says they agreed to it."""
    if expert.anonymised_at is not None:
        raise ValidationError(_("This expert has been anonymised and can no longer be edited."))
    limit = EarningsLimit.objects.filter(expert=expert).first() or EarningsLimit(expert=expert)
    limit.monthly_limit, limit.yearly_limit = monthly_limit, yearly_limit
    limit.basis, limit.basis_note = basis, basis_note.strip()
    limit.consent_given_on, limit.recorded_by = consent_given_on, by
    limit.full_clean()
    with set_actor(by):
        limit.save()
    return limit


@transaction.atomic
def earnings_limit_delete(*, expert: Expert, by) -> bool:
    """Remove the limit (the expert withdrew their consent, or it no longer applies)."""
    with set_actor(by):
        deleted, _counts = EarningsLimit.objects.filter(expert=expert).delete()
    return bool(deleted)
