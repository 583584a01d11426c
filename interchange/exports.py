"""The export: the same files the import reads (SPEC "Interchange format").

UTF-8 with a BOM and semicolons, as Finnish Excel opens them; dates as YYYY-MM-DD and
decimals with a point, so that any program reads them the same way. Rows come in creation
order, so that an export of an imported database repeats the imported files. Text that Excel
would run as a formula gets a leading apostrophe, which the import takes away again
(kokemus.spreadsheets).
"""

import csv
import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db.models import Count
from django.utils import timezone

from agreements.models import Agreement, Assignment, Participation
from feedback.models import ProfessionalFeedback, Reflection
from guidance.models import Goal, Meeting, Period
from interchange import formats
from interchange.formats import ID_SEPARATOR, FileSpec
from interchange.keys import export_key
from kokemus.spreadsheets import as_text
from pairs.models import PlanStep, WorkPair
from registry.models import AssignmentType, Expert, Professional, ServiceArea
from supervision.models import Attendance, GroupMembership, SupervisionGroup, SupervisionSession

DELIMITER = ";"
CHUNK = 2000


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return as_text(value)  # typed by a person: "=HYPERLINK(…)" stays text
    if isinstance(value, datetime.time):
        return value.isoformat(timespec="minutes" if not value.second else "seconds")
    return str(value)  # dates are ISO, decimals keep their places


def _service_area_rows() -> Iterator[list]:
    areas = ServiceArea.objects.select_related("parent").order_by("pk")
    # divisions first, so the file reads top-down (the import takes any order)
    for area in sorted(areas, key=lambda a: a.parent_id is not None):
        parent = area.parent.code if area.parent else ""
        yield [area.code, area.name, parent, *_translations(area)]


def _translations(item) -> list[str]:
    return [item.name_sv, item.name_en]


def _assignment_type_rows() -> Iterator[list]:
    for assignment_type in AssignmentType.objects.order_by("pk"):
        yield [
            assignment_type.code,
            assignment_type.name,
            *_translations(assignment_type),
            assignment_type.sort_order,
            assignment_type.records_reach,
        ]


def _expert_rows() -> Iterator[list]:
    for expert in Expert.objects.order_by("pk").iterator(chunk_size=CHUNK):
        yield [
            export_key(expert),
            expert.first_name,
            expert.last_name,
            expert.email,
            expert.phone,
            expert.municipality,
            expert.kind,
            expert.trained,
            expert.training_completed_on,
        ]


def _agreement_rows() -> Iterator[list]:
    agreements = Agreement.objects.select_related("expert", "division").order_by("pk")
    for agreement in agreements.iterator(chunk_size=CHUNK):
        yield [
            agreement.number,
            export_key(agreement.expert),
            agreement.division.code,
            agreement.signed_on,
            agreement.valid_from,
            agreement.valid_until,
            agreement.hourly_fee,
            agreement.status,
        ]


def _assignment_rows() -> Iterator[list]:
    assignments = Assignment.objects.select_related("type", "service_area").order_by("pk")
    batch = []
    for assignment in assignments.iterator(chunk_size=CHUNK):
        batch.append(assignment)
        if len(batch) == CHUNK:
            yield from _assignment_batch(batch)
            batch = []
    yield from _assignment_batch(batch)


def _assignment_batch(assignments: list[Assignment]) -> Iterator[list]:
    experts = defaultdict(list)  # assignment pk -> [(export key, own hours)]
    participations = Participation.objects.filter(assignment__in=assignments).select_related(
        "expert"
    )
    for participation in participations:
        experts[participation.assignment_id].append(
            (export_key(participation.expert), participation.hours)
        )
    for assignment in assignments:
        listed = sorted(experts[assignment.pk], key=lambda pair: pair[0])
        yield [
            export_key(assignment),
            assignment.type.code,
            assignment.service_area.code,
            assignment.date,
            assignment.hours,
            assignment.status,
            ID_SEPARATOR.join(key for key, _hours in listed),
            assignment.title,
            _own_hours(listed),
            assignment.people_reached,
            assignment.reached_group,
        ]


