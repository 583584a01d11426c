"""Undoing an applied import from its journal (interchange.importer._Journal).

An import can be undone while nothing has been recorded on its rows since: each row it
created or changed still has the version it left (experts, agreements, assignments, supervision
groups and sessions: every write moves the version on, kokemus.concurrency) or the values it
left (service areas, assignment types, professionals, group members, attendance and feedback,
which have no version), no row it changed has been deleted, and no row made
since refers to a row it created. ``blockers`` names the rows that stop it; ``apply`` puts back
the values the import replaced and removes the rows it made, in bulk, as the import wrote them
(so, like the import, it leaves one entry in the audit trail: the import's, marked undone).
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Model
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agreements.models import Agreement, Assignment, Participation
from feedback.models import FeedbackLink, ProfessionalFeedback, Reflection
from guidance.models import Goal, Meeting, Period
from interchange import keys
from interchange.importer import WRITE_BATCH, chunks, in_lookup, json_value
from interchange.models import ImportRun
from pairs.models import PlanStep, WorkPair
from registry.models import AssignmentType, Expert, Professional, ServiceArea
from supervision.models import Attendance, GroupMembership, SupervisionGroup, SupervisionSession

SessionTopic = SupervisionSession.topics.through
VERSIONED = (Assignment, Agreement, Expert, SupervisionSession, SupervisionGroup)
WITHOUT_VERSION = (
    AssignmentType,
    ServiceArea,
    Professional,
    GroupMembership,
    Attendance,
    Reflection,
    ProfessionalFeedback,
)
# kokemusohjaus periods and work pairs (interchange.guidance_files)
VERSIONED += (Period, WorkPair)
WITHOUT_VERSION += (Goal, Meeting, PlanStep)
# The order of removal: each model before the ones it refers to.
REMOVAL_ORDER = (
    Reflection,
    ProfessionalFeedback,
    FeedbackLink,
    Meeting,
    Goal,
    Period,
    PlanStep,
    WorkPair,
    Participation,
    Attendance,
    SessionTopic,
    SupervisionSession,
    GroupMembership,
    SupervisionGroup,
    Assignment,
    Agreement,
    Professional,
    Expert,
    AssignmentType,
    ServiceArea,
)
UNDONE_VERSIONS = "undone_versions"  # the journal's record of what its undo left
MAX_BLOCKERS = 50  # listed on the page; the count is whole
EXAMPLES = 3  # rows named per blocking reference


@dataclass
class Blocker:
    row: str  # the import's row, e.g. "Expert EXP-0001"
    reason: str


@dataclass
class Blockers:
    rows: list[Blocker]  # the first MAX_BLOCKERS
    total: int

    def __bool__(self) -> bool:
        return self.total > 0


def _entry(journal: dict, model: type[Model]) -> dict:
    return journal.get(model._meta.label_lower, {})


def _pks(values) -> list[int]:
    return sorted(int(pk) for pk in values)


def _fetch(model: type[Model], pks: list[int], *fields: str) -> list[tuple]:
    rows = []
    for chunk in chunks(pks):
        rows += model.objects.filter(**in_lookup("pk", chunk)).values_list("pk", *fields)
    return rows


# what stops an undo ----------------------------------------------------------------------------


def blockers(run: ImportRun) -> Blockers:
    """The rows that stop the undo of ``run`` (the first MAX_BLOCKERS) and how many."""
    journal = run.journal
    wrote = any(c.get("create") or c.get("update") for c in run.counts.values())
    if wrote and not journal:
        reason = _("it was made before imports kept what they wrote, so it cannot be undone")
        return Blockers([Blocker(_("The whole import"), reason)], 1)
    problems: list[tuple[type[Model], int, str]] = []
    undone_later = _undone_later(run)
    for model in VERSIONED:
        problems += _versions_moved(model, _entry(journal, model), undone_later)
    for model in WITHOUT_VERSION:
        problems += _values_changed(model, _entry(journal, model))
    if not problems:  # references matter only when the rows themselves are as left
        problems += _referred_to(journal)
    shown = problems[:MAX_BLOCKERS]
    names = _row_names(shown)
    rows = [Blocker(names[(model, pk)], reason) for model, pk, reason in shown]
    return Blockers(rows, len(problems))


def _undone_later(run: ImportRun) -> dict[tuple[str, int], set[tuple[int, int]]]:
    """(version taken from, version left at) of each row that later imports changed and
    were then undone: such a row is back as this import left it, at a newer version (an
    undo is a write, and moves the version on like any other)."""
    found = defaultdict(set)
    later = ImportRun.objects.filter(pk__gt=run.pk, undone_at__isnull=False)
    for journal in later.values_list("journal", flat=True):
        for label, versions in journal.get(UNDONE_VERSIONS, {}).items():
            for pk, (taken_from, left_at) in versions.items():
                found[(label, int(pk))].add((taken_from, left_at))
    return found


def _versions_moved(model: type[Model], entry: dict, undone_later: dict) -> list[tuple]:
    expected = dict.fromkeys(_pks(entry.get("created", [])), 1)
    updated = {
        int(pk): change["before"]["version"] + 1 for pk, change in entry.get("updated", {}).items()
    }
    expected.update(updated)
    current = dict(_fetch(model, list(expected), "version"))
    label = model._meta.label_lower
    problems = []
    for pk, version in sorted(expected.items()):
        if pk not in current:
            if pk in updated:
                problems.append((model, pk, _("deleted since the import")))
        elif current[pk] != version and (version, current[pk]) not in undone_later.get(
            (label, pk), ()
        ):
            problems.append((model, pk, _("changed since the import")))
    return problems


def _values_changed(model: type[Model], entry: dict) -> list[tuple]:
    left = {int(pk): values for pk, values in entry.get("created_values", {}).items()}
    left.update({int(pk): change["after"] for pk, change in entry.get("updated", {}).items()})
    problems = []
    fields = sorted({name for values in left.values() for name in values})
    current = {
        row[0]: dict(zip(fields, row[1:], strict=True))
        for row in _fetch(model, list(left), *fields)
    }
    for pk, values in sorted(left.items()):
        now = current.get(pk)
        if now is None:
            if str(pk) in entry.get("updated", {}):
                problems.append((model, pk, _("deleted since the import")))
        elif any(json_value(now[name]) != value for name, value in values.items()):
            problems.append((model, pk, _("changed since the import")))
    return problems


def _to_remove(journal: dict) -> dict[type[Model], set[int]]:
    """The rows the undo removes: those the import created, with the participations of the
    assignments it created."""
    remove = {
        model: set(_pks(_entry(journal, model).get("created", []))) for model in REMOVAL_ORDER
    }
    new_assignments = sorted(remove[Assignment])
    for chunk in chunks(new_assignments):
        remove[Participation].update(
            Participation.objects.filter(**in_lookup("assignment_id", chunk)).values_list(
                "pk", flat=True
            )
        )
    return remove


def _referred_to(journal: dict) -> list[tuple]:
    """Rows made since that refer to a row the undo would remove. Every relation to these
    models counts, whatever app it comes from, so a record added later (a fee line, a
    supervision membership) keeps the rows it needs."""
    remove = _to_remove(journal)
    restored = {
        model: set(_pks(_entry(journal, model).get("updated", {}))) for model in REMOVAL_ORDER
    }
    problems = []
    for model, pks in remove.items():
        if not pks:
            continue
        for relation in model._meta.related_objects:
            referring = relation.related_model
            if relation.many_to_many and not relation.through._meta.auto_created:
                continue  # its own model's foreign key is a relation of its own
            lookup = relation.field.name
            handled = remove.get(referring, set()) | restored.get(referring, set())
            found = defaultdict(list)
            for chunk in chunks(sorted(pks)):
                rows = referring._base_manager.filter(**in_lookup(lookup, chunk))
                target = f"{lookup}__pk" if relation.many_to_many else relation.field.attname
                rows = rows.values_list("pk", target)
                for pk, target_pk in rows:
                    if pk not in handled:
                        found[target_pk].append(pk)
            for target_pk, referring_pks in sorted(found.items()):
                problems.append((model, target_pk, _referring(referring, referring_pks)))
    return problems


def _referring(model: type[Model], pks: list[int]) -> str:
    examples = ", ".join(str(obj) for obj in model._base_manager.filter(pk__in=pks[:EXAMPLES]))
    count = len(pks)
    # one placeholder in both forms (msgfmt -c requires it): the name in the count's number
    kind = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
    return ngettext(
        "%(count)s %(kind)s made since the import refers to it (%(examples)s)",
        "%(count)s %(kind)s made since the import refer to it (%(examples)s)",
        count,
    ) % {"count": count, "kind": kind, "examples": examples}


KEY_FIELDS = {
    Period: "external_id",
    WorkPair: "external_id",
    Expert: "external_id",
    Professional: "external_id",
    SupervisionGroup: "external_id",
    SupervisionSession: "external_id",
    Agreement: "number",
    Assignment: "external_id",
    AssignmentType: "code",
    ServiceArea: "code",
}


def _row_names(problems: list[tuple]) -> dict[tuple, str]:
    """Each blocking row by its kind and key, as the files name it."""
    wanted = defaultdict(set)
    for model, pk, _reason in problems:
        wanted[model].add(pk)
    names = {}
    for model, pks in wanted.items():
        rows = model._base_manager.filter(pk__in=pks)
        keys_by_pk = dict(rows.values_list("pk", KEY_FIELDS.get(model, "pk")))
        for pk in pks:
            key = keys_by_pk.get(pk) or keys.fallback_key(model._meta.label_lower, pk)
            names[(model, pk)] = f"{capfirst(model._meta.verbose_name)} {key}"
    return names


# the undo itself -------------------------------------------------------------------------------


def apply(journal: dict) -> dict:
    """Put back what the import replaced, then remove what it made (call after ``blockers``
    found nothing, in the same transaction). Returns the versions it took each restored
    versioned row from and left it at, for the journal (UNDONE_VERSIONS)."""
    now = timezone.now()
    remove = _to_remove(journal)
    _unmark_imported_starts(journal, remove[Meeting])
    for model in REMOVAL_ORDER:
        _restore(model, _entry(journal, model).get("updated", {}), now)
    for model in REMOVAL_ORDER:
        if model is ServiceArea:  # services before the divisions they sit under
            services = set(
                ServiceArea.objects.filter(pk__in=remove[model], parent__isnull=False).values_list(
                    "pk", flat=True
                )
            )
            _delete(model, services)
            _delete(model, remove[model] - services)
        else:
            _delete(model, remove[model])
    for model in REMOVAL_ORDER:  # rows the import removed (participations, session topics)
        model.objects.bulk_create(
            [model(**_values(model, row)) for row in _entry(journal, model).get("deleted", [])],
            batch_size=WRITE_BATCH,
        )
    return {
        model._meta.label_lower: {
            pk: [change["before"]["version"], change["before"]["version"] + 2]
            for pk, change in _entry(journal, model).get("updated", {}).items()
        }
        for model in VERSIONED
        if _entry(journal, model).get("updated")
    }


def _unmark_imported_starts(journal: dict, made: set[int]) -> None:
    """The start meetings the import made let go first: a period has one start meeting at a
    time, row by row, and the restore marks the former start again."""
    updated = _entry(journal, Meeting).get("updated", {})
    marked = {int(pk) for pk, change in updated.items() if not change["before"].get("is_start", 1)}
    for chunk in chunks(sorted(marked | made)):
        Meeting.objects.filter(is_start=True, **in_lookup("pk", chunk)).update(is_start=False)


def _values(model: type[Model], values: dict[str, Any]) -> dict[str, Any]:
    """Journal values back as the fields take them."""
    return {name: model._meta.get_field(name).to_python(value) for name, value in values.items()}


def _restore(model: type[Model], updated: dict, now) -> None:
    """The replaced values back, in batches of rows that changed the same fields; a row with
    a version (a group member's too, though the undo compares its values) moves it on, as
    every write does."""
    versioned = any(f.name == "version" for f in model._meta.concrete_fields)
    stamped = versioned and any(f.name == "updated_at" for f in model._meta.concrete_fields)
    by_fields = defaultdict(list)
    for pk, change in updated.items():
        before = {k: v for k, v in change["before"].items() if k != "version"}
        obj = model(pk=int(pk), **_values(model, before))
        if versioned:
            obj.version, obj.updated_at = F("version") + 1, now
        by_fields[tuple(sorted(before))].append(obj)
    for fields, objs in by_fields.items():
        names = list(fields)
        if versioned:
            names += ["version", "updated_at"] if stamped else ["version"]
        if names:
            model.objects.bulk_update(objs, names, batch_size=WRITE_BATCH)


def _delete(model: type[Model], pks: set[int]) -> None:
    """DELETE in chunks, without the per-row signals and cascade look-ups of
    QuerySet.delete(): blockers() has made sure that nothing else refers to these rows."""
    for chunk in chunks(sorted(pks)):
        queryset = model._base_manager.filter(**in_lookup("pk", chunk))
        queryset._raw_delete(queryset.db)
