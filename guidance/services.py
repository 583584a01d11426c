"""Every write about kokemusohjaus periods: one function per step of the work.

Each step claims the period's version (kokemus.concurrency), so a form opened before another
save is refused rather than merged. A meeting is written with its assignment through
agreements.services.assignment_save: the guide needs an agreement that covers the day, hours
follow the usual rules, and the hours and fees count as for any assignment.
"""

import datetime

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.models import Assignment, AssignmentStatus
from agreements.services import assignment_save
from guidance.models import MAX_GOALS, Goal, Meeting, Period, PeriodStatus
from kokemus.concurrency import claim_version
from registry.models import AssignmentType

GUIDANCE_TYPE = "experience_guidance"
# The assignment's title names the work only: never the client's code nor anything about them.
MEETING_TITLE = gettext_lazy("Experience guidance meeting")
MEETING_FIELDS = ("date", "start_time", "hours")  # the assignment's fields a meeting has too


@transaction.atomic
def period_save(*, period: Period, by=None, expected_version: int | None = None) -> Period:
    """Create or correct a referral (the guide, client code, who referred, service area)."""
    if period.pk is None:
        period.created_by = by
    period.full_clean()
    claim_version(period, expected_version)
    period.save()
    return period


@transaction.atomic
def period_start(
    *,
    period: Period,
    meeting: Meeting,
    goals: list[str],
    by=None,
    expected_version: int | None = None,
) -> Period:
    """The start meeting of client, professional and guide: the period starts on its day with
    one to five goals."""
    if period.status != PeriodStatus.REFERRED:
        raise ValidationError(_("This period has already started."))
    goals = [text.strip() for text in goals if text.strip()]
    if not 1 <= len(goals) <= MAX_GOALS:
        raise ValidationError({"goals": _("Write one to %(max)s goals.") % {"max": MAX_GOALS}})
    claim_version(period, expected_version)
    period.started_on = meeting.date
    period.status = PeriodStatus.ONGOING
    period.full_clean()
    period.save()
    meeting.period, meeting.is_start = period, True
    _save_meeting(meeting, by)
    Goal.objects.bulk_create(
        Goal(period=period, position=position, text=text)
        for position, text in enumerate(goals, start=1)
    )
    return period


@transaction.atomic
def meeting_save(
    *, period: Period, meeting: Meeting, by=None, expected_version: int | None = None
) -> Meeting:
    """Record a meeting of an ongoing period (or correct one): it is the guide's assignment."""
    if period.status != PeriodStatus.ONGOING:
        raise ValidationError(_("Meetings are recorded while the period is ongoing."))
    if meeting.is_start:
        others = period.meetings.exclude(pk=meeting.pk)
        if others.filter(date__lt=meeting.date).exists():
            raise ValidationError({"date": _("The start meeting cannot be after another meeting.")})
        period.started_on = meeting.date  # the start meeting sets the start
    elif meeting.date < period.started_on:
        raise ValidationError({"date": _("A meeting cannot be before the start meeting.")})
    claim_version(period, expected_version)
    period.full_clean()
    period.save()
    meeting.period = period
    _save_meeting(meeting, by)
    return meeting


@transaction.atomic
def period_end(
    *,
    period: Period,
    ended_on: datetime.date,
    outcomes: dict[int, str],
    closing_note: str,
    expected_version: int | None = None,
) -> Period:
    """The end: an outcome for each goal (by the goal's id) and a closing note."""
    if period.status != PeriodStatus.ONGOING:
        raise ValidationError(_("Only an ongoing period can be ended."))
    last_meeting = period.meetings.order_by("-date").values_list("date", flat=True).first()
    if last_meeting and ended_on < last_meeting:
        raise ValidationError({"ended_on": _("The period cannot end before its last meeting.")})
    goals = list(period.goals.all())
    if any(not outcomes.get(goal.pk) for goal in goals):
        raise ValidationError(_("Give every goal its outcome."))
    claim_version(period, expected_version)
    period.ended_on, period.closing_note = ended_on, closing_note
    period.status = PeriodStatus.ENDED
    period.full_clean()
    period.save()
    for goal in goals:
        goal.outcome = outcomes[goal.pk]
    Goal.objects.bulk_update(goals, ["outcome"])
    return period


def _save_meeting(meeting: Meeting, by) -> None:
    """The meeting with its assignment: the guide's under their covering agreement, in the
    period's service area, done once its day has come."""
    assignment = meeting.assignment if meeting.assignment_id else Assignment(type=_guidance_type())
    with translation.override(settings.LANGUAGE_CODE):
        assignment.title = str(MEETING_TITLE)
        assignment.location = meeting.get_place_display()
    assignment.service_area = meeting.period.service_area
    assignment.date, assignment.end_date = meeting.date, None
    assignment.start_time, assignment.hours = meeting.start_time, meeting.hours
    if assignment.status != AssignmentStatus.CANCELLED:
        future = meeting.date > timezone.localdate()
        assignment.status = AssignmentStatus.PLANNED if future else AssignmentStatus.DONE
    try:
        assignment_save(assignment=assignment, experts=[meeting.period.guide], by=by)
    except ValidationError as error:
        raise _as_meeting_error(error) from error
    meeting.assignment = assignment
    meeting.full_clean(exclude=["assignment", "period"])
    meeting.save()


def _guidance_type() -> AssignmentType:
    try:
        return AssignmentType.objects.get(code=GUIDANCE_TYPE)
    except AssignmentType.DoesNotExist:
        raise ValidationError(
            _("The assignment type %(code)s is missing: ask the administrator to add it.")
            % {"code": GUIDANCE_TYPE}
        ) from None


def _as_meeting_error(error: ValidationError) -> ValidationError:
    """The assignment's refusals said at the meeting's fields: hours at its duration, the
    guide's missing agreement above the form."""
    if not hasattr(error, "error_dict"):
        return error
    placed = {}
    for name, errors in error.error_dict.items():
        field = name if name in MEETING_FIELDS else NON_FIELD_ERRORS
        placed.setdefault(field, []).extend(m for item in errors for m in item.messages)
    return ValidationError(placed)