def _own_hours(listed: list[tuple[str, object]]) -> str:
    """Parallel to the expert ids, empty where the assignment's hours apply; an empty cell
    when no one has own hours, as most rows."""
    if all(hours is None for _key, hours in listed):
        return ""
    return ID_SEPARATOR.join(_cell(hours) for _key, hours in listed)


def _professional_rows() -> Iterator[list]:
    professionals = Professional.objects.select_related("service_area").order_by("pk")
    for person in professionals.iterator(chunk_size=CHUNK):
        area = person.service_area.code if person.service_area else ""
        yield [
            export_key(person),
            person.first_name,
            person.last_name,
            person.title,
            person.email,
            person.phone,
            area,
            person.peer_work_experience,
        ]


def _supervisor_key(group: SupervisionGroup) -> str:
    return export_key(group.supervisor) if group.supervisor_id else ""


def _group_rows() -> Iterator[list]:
    for group in SupervisionGroup.objects.select_related("division", "supervisor").order_by("pk"):
        yield [
            export_key(group),
            group.name,
            group.kind,
            group.division.code if group.division else "",
            _supervisor_key(group),
            group.started_on,
            group.is_active,
            group.target_interval_weeks,
        ]


def _member_keys(membership: GroupMembership) -> list[str]:
    """expert_external_id and professional_external_id: one of them."""
    if membership.expert is not None:
        return [export_key(membership.expert), ""]
    return ["", export_key(membership.professional)]


def _member_rows() -> Iterator[list]:
    memberships = GroupMembership.objects.select_related("group", "expert", "professional")
    for membership in memberships.order_by("pk").iterator(chunk_size=CHUNK):
        yield [
            export_key(membership.group),
            *_member_keys(membership),
            membership.joined_on,
            membership.left_on,
            membership.seniority,
            membership.target_interval_weeks,
        ]


def _session_rows() -> Iterator[list]:
    sessions = SupervisionSession.objects.select_related("group").prefetch_related("topics")
    for session in sessions.order_by("pk"):
        yield [
            export_key(session),
            export_key(session.group),
            session.date,
            session.start_time,
            session.duration_minutes,
            session.facilitator,
            session.location,
            ID_SEPARATOR.join(sorted(topic.code for topic in session.topics.all())),
        ]


def _attendance_rows() -> Iterator[list]:
    attendances = Attendance.objects.select_related(
        "session", "membership__expert", "membership__professional"
    )
    for attendance in attendances.order_by("pk").iterator(chunk_size=CHUNK):
        yield [
            export_key(attendance.session),
            *_member_keys(attendance.membership),
            attendance.present,
        ]


# --- kokemusohjaus periods and work pairs (issue 20): interchange.guidance_files -------------


def _key_or_empty(instance) -> str:
    return export_key(instance) if instance is not None else ""


def _period_rows() -> Iterator[list]:
    periods = Period.objects.select_related("guide", "referred_by", "service_area")
    for period in periods.order_by("pk").iterator(chunk_size=CHUNK):
        yield [
            export_key(period),
            export_key(period.guide),
            period.client_code,
            _key_or_empty(period.referred_by),
            period.referred_on,
            period.service_area.code,
            period.started_on,
            period.ended_on,
            period.status,
            period.closing_note,
        ]


def _goal_rows() -> Iterator[list]:
    goals = Goal.objects.select_related("period").order_by("period_id", "position", "pk")
    for goal in goals.iterator(chunk_size=CHUNK):
        yield [export_key(goal.period), goal.position, goal.text, goal.outcome]


def _meeting_rows() -> Iterator[list]:
    meetings = Meeting.objects.select_related("period", "assignment").order_by("pk")
    for meeting in meetings.iterator(chunk_size=CHUNK):
        yield [
            export_key(meeting.period),
            export_key(meeting.assignment),
            meeting.place,
            meeting.is_start,
            meeting.start_time,
        ]


