"""Kokemusohjaus periods and work pairs in the interchange: plan and write steps of the import.

They follow the supervision steps (interchange.supervision_files) and work the same way: every
lookup is loaded once in chunks, every write is a bulk statement, errors name the file, line
and column, and the journal keeps what an undo needs. Periods and pairs move their version on
when they, their goals, meetings or plan steps change, as the forms claim them; goals,
meetings and steps keep in the journal the values the import left.

A meeting is an assignment of type experience_guidance with the period's guide on it:
assignments.csv (or Kokemus) has its date, hours and status, and the meeting takes its date
and hours from it, as the meeting form writes them together.
"""

from collections import defaultdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Assignment, Participation
from guidance.models import MAX_GOALS, Goal, Meeting, Outcome, Period, PeriodStatus, Place
from guidance.services import GUIDANCE_TYPE
from interchange import formats, keys
from interchange.importer import (
    WRITE_BATCH,
    Change,
    Importer,
    _constraint_message,
    _load_by_keys,
    _shown,
    chunks,
    in_lookup,
)
from interchange.supervision_files import _bulk_update, _identity, record_key
from pairs.forms import MAX_STEPS
from pairs.models import DoneBy, PlanStep, StepKind, WorkPair
from registry.models import Expert, Professional
from supervision.models import GroupKind, SupervisionGroup

PERIODS = formats.GUIDANCE_PERIODS
GOALS = formats.GUIDANCE_GOALS
MEETINGS = formats.GUIDANCE_MEETINGS
PAIRS = formats.WORK_PAIRS
STEPS = formats.WORK_PAIR_STEPS

CHOICES = {
    (PERIODS.name, "status"): PeriodStatus,
    (GOALS.name, "outcome"): Outcome,
    (MEETINGS.name, "place"): Place,
    (STEPS.name, "kind"): StepKind,
    (STEPS.name, "done_by"): DoneBy,
}
# Columns that are keys or references, set by the steps rather than copied.
REFERENCES = {
    PERIODS.name: {
        "external_id",
        "guide_external_id",
        "referred_by_external_id",
        "service_area_code",
    },
    GOALS.name: {"period_external_id", "position"},
    MEETINGS.name: {"period_external_id", "assignment_external_id"},
    PAIRS.name: {
        "external_id",
        "expert_external_id",
        "professional_external_id",
        "mentor_expert_external_id",
        "mentor_professional_external_id",
        "supervision_group_external_id",
    },
    STEPS.name: {"pair_external_id", "position"},
}
# The references of each file: column -> (the model's field, the model it names)
PERIOD_REFERENCES = {
    "guide_external_id": "guide",
    "referred_by_external_id": "referred_by",
    "service_area_code": "service_area",
}
PAIR_REFERENCES = {
    "expert_external_id": "expert",
    "professional_external_id": "professional",
    "mentor_expert_external_id": "mentor_expert",
    "mentor_professional_external_id": "mentor_professional",
    "supervision_group_external_id": "supervision_group",
}
GOAL_FIELDS = ["text", "outcome"]
MEETING_FIELDS = ["date", "hours", "place", "is_start", "start_time"]
STEP_FIELDS = ["position", "kind", "title", "due_on", "done_on", "done_by"]
MAX_POSITION = 32767  # a PositiveSmallIntegerField's most, everywhere


class _StoredAssignment:
    """What a meeting needs of an assignment that the files do not change."""

    __slots__ = ("pk", "type_code", "date", "hours")

    def __init__(self, pk, type_code, date, hours):
        self.pk, self.type_code, self.date, self.hours = pk, type_code, date, hours


def _assignment_key(row) -> str:
    """The key assignments.csv gives the row: only the fallback key finds a stored row
    without an external id."""
    return row.external_id or keys.fallback_key(Assignment._meta.label_lower, row.pk)


