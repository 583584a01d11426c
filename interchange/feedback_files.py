"""Feedback after assignments in the interchange: the experts' reflections and the
professionals' feedback, steps of the import after the supervision files (see
interchange.supervision_files for the pattern).

A reflection belongs to one expert's work on an assignment (a participation), so its row names
the assignment and the expert; the expert must be on the assignment as the import leaves it. A
professional's feedback belongs to the assignment and came through a feedback link made for
the professional: an imported answer gets such a link, made already stopped and spent (its
address never worked), so that the model keeps one rule for every answer, the assignment's
page shows who answered, and no one is asked again (feedback.services._contact_link).

The files carry dates (``created_on``, ``handled_on``, ``given_on``) where the models keep
moments: a date that matches the moment's day in Helsinki leaves it as it is; another becomes
the midnight that starts the day. The report counts feedback by the assignment's month, never
by these moments. Every lookup is loaded in chunks and every write is a bulk statement.
"""

import datetime
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Assignment, Participation
from feedback.models import FeedbackLink, ProfessionalFeedback, Reflection
from interchange import formats
from interchange.importer import (
    WRITE_BATCH,
    Change,
    Importer,
    _load_by_keys,
    _shown,
    chunks,
    in_lookup,
)
from registry.models import Expert, Professional

REFLECTIONS = formats.FEEDBACK_REFLECTIONS
ANSWERS = formats.FEEDBACK_PROFESSIONALS
# The plain columns: file column -> field (a date column -> a moment field).
REFLECTION_COLUMNS = {"load": "load", "wants_talk": "wants_talk", "how_it_went": "how_it_went"}
REFLECTION_MOMENTS = {"created_on": "created_at", "handled_on": "handled_at"}
ANSWER_COLUMNS = {"rating": "rating", "comment": "comment"}
ANSWER_MOMENTS = {"given_on": "given_at"}
# What the journal keeps of each row (by attname), for the undo's checks and restores.
REFLECTION_FIELDS = [*REFLECTION_COLUMNS.values(), "created_at", "handled_at", "handled_by_id"]
ANSWER_FIELDS = [*ANSWER_COLUMNS.values(), "given_at"]


def day_of(moment: datetime.datetime | None) -> datetime.date | None:
    """A moment's day in Helsinki, as the export writes it."""
    return timezone.localdate(moment) if moment is not None else None


def start_of(day: datetime.date) -> datetime.datetime:
    """The midnight (Helsinki) that starts ``day``, in UTC as the database gives it back."""
    local = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return local.astimezone(datetime.UTC)


def _assignment_pks(queryset):
    return ((key, pk, pk) for key, pk in queryset.values_list("external_id", "pk"))