def _pair_rows() -> Iterator[list]:
    pairs = WorkPair.objects.select_related(
        "expert", "professional", "mentor_expert", "mentor_professional", "supervision_group"
    )
    for pair in pairs.order_by("pk").iterator(chunk_size=CHUNK):
        yield [
            export_key(pair),
            export_key(pair.expert),
            export_key(pair.professional),
            pair.started_on,
            pair.ended_on,
            _key_or_empty(pair.mentor_expert),
            _key_or_empty(pair.mentor_professional),
            _key_or_empty(pair.supervision_group),
            pair.notes,
        ]


def _step_rows() -> Iterator[list]:
    """A plan edited by hand may repeat a position: its steps are written by their rank in
    the plan's order, so that each row has its own key (the import finds them the same way)."""
    repeating = set(
        PlanStep.objects.values("pair_id", "position")
        .annotate(steps=Count("pk"))
        .filter(steps__gt=1)
        .values_list("pair_id", flat=True)
    )
    steps = PlanStep.objects.select_related("pair").order_by("pair_id", "position", "pk")
    pair_id, rank = None, 0
    for step in steps.iterator(chunk_size=CHUNK):
        rank = rank + 1 if step.pair_id == pair_id else 1
        pair_id = step.pair_id
        yield [
            export_key(step.pair),
            rank if pair_id in repeating else step.position,
            step.kind,
            step.title,
            step.due_on,
            step.done_on,
            step.done_by,
        ]


GUIDANCE_ROWS = {
    formats.GUIDANCE_PERIODS: _period_rows,
    formats.GUIDANCE_GOALS: _goal_rows,
    formats.GUIDANCE_MEETINGS: _meeting_rows,
    formats.WORK_PAIRS: _pair_rows,
    formats.WORK_PAIR_STEPS: _step_rows,
}
# --- end kokemusohjaus and work pairs ---


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    """A moment as the files write it: its day in Helsinki."""
    return timezone.localdate(moment) if moment is not None else None


def _reflection_rows() -> Iterator[list]:
    reflections = Reflection.objects.select_related(
        "participation__assignment", "participation__expert"
    )
    for reflection in reflections.order_by("pk").iterator(chunk_size=CHUNK):
        participation = reflection.participation
        yield [
            export_key(participation.assignment),
            export_key(participation.expert),
            reflection.load,
            reflection.wants_talk,
            reflection.how_it_went,
            _day(reflection.created_at),
            _day(reflection.handled_at),
        ]


def _professional_feedback_rows() -> Iterator[list]:
    answers = ProfessionalFeedback.objects.select_related("assignment", "link__professional")
    for answer in answers.order_by("pk").iterator(chunk_size=CHUNK):
        yield [
            export_key(answer.assignment),
            export_key(answer.link.professional),
            answer.rating,
            answer.comment,
            _day(answer.given_at),
        ]


ROWS = {
    formats.SERVICE_AREAS: _service_area_rows,
    formats.ASSIGNMENT_TYPES: _assignment_type_rows,
    formats.EXPERTS: _expert_rows,
    formats.AGREEMENTS: _agreement_rows,
    formats.ASSIGNMENTS: _assignment_rows,
    formats.PROFESSIONALS: _professional_rows,
    formats.SUPERVISION_GROUPS: _group_rows,
    formats.SUPERVISION_MEMBERS: _member_rows,
    formats.SUPERVISION_SESSIONS: _session_rows,
    formats.SUPERVISION_ATTENDANCE: _attendance_rows,
    **GUIDANCE_ROWS,
    formats.FEEDBACK_REFLECTIONS: _reflection_rows,
    formats.FEEDBACK_PROFESSIONALS: _professional_feedback_rows,
}


def write_csv(path: Path, spec: FileSpec, rows: Iterable[list]) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, delimiter=DELIMITER)
        writer.writerow(spec.column_names)
        for row in rows:
            writer.writerow([_cell(value) for value in row])
            count += 1
    return count


def export_data(directory: Path) -> dict[str, int]:
    """Write the files into ``directory``; return the rows written per file."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return {
        spec.name: write_csv(directory / spec.name, spec, rows()) for spec, rows in ROWS.items()
    }