class GuidanceSteps:
    """The plan and the writes of the period and work pair files."""

    def __init__(self, importer: Importer):
        self.importer = importer
        self.periods: dict[str, Period] = {}
        self.pairs: dict[str, WorkPair] = {}
        self.touched_periods: dict[int, Period] = {}  # goals or meetings changed
        self.touched_pairs: dict[int, WorkPair] = {}  # plan steps changed
        self.new_meetings: list[tuple[Meeting, Any]] = []  # (meeting, its assignment row)
        self.keys_by_pk: dict[str, dict[int, str]] = {}  # model label -> pk -> key, loaded

    # shared pieces -------------------------------------------------------------------------

    def _records(self, spec) -> list:
        return self.importer.records.get(spec.name, [])

    def _keys(self, spec, column: str) -> set[str]:
        return {r.values[column] for r in self._records(spec) if r.values.get(column)}

    def _given(self, spec) -> set[str]:
        return self.importer.columns.get(spec.name, set())

    def _set_columns(self, spec, record, obj) -> tuple[dict[str, Any], list[Change]]:
        """Set the plain columns the file has; the old values by field and the changes."""
        given = self._given(spec) - REFERENCES[spec.name]
        old, changes = {}, []
        for column in spec.column_names:
            if column not in given:
                continue
            value, current = record.values[column], getattr(obj, column)
            if current != value:
                old[column] = current
                setattr(obj, column, value)
                choices = CHOICES.get((spec.name, column))
                if obj.pk is not None:
                    changes.append(Change(column, _shown(current, choices), _shown(value, choices)))
        return old, changes

    def _point(self, obj, name, target, column, old, changes, shown_old) -> None:
        """Point ``obj.name`` at ``target`` (a row or None), noting the change of a stored row."""
        current = getattr(obj, f"{name}_id")
        if current == (target.pk if target is not None else None) and (
            target is None or target.pk is not None
        ):
            return
        setattr(obj, name, target)
        if obj.pk is not None:
            old[f"{name}_id"] = current
            changes.append(Change(column, shown_old, record_key(target)))

    def _finish(self, spec, model, record, obj, old: dict, changes: list) -> None:
        self.importer._keep_before(model, obj.pk, old)
        self.importer._classify(spec, obj, changes, record)

    def _known(self, spec, record, column, found: dict, source, message):
        """The row a reference column names, None for an empty cell, False when unknown
        (reported, unless the named row is in its file but broken)."""
        key = record.values[column]
        if not key:
            return None
        target = found.get(key)
        if target is None:
            self.importer._unknown(spec, record, column, message % {"id": key}, key, source)
            return False
        return target

    def _was(self, pk, loaded: dict, label: str) -> str:
        """A stored reference as the export names it, without a query per row."""
        if pk is None:
            return ""
        if label not in self.keys_by_pk:
            self.keys_by_pk[label] = {o.pk: key for key, o in loaded.items() if o.pk is not None}
        return self.keys_by_pk[label].get(pk) or keys.fallback_key(label, pk)

    # planning ------------------------------------------------------------------------------

    def plan(self) -> None:
        self._load_people()
        self.plan_periods()
        self.plan_goals()
        self.plan_meetings()
        self.plan_pairs()
        self.plan_steps()

    def _load_people(self) -> None:
        """The experts, professionals and groups these files name that the earlier steps
        have not loaded, into the same maps."""
        importer, supervision = self.importer, self.importer.supervision
        experts = self._keys(PERIODS, "guide_external_id") | self._keys(PAIRS, "expert_external_id")
        experts |= self._keys(PAIRS, "mentor_expert_external_id")
        missing = experts - set(importer.experts)
        if missing:
            importer.experts.update(_load_by_keys(Expert, "external_id", missing))
        professionals = self._keys(PERIODS, "referred_by_external_id")
        professionals |= self._keys(PAIRS, "professional_external_id")
        professionals |= self._keys(PAIRS, "mentor_professional_external_id")
        missing = professionals - set(supervision.professionals)
        if missing:
            supervision.professionals.update(_load_by_keys(Professional, "external_id", missing))
        groups = self._keys(PAIRS, "supervision_group_external_id") - set(supervision.groups)
        if groups:
            supervision.groups.update(_load_by_keys(SupervisionGroup, "external_id", groups))

    def plan_periods(self) -> None:
        wanted = self._keys(PERIODS, "external_id") | self._keys(GOALS, "period_external_id")
        wanted |= self._keys(MEETINGS, "period_external_id")
        self.periods = _load_by_keys(Period, "external_id", wanted)
        given = self._given(PERIODS)
        for record in self._records(PERIODS):
            key = record.values["external_id"]
            obj = self.periods.get(key) or Period(external_id=key, created_by=self.importer.by)
            self.periods[key] = obj
            old, changes = self._set_columns(PERIODS, record, obj)
            for column, name in PERIOD_REFERENCES.items():
                if column in given:
                    self._point_period(record, obj, column, name, old, changes)
            self._check_period(record, obj)
            self._finish(PERIODS, Period, record, obj, old, changes)

    def _point_period(self, record, obj: Period, column, name, old, changes) -> None:
        importer = self.importer
        if column == "service_area_code":
            found, source, label = importer.areas, formats.SERVICE_AREAS, None
            message = _("Unknown service area %(code)s.").replace("%(code)s", "%(id)s")
        elif column == "guide_external_id":
            found, source, label = importer.experts, formats.EXPERTS, "registry.expert"
            message = _("Unknown expert %(id)s.")
        else:
            found, source = importer.supervision.professionals, formats.PROFESSIONALS
            label, message = "registry.professional", _("Unknown professional %(id)s.")
        target = self._known(PERIODS, record, column, found, source, message)
        if target is False:
            return
        current = getattr(obj, f"{name}_id")
        if label is None:
            was = next((c for c, a in found.items() if a.pk == current and a.pk), "")
        else:
            was = self._was(current, found, label) if obj.pk is not None else ""
        self._point(obj, name, target, column, old, changes, was)

    def _check_period(self, record, obj: Period) -> None:
        """The model's date rules, and a status that agrees with the dates."""
        error = self.importer._error
        if obj.started_on and obj.referred_on and obj.started_on < obj.referred_on:
            message = _constraint_message(Period, "period_started_not_before_referral")
            error(PERIODS, record, "started_on", message)
        if obj.ended_on and (obj.started_on is None or obj.ended_on < obj.started_on):
            message = _constraint_message(Period, "period_ended_not_before_start")
            error(PERIODS, record, "ended_on", message)
        status = obj.status
        if status != PeriodStatus.REFERRED and obj.started_on is None:
            error(PERIODS, record, "started_on", _("An ongoing or ended period has a start date."))
        if status == PeriodStatus.REFERRED and obj.started_on is not None:
            message = _("A period with a start date is ongoing or ended, not referred.")
            error(PERIODS, record, "status", message)
        if status == PeriodStatus.ENDED and obj.ended_on is None:
            error(PERIODS, record, "ended_on", _("An ended period has an end date."))
        if status != PeriodStatus.ENDED and obj.ended_on is not None:
            error(PERIODS, record, "status", _("A period with an end date is ended."))

    def _period(self, spec, record) -> Period | None:
        found = self._known(
            spec,
            record,
            "period_external_id",
            self.periods,
            PERIODS,
            _("Unknown kokemusohjaus period %(id)s."),
        )
        return found or None

    def _touch_period(self, period: Period, obj, old: dict) -> None:
        """A stored period whose goals or meetings change: its version moves on."""
        if period.pk is not None and (obj.pk is None or old):
            self.touched_periods[period.pk] = period

    def plan_goals(self) -> None:
        records = self._records(GOALS)
        if not records:
            return
        stored = [p.pk for p in self.periods.values() if p.pk is not None]
        goals = {}
        for chunk in chunks(stored):
            for goal in Goal.objects.filter(**in_lookup("period_id", chunk)):
                goals[(("pk", goal.period_id), goal.position)] = goal
        for record in records:
            period = self._period(GOALS, record)
            position = record.values["position"]
            if not 1 <= position <= MAX_GOALS:
                message = _("A period has one to %(max)s goals: give a position from 1 to %(max)s.")
                self.importer._error(GOALS, record, "position", message % {"max": MAX_GOALS})
                continue
            if period is None:
                continue
            obj = goals.get((_identity(period), position))
            if obj is None:
                obj = Goal(period=period, position=position)
            old, changes = self._set_columns(GOALS, record, obj)
            self._touch_period(period, obj, old)
            self._finish(GOALS, Goal, record, obj, old, changes)

    def plan_meetings(self) -> None:
        records = self._records(MEETINGS)
        if not records:
            return
        assignments = self._meeting_assignments()
        on_assignment = self._experts_on(assignments.values())
        meetings = self._load_meetings(assignments.values())
        starts = defaultdict(list)  # period identity -> the assignment keys of its start meetings
        for meeting in meetings.values():
            if meeting.is_start:
                starts[("pk", meeting.period_id)].append(meeting.assignment_id)
        moved = []
        for record in records:
            period = self._period(MEETINGS, record)
            key = record.values["assignment_external_id"]
            assignment = self._known(
                MEETINGS,
                record,
                "assignment_external_id",
                assignments,
                formats.ASSIGNMENTS,
                _("Unknown assignment %(id)s."),
            )
            if period is None or not assignment:
                continue
            if not self._is_guides_meeting(record, assignment, period, on_assignment):
                continue
            obj = meetings.get(assignment.pk) if assignment.pk is not None else None
            if obj is None:
                obj = Meeting(period=period)
                self.new_meetings.append((obj, assignment))
            elif obj.period_id != period.pk:
                moved.append((record, obj.period_id))
                continue
            old, changes = self._set_columns(MEETINGS, record, obj)
            self._take_assignments_day(obj, assignment, old, changes)
            self._check_meeting(record, obj, period, key, starts)
            self._touch_period(period, obj, old)
            self._finish(MEETINGS, Meeting, record, obj, old, changes)
        self._report_moved_meetings(moved)

    def _take_assignments_day(self, obj: Meeting, assignment, old, changes) -> None:
        """The meeting's date and hours are its assignment's (see the docstring): a stored
        meeting that differs is written, and the preview says so."""
        for name in ("date", "hours"):
            current, value = getattr(obj, name), getattr(assignment, name)
            if current != value:
                old[name] = current
                setattr(obj, name, value)
                if obj.pk is not None:
                    changes.append(Change(name, _shown(current), _shown(value)))

    def _meeting_assignments(self) -> dict[str, Any]:
        """The assignments the meetings name: the file's rows as planned, the others stored."""
        planned = self.importer._file(formats.ASSIGNMENTS)
        # by the file's key: a row entered in Kokemus has no external id, the export's key
        found = {_assignment_key(row): row for row in [*planned.create, *planned.update]}
        missing = self._keys(MEETINGS, "assignment_external_id") - set(found)

        def select(queryset):
            rows = queryset.values_list("external_id", "pk", "type__code", "date", "hours")
            for key, pk, type_code, day, hours in rows:
                yield key, pk, _StoredAssignment(pk, type_code, day, hours)

        stored = _load_by_keys(Assignment, "external_id", missing, select=select)
        return {**stored, **found}

    def _experts_on(self, assignments) -> dict[int, set]:
        """id(assignment) -> the experts on it after the import, as pks or, for experts new
        in this import, as id(expert)."""
        wanted = {
            id(row): {e.pk if e.pk is not None else id(e) for e, _a, _h in experts}
            for row, experts in self.importer.wanted_participations
        }
        by_pk = {a.pk: a for a in assignments if a.pk is not None and id(a) not in wanted}
        experts = {id(a): set() for a in by_pk.values()}
        for chunk in chunks(list(by_pk)):
            rows = Participation.objects.filter(**in_lookup("assignment_id", chunk))
            for assignment_id, expert_id in rows.values_list("assignment_id", "expert_id"):
                experts[id(by_pk[assignment_id])].add(expert_id)
        return {**experts, **wanted}

    def _is_guides_meeting(self, record, assignment, period: Period, on_assignment) -> bool:
        type_code = getattr(assignment, "type_code", None) or assignment.type.code
        if type_code != GUIDANCE_TYPE:
            message = _("A meeting is an assignment of type %(code)s; this one is %(type)s.")
            message %= {"code": GUIDANCE_TYPE, "type": type_code}
            self.importer._error(MEETINGS, record, "assignment_external_id", message)
            return False
        if period.guide_id is not None:
            guide_id = period.guide_id
        elif Period.guide.is_cached(period):  # an expert new in this import
            guide_id = id(period.guide)
        else:
            return False  # the period's row is reported
        if guide_id not in on_assignment.get(id(assignment), set()):
            message = _("The period's guide is not on this assignment.")
            self.importer._error(MEETINGS, record, "assignment_external_id", message)
            return False
        return True

    def _load_meetings(self, assignments) -> dict[int, Meeting]:
        """The stored meetings of the named assignments and of the periods in play, by the
        assignment's pk."""
        meetings = {}
        pks = [a.pk for a in assignments if a.pk is not None]
        periods = [p.pk for p in self.periods.values() if p.pk is not None]
        for field, values in (("assignment_id", pks), ("period_id", periods)):
            for chunk in chunks(values):
                for meeting in Meeting.objects.filter(**in_lookup(field, chunk)):
                    meetings[meeting.assignment_id] = meeting
        return meetings

    def _check_meeting(self, record, obj: Meeting, period: Period, key, starts) -> None:
        """As the meeting form: within the period, one start meeting on the start day."""
        error = self.importer._error
        identity = _identity(period)
        if obj.pk is not None and obj.assignment_id in starts[identity] and not obj.is_start:
            starts[identity].remove(obj.assignment_id)
        if obj.is_start:
            mark = obj.assignment_id if obj.pk is not None else key
            if mark not in starts[identity]:
                starts[identity].append(mark)
            if len(starts[identity]) > 1:
                error(MEETINGS, record, "is_start", _("The period has another start meeting."))
            elif period.started_on and obj.date != period.started_on:
                message = _("The start meeting is on the period's start day, %(date)s.")
                error(MEETINGS, record, "is_start", message % {"date": _shown(period.started_on)})
        if period.started_on is None or obj.date < period.started_on:
            message = _("A meeting cannot be before the start meeting.")
            error(MEETINGS, record, "assignment_external_id", message)
        elif period.ended_on and obj.date > period.ended_on:
            message = _("The period cannot end before its last meeting.")
            error(MEETINGS, record, "assignment_external_id", message)

    def _report_moved_meetings(self, moved: list) -> None:
        if not moved:
            return
        pks = {pk for _record, pk in moved}
        found = dict(Period.objects.filter(pk__in=pks).values_list("pk", "external_id"))
        for record, pk in moved:
            key = found.get(pk) or keys.fallback_key(Period._meta.label_lower, pk)
            message = _("A meeting cannot move to another period: it belongs to %(id)s.")
            self.importer._error(MEETINGS, record, "period_external_id", message % {"id": key})

    def plan_pairs(self) -> None:
        wanted = self._keys(PAIRS, "external_id") | self._keys(STEPS, "pair_external_id")
        self.pairs = _load_by_keys(WorkPair, "external_id", wanted)
        given = self._given(PAIRS)
        for record in self._records(PAIRS):
            key = record.values["external_id"]
            obj = self.pairs.get(key) or WorkPair(external_id=key)
            self.pairs[key] = obj
            old, changes = self._set_columns(PAIRS, record, obj)
            for column, name in PAIR_REFERENCES.items():
                if column in given:
                    self._point_pair(record, obj, column, name, old, changes)
            self._check_pair(record, obj)
            self._finish(PAIRS, WorkPair, record, obj, old, changes)

    def _point_pair(self, record, obj: WorkPair, column, name, old, changes) -> None:
        supervision = self.importer.supervision
        if column.startswith(("expert", "mentor_expert")):
            found, source, label = self.importer.experts, formats.EXPERTS, "registry.expert"
            message = _("Unknown expert %(id)s.")
        elif column == "supervision_group_external_id":
            found, source = supervision.groups, formats.SUPERVISION_GROUPS
            label, message = "supervision.supervisiongroup", _("Unknown supervision group %(id)s.")
        else:
            found, source = supervision.professionals, formats.PROFESSIONALS
            label, message = "registry.professional", _("Unknown professional %(id)s.")
        target = self._known(PAIRS, record, column, found, source, message)
        if target is False:
            return
        if target is not None and name == "supervision_group" and target.kind != GroupKind.PAIR:
            message = _("%(id)s is not a pair supervision group.") % {"id": record.values[column]}
            self.importer._error(PAIRS, record, column, message)
            return
        was = self._was(getattr(obj, f"{name}_id"), found, label) if obj.pk is not None else ""
        self._point(obj, name, target, column, old, changes, was)

    def _check_pair(self, record, obj: WorkPair) -> None:
        """The model's rules and the form's: dates in order, one mentor, not the own expert."""
        error = self.importer._error
        if obj.ended_on and obj.started_on and obj.ended_on < obj.started_on:
            message = _constraint_message(WorkPair, "pair_ended_not_before_started")
            error(PAIRS, record, "ended_on", message)
        if record.values.get("mentor_expert_external_id") and record.values.get(
            "mentor_professional_external_id"
        ):
            message = _constraint_message(WorkPair, "pair_one_mentor")
            error(PAIRS, record, "mentor_professional_external_id", message)
        mentor = record.values.get("mentor_expert_external_id")
        if mentor and mentor == record.values["expert_external_id"]:
            message = _("The mentor cannot be the pair's own expert by experience.")
            error(PAIRS, record, "mentor_expert_external_id", message)

    def plan_steps(self) -> None:
        records = self._records(STEPS)
        if not records:
            return
        steps, counts = self._stored_steps()
        for record in records:
            pair = self._known(
                STEPS,
                record,
                "pair_external_id",
                self.pairs,
                PAIRS,
                _("Unknown work pair %(id)s."),
            )
            position = record.values["position"]
            if not 1 <= position <= MAX_POSITION:
                message = _("Give a position from 1 to %(max)s.") % {"max": MAX_POSITION}
                self.importer._error(STEPS, record, "position", message)
                continue
            if not pair:
                continue
            identity = _identity(pair)
            obj = steps.get((identity, position))
            if obj is None:
                obj = PlanStep(pair=pair, position=position)
                counts[identity] += 1
                if counts[identity] == MAX_STEPS + 1:
                    message = _("A plan has at most %(max)s steps.") % {"max": MAX_STEPS}
                    self.importer._error(STEPS, record, "position", message)
            old, changes = self._set_columns(STEPS, record, obj)
            if obj.position != position:  # a repeated position numbered by its rank
                old["position"] = obj.position
                changes.append(Change("position", _shown(obj.position), _shown(position)))
                obj.position = position
            if obj.done_by and not obj.done_on:
                message = _("A step ticked done has the day it was done.")
                self.importer._error(STEPS, record, "done_on", message)
            if pair.pk is not None and (obj.pk is None or old):
                self.touched_pairs[pair.pk] = pair  # the plan is part of the pair
            self._finish(STEPS, PlanStep, record, obj, old, changes)

    def _stored_steps(self) -> tuple[dict, dict]:
        """The stored steps of the pairs in play by (pair, position), and each plan's count.
        A plan edited by hand may repeat a position: its steps go by their rank in the plan's
        order, as the export writes them, and the import numbers them so."""
        stored = [p.pk for p in self.pairs.values() if p.pk is not None]
        plans = defaultdict(list)
        for chunk in chunks(stored):
            rows = PlanStep.objects.filter(**in_lookup("pair_id", chunk))
            for step in rows.order_by("pair_id", "position", "pk"):
                plans[("pk", step.pair_id)].append(step)
        steps, counts = {}, defaultdict(int)
        for identity, plan in plans.items():
            counts[identity] = len(plan)
            by_rank = len({step.position for step in plan}) < len(plan)
            for rank, step in enumerate(plan, 1):
                steps[(identity, rank if by_rank else step.position)] = step
        return steps, counts

    # writing -------------------------------------------------------------------------------

    def apply(self) -> None:
        importer = self.importer
        periods = importer._file(PERIODS)
        Period.objects.bulk_create(periods.create, batch_size=WRITE_BATCH)
        importer.journal.created(Period, (p.pk for p in periods.create))
        touched = [p for p in self.touched_periods.values() if p not in periods.update]
        fields = self._fields(PERIODS, PERIOD_REFERENCES)
        self._update_versioned(Period, [*periods.update, *touched], fields)

        goals = importer._file(GOALS)
        Goal.objects.bulk_create(goals.create, batch_size=WRITE_BATCH)
        _bulk_update(Goal, goals.update, GOAL_FIELDS)
        importer._journal_reference_data(Goal, goals, GOAL_FIELDS)

        meetings = importer._file(MEETINGS)
        for meeting, assignment in self.new_meetings:
            meeting.assignment_id = assignment.pk  # written by now, with its pk
        self._unmark_former_starts(meetings.update)
        Meeting.objects.bulk_create(meetings.create, batch_size=WRITE_BATCH)
        _bulk_update(Meeting, meetings.update, MEETING_FIELDS)
        importer._journal_reference_data(Meeting, meetings, MEETING_FIELDS)

        pairs = importer._file(PAIRS)
        WorkPair.objects.bulk_create(pairs.create, batch_size=WRITE_BATCH)
        importer.journal.created(WorkPair, (p.pk for p in pairs.create))
        touched = [p for p in self.touched_pairs.values() if p not in pairs.update]
        fields = self._fields(PAIRS, PAIR_REFERENCES)
        self._update_versioned(WorkPair, [*pairs.update, *touched], fields)

        steps = importer._file(STEPS)
        PlanStep.objects.bulk_create(steps.create, batch_size=WRITE_BATCH)
        _bulk_update(PlanStep, steps.update, STEP_FIELDS)
        importer._journal_reference_data(PlanStep, steps, STEP_FIELDS)

    def _unmark_former_starts(self, updated: list[Meeting]) -> None:
        """A period has one start meeting at a time, row by row: the meetings that stop
        being the start let go first, then the new start is written."""
        before = self.importer.before
        former = [m.pk for m in updated if before.get((Meeting, m.pk), {}).get("is_start")]
        for chunk in chunks(former):
            Meeting.objects.filter(**in_lookup("pk", chunk)).update(is_start=False)

    def _fields(self, spec, references: dict[str, str]) -> list[str]:
        """The fields an update writes: the plain columns the file has and its references."""
        given = self._given(spec)
        fields = given - REFERENCES[spec.name]
        fields |= {field for column, field in references.items() if column in given}
        return sorted(fields)

    def _update_versioned(self, model, rows: list, fields: list[str]) -> None:
        """Move the version on, so that a form opened before the import refuses a stale
        save; the journal keeps the values replaced and the version left."""
        for row in rows:
            before = self.importer.before.get((model, row.pk), {})
            self.importer.journal.updated(model, row.pk, {**before, "version": row.version})
            row.version += 1
        stamped = ["updated_at"] if model is Period else []  # WorkPair has no such field
        now = timezone.now()
        for row in rows if stamped else ():
            row.updated_at = now
        _bulk_update(model, rows, [*fields, "version", *stamped])