class FeedbackSteps:
    """The plan and the writes of feedback_reflections.csv and feedback_professionals.csv."""

    def __init__(self, importer: Importer):
        self.importer = importer
        self.file_experts: dict[str, set[str]] = {}  # assignment key -> experts in its row
        self.assignments: dict[str, int] = {}  # stored assignment key -> pk
        self.new_reflections: list[tuple[Reflection, str, Expert]] = []
        self.new_answers: list[tuple[ProfessionalFeedback, str, Professional]] = []

    def _records(self, spec) -> list:
        return self.importer.records.get(spec.name, [])

    def _assignment_keys(self) -> set[str]:
        return {
            r.values["assignment_external_id"]
            for spec in (REFLECTIONS, ANSWERS)
            for r in self._records(spec)
        }

    def note_assignment_rows(self) -> None:
        """The experts each named assignment has in assignments.csv: read before that file
        is planned (planning lets go of its rows)."""
        wanted = self._assignment_keys()
        if not wanted:
            return
        for record in self._records(formats.ASSIGNMENTS):
            key = record.values["external_id"]
            if key in wanted:
                self.file_experts[key] = set(record.values["expert_external_ids"])

    # planning ------------------------------------------------------------------------------

    def plan(self) -> None:
        wanted = self._assignment_keys()
        if not wanted:
            return
        self.assignments = _load_by_keys(Assignment, "external_id", wanted, _assignment_pks)
        self._plan_reflections()
        self._plan_answers()

    def _assignment(self, spec, record) -> str | None:
        """The row's assignment key if the assignment is stored or in assignments.csv."""
        key = record.values["assignment_external_id"]
        if key in self.assignments or key in self.file_experts:
            return key
        message = _("Unknown assignment %(id)s.") % {"id": key}
        self.importer._unknown(
            spec, record, "assignment_external_id", message, key, formats.ASSIGNMENTS
        )
        return None

    def _stored_experts(self) -> dict[int, set[int]]:
        """Assignment pk -> its experts' pks, of the stored assignments not in the file."""
        pks = sorted({pk for key, pk in self.assignments.items() if key not in self.file_experts})
        experts = defaultdict(set)
        for chunk in chunks(pks):
            rows = Participation.objects.filter(**in_lookup("assignment_id", chunk))
            for assignment_id, expert_id in rows.values_list("assignment_id", "expert_id"):
                experts[assignment_id].add(expert_id)
        return experts

    def _load_experts(self) -> None:
        missing = {r.values["expert_external_id"] for r in self._records(REFLECTIONS)} - set(
            self.importer.experts
        )
        if missing:
            self.importer.experts.update(_load_by_keys(Expert, "external_id", missing))

    def _stored_reflections(self) -> dict[tuple[int, int], Reflection]:
        """The stored reflections on the named assignments, by (assignment, expert) pks."""
        found = {}
        for chunk in chunks(sorted(set(self.assignments.values()))):
            rows = Reflection.objects.filter(
                **in_lookup("participation__assignment_id", chunk)
            ).select_related("participation")
            for row in rows:
                found[(row.participation.assignment_id, row.participation.expert_id)] = row
        return found

    def _stored_answers(self) -> dict[tuple[int, int], ProfessionalFeedback]:
        """The stored answers on the named assignments, by (assignment, professional) pks."""
        found = {}
        for chunk in chunks(sorted(set(self.assignments.values()))):
            rows = ProfessionalFeedback.objects.filter(
                **in_lookup("assignment_id", chunk)
            ).select_related("link")
            for row in rows.order_by("-pk"):  # of two answers by one person, the first
                found[(row.assignment_id, row.link.professional_id)] = row
        return found

    def _plan_reflections(self) -> None:
        records = self._records(REFLECTIONS)
        if not records:
            return
        self._load_experts()
        on_stored = self._stored_experts()
        stored = self._stored_reflections()
        for record in records:
            key = self._assignment(REFLECTIONS, record)
            expert_key = record.values["expert_external_id"]
            expert = self.importer.experts.get(expert_key)
            if expert is None:
                message = _("Unknown expert %(id)s.") % {"id": expert_key}
                self.importer._unknown(
                    REFLECTIONS, record, "expert_external_id", message, expert_key, formats.EXPERTS
                )
            if key is None or expert is None:
                continue
            if key in self.file_experts:
                on_it = expert_key in self.file_experts[key]
            else:
                on_it = expert.pk in on_stored.get(self.assignments[key], ())
            if not on_it:
                message = _("%(expert)s is not on assignment %(assignment)s.") % {
                    "expert": expert_key,
                    "assignment": key,
                }
                self.importer._error(REFLECTIONS, record, "expert_external_id", message)
                continue
            obj = stored.get((self.assignments.get(key), expert.pk))
            if obj is None:
                obj = Reflection()
                self.new_reflections.append((obj, key, expert))
            old, changes = self._set(REFLECTIONS, record, obj, REFLECTION_COLUMNS)
            self._set_moments(REFLECTIONS, record, obj, REFLECTION_MOMENTS, old, changes)
            if "handled_at" in old and obj.handled_at is None and obj.handled_by_id:
                old["handled_by_id"], obj.handled_by_id = obj.handled_by_id, None
            self._finish(REFLECTIONS, Reflection, record, obj, old, changes)

    def _load_professionals(self) -> dict[str, Professional]:
        known = self.importer.supervision.professionals
        missing = {r.values["professional_external_id"] for r in self._records(ANSWERS)}
        missing -= set(known)
        if missing:
            known.update(_load_by_keys(Professional, "external_id", missing))
        return known

    def _plan_answers(self) -> None:
        records = self._records(ANSWERS)
        if not records:
            return
        professionals = self._load_professionals()
        stored = self._stored_answers()
        for record in records:
            key = self._assignment(ANSWERS, record)
            person_key = record.values["professional_external_id"]
            professional = professionals.get(person_key)
            if professional is None:
                message = _("Unknown professional %(id)s.") % {"id": person_key}
                self.importer._unknown(
                    ANSWERS,
                    record,
                    "professional_external_id",
                    message,
                    person_key,
                    formats.PROFESSIONALS,
                )
            if key is None or professional is None:
                continue
            obj = stored.get((self.assignments.get(key), professional.pk))
            if obj is None:
                obj = ProfessionalFeedback()
                self.new_answers.append((obj, key, professional))
            old, changes = self._set(ANSWERS, record, obj, ANSWER_COLUMNS)
            self._set_moments(ANSWERS, record, obj, ANSWER_MOMENTS, old, changes)
            self._finish(ANSWERS, ProfessionalFeedback, record, obj, old, changes)

    def _set(self, spec, record, obj, columns: dict[str, str]) -> tuple[dict, list[Change]]:
        given = self.importer.columns.get(spec.name, set())
        old, changes = {}, []
        for column, field in columns.items():
            if column not in given:
                continue
            value, current = record.values[column], getattr(obj, field)
            if current != value:
                old[field] = current
                setattr(obj, field, value)
                changes.append(Change(column, _shown(current), _shown(value)))
        return old, changes

    def _set_moments(self, spec, record, obj, moments: dict, old: dict, changes: list) -> None:
        """The moments of the file's date columns: kept where the day is the same."""
        given = self.importer.columns.get(spec.name, set())
        for column, field in moments.items():
            if column not in given:
                continue
            day, current = record.values[column], getattr(obj, field)
            if obj.pk is not None and day_of(current) == day:
                continue
            old[field] = current
            setattr(obj, field, start_of(day) if day is not None else None)
            changes.append(Change(column, _shown(day_of(current)), _shown(day)))

    def _finish(self, spec, model, record, obj, old: dict, changes: list) -> None:
        self.importer._keep_before(model, obj.pk, old)
        self.importer._classify(spec, obj, changes if obj.pk is not None else [], record)

    # writing -------------------------------------------------------------------------------

    def apply(self) -> None:
        if not self.new_reflections and not self.new_answers and not self._updates():
            return
        created = self.importer._file(formats.ASSIGNMENTS).create
        new_assignments = {a.external_id: a.pk for a in created}
        assignment_pk = {**self.assignments, **new_assignments}.__getitem__
        self._write_reflections(assignment_pk)
        self._write_answers(assignment_pk)

    def _updates(self) -> bool:
        return any(self.importer._file(spec).update for spec in (REFLECTIONS, ANSWERS))

    def _write_reflections(self, assignment_pk) -> None:
        planned = self.importer._file(REFLECTIONS)
        named = {assignment_pk(key) for _obj, key, _expert in self.new_reflections}
        participations = self._participations(named)
        for obj, key, expert in self.new_reflections:
            obj.participation_id = participations[(assignment_pk(key), expert.pk)]
        _create_keeping(Reflection, planned.create, ["created_at"])
        _bulk_update(Reflection, planned.update, REFLECTION_FIELDS)
        self.importer._journal_reference_data(Reflection, planned, REFLECTION_FIELDS)

    def _participations(self, assignment_pks: set[int]) -> dict[tuple[int, int], int]:
        """(assignment pk, expert pk) -> participation pk, as the import has left them."""
        found = {}
        for chunk in chunks(sorted(assignment_pks)):
            rows = Participation.objects.filter(**in_lookup("assignment_id", chunk)).values_list(
                "pk", "assignment_id", "expert_id"
            )
            for pk, assignment_id, expert_id in rows:
                found[(assignment_id, expert_id)] = pk
        return found

    def _write_answers(self, assignment_pk) -> None:
        planned = self.importer._file(ANSWERS)
        for obj, key, _professional in self.new_answers:
            obj.assignment_id = assignment_pk(key)
        unanswered = self._unanswered_links({obj.assignment_id for obj, *_ in self.new_answers})
        links, stopped = [], []
        for obj, _key, professional in self.new_answers:
            link = unanswered.pop((obj.assignment_id, professional.pk), None)
            if link is None:
                # the answer's link, stopped and spent: see the module's docstring
                link = FeedbackLink(
                    assignment_id=obj.assignment_id,
                    professional_id=professional.pk,
                    expires_at=obj.given_at,
                    revoked_at=obj.given_at,
                )
                links.append(link)
            elif link.revoked_at is None:
                # the link the professional was sent: the answer spends it, no second one
                self.importer.journal.updated(
                    FeedbackLink, link.pk, {"revoked_at": None}, {"revoked_at": obj.given_at}
                )
                link.revoked_at = obj.given_at
                stopped.append(link)
            obj.link = link
        FeedbackLink.objects.bulk_create(links, batch_size=WRITE_BATCH)
        self.importer.journal.created(FeedbackLink, (link.pk for link in links))
        _bulk_update(FeedbackLink, stopped, ["revoked_at"])
        _create_keeping(ProfessionalFeedback, planned.create, ["given_at"])
        _bulk_update(ProfessionalFeedback, planned.update, ANSWER_FIELDS)
        self.importer._journal_reference_data(ProfessionalFeedback, planned, ANSWER_FIELDS)

    def _unanswered_links(self, assignment_pks: set[int]) -> dict[tuple[int, int], FeedbackLink]:
        """The links on these assignments that no one has answered through, by (assignment,
        professional): an imported answer takes its professional's, so that one person
        answers once."""
        found = {}
        for chunk in chunks(sorted(assignment_pks)):
            rows = FeedbackLink.objects.filter(
                answer__isnull=True, **in_lookup("assignment_id", chunk)
            )
            for link in rows.order_by("-pk"):  # the first one made
                found[(link.assignment_id, link.professional_id)] = link
        return found


def _create_keeping(model, objs: list, moments: list[str]) -> None:
    """bulk_create, then the moments the file gave back in place of the "now" that
    ``auto_now_add`` puts on a new row."""
    kept = [[getattr(obj, name) for name in moments] for obj in objs]
    model.objects.bulk_create(objs, batch_size=WRITE_BATCH)
    for obj, values in zip(objs, kept, strict=True):
        for name, value in zip(moments, values, strict=True):
            setattr(obj, name, value)
    _bulk_update(model, objs, moments)


def _bulk_update(model, rows: list, fields: list[str]) -> None:
    if rows and fields:
        model.objects.bulk_update(rows, fields, batch_size=WRITE_BATCH)
