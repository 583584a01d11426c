"""Professionals and supervision in the interchange: plan and write steps of the import.

The import engine (interchange.importer) plans and writes its first five files itself; the
files here follow them as steps of their own, each a ``plan_*`` and a part of ``apply``. They
use the engine's shared pieces (the loaded experts and service areas, the error list, the
preview's changes, the journal for undo) and the same rules: every lookup is loaded once in
chunks, every write is a bulk statement.

A file here is keyed rows of one model: ``_load_by_keys`` finds the stored ones (the export's
fallback keys too), ``_set_columns`` sets the plain columns and names what changes, and the
references (a group's division, a session's group, a member's expert) are checked against
what the import will have. Rows without a version (professionals, members, attendance) keep
in the journal the values the import left, as service areas do; groups and sessions move
their version on. A change to a session's attendance or topics moves the session's version
on too, as the session form does.
"""

from collections import defaultdict
from typing import Any

from django.db.models import F, Model
from django.utils.translation import gettext as _

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
from registry.models import Expert, Professional
from supervision.models import (
    Attendance,
    GroupKind,
    GroupMembership,
    Seniority,
    SupervisionGroup,
    SupervisionSession,
    SupervisionTopic,
)

PROFESSIONALS = formats.PROFESSIONALS
GROUPS = formats.SUPERVISION_GROUPS
MEMBERS = formats.SUPERVISION_MEMBERS
SESSIONS = formats.SUPERVISION_SESSIONS
ATTENDANCE = formats.SUPERVISION_ATTENDANCE
SessionTopic = SupervisionSession.topics.through

# A file's column where the model's field has another name.
FIELDS = {(GROUPS.name, "active"): "is_active", (SESSIONS.name, "place"): "location"}
CHOICES = {(GROUPS.name, "kind"): GroupKind, (MEMBERS.name, "seniority"): Seniority}
# Columns that are references, set by the steps rather than copied.
REFERENCES = {
    PROFESSIONALS.name: {"external_id", "service_area_code"},
    GROUPS.name: {"external_id", "division_code"},
    MEMBERS.name: {"group_external_id", "expert_external_id", "professional_external_id"},
    SESSIONS.name: {"external_id", "group_external_id", "topic_codes"},
    ATTENDANCE.name: {"session_external_id", "expert_external_id", "professional_external_id"},
}
REFERENCES[GROUPS.name].add("supervisor_external_id")
PROFESSIONAL_FIELDS = ["first_name", "last_name", "title", "email", "phone", "service_area_id"]
MEMBER_FIELDS = ["joined_on", "left_on", "seniority", "target_interval_weeks"]


def _identity(obj: Model) -> tuple:
    """A row that may not be saved yet, as a key: its pk once it has one."""
    return ("pk", obj.pk) if obj.pk is not None else ("new", id(obj))


class SupervisionSteps:
    """The plan and the writes of professionals.csv and the supervision files."""

    def __init__(self, importer: Importer):
        self.importer = importer
        self.professionals: dict[str, Professional] = {}
        self.professional_keys: dict[int, str] = {}  # pk -> key, of those loaded
        self.groups: dict[str, SupervisionGroup] = {}
        self.sessions: dict[str, SupervisionSession] = {}
        # (group, "expert" or "professional", person) identities -> membership
        self.memberships: dict[tuple, GroupMembership] = {}
        self.membership_groups: set[int] = set()  # group pks whose memberships are loaded
        self.wanted_topics: list[tuple[SupervisionSession, set[int]]] = []
        self.session_topics: dict[int, dict[int, int]] = defaultdict(dict)  # session -> topic -> pk
        self.touched_sessions: dict[int, SupervisionSession] = {}  # attendance changed
        self.moved_sessions: list[tuple] = []  # (record, the group it has)
        # members.csv's wrong rows as (group key, column, person key): reported there, so
        # attendance that names them is not reported again
        self.wrong_members: set[tuple[str, str, str]] = set()
        self.session_group_keys: dict[str, str] = {}  # sessions.csv: session key -> group key

    # shared pieces -------------------------------------------------------------------------

    def _records(self, spec) -> list:
        return self.importer.records.get(spec.name, [])

    def _keys(self, spec, column: str) -> set[str]:
        return {r.values[column] for r in self._records(spec) if r.values.get(column)}

    def _set_columns(self, spec, record, obj) -> tuple[dict[str, Any], list[Change]]:
        """Set the plain columns the file has; the old value of each field set, by attname,
        and the changes as the preview lists them (for a stored row)."""
        given = self.importer.columns.get(spec.name, set()) - REFERENCES[spec.name]
        old, changes = {}, []
        for column in spec.column_names:
            if column not in given:
                continue
            field = FIELDS.get((spec.name, column), column)
            value, current = record.values[column], getattr(obj, field)
            if current != value:
                old[field] = current
                setattr(obj, field, value)
                choices = CHOICES.get((spec.name, column))
                changes.append(Change(column, _shown(current, choices), _shown(value, choices)))
        return old, changes

    def _point(self, obj, name: str, target, column: str, old: dict, changes: list, shown_old):
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

    def _finish(self, spec, model, record, obj, old: dict, changes: list, changed=False):
        self.importer._keep_before(model, obj.pk, old)
        self.importer._classify(spec, obj, changes, record, changed=changed)

    def _person(self, spec, record) -> tuple[str, Model] | None:
        """The member a row names: ("expert", expert) or ("professional", professional);
        None (reported) unless the row names exactly one who is known."""
        expert_id = record.values.get("expert_external_id") or ""
        professional_id = record.values.get("professional_external_id") or ""
        if bool(expert_id) == bool(professional_id):
            column = "professional_external_id" if expert_id else "expert_external_id"
            message = _("Give either expert_external_id or professional_external_id, not both.")
            if not expert_id:
                message = _("Give expert_external_id or professional_external_id.")
            self.importer._error(spec, record, column, message)
            return None
        if expert_id:
            found = self.importer.experts.get(expert_id)
            column, source, kind, key = "expert_external_id", formats.EXPERTS, "expert", expert_id
            message = _("Unknown expert %(id)s.") % {"id": expert_id}
        else:
            found = self.professionals.get(professional_id)
            column, source, kind = "professional_external_id", PROFESSIONALS, "professional"
            key = professional_id
            message = _("Unknown professional %(id)s.") % {"id": professional_id}
        if found is None:
            self.importer._unknown(spec, record, column, message, key, source)
            return None
        return kind, found

    # planning ------------------------------------------------------------------------------

    def plan(self) -> None:
        self._load_experts()
        self.plan_professionals()
        self.plan_groups()
        self.plan_members()
        self.plan_sessions()
        self.plan_attendance()

    def _load_experts(self) -> None:
        """The experts that members and attendance name but the engine has not loaded."""
        wanted = self._keys(MEMBERS, "expert_external_id") | self._keys(
            ATTENDANCE, "expert_external_id"
        )
        missing = wanted - set(self.importer.experts)
        if missing:
            self.importer.experts.update(_load_by_keys(Expert, "external_id", missing))

    def plan_professionals(self) -> None:
        records = self._records(PROFESSIONALS)
        wanted = self._keys(PROFESSIONALS, "external_id")
        wanted |= self._keys(MEMBERS, "professional_external_id")
        wanted |= self._keys(ATTENDANCE, "professional_external_id")
        wanted |= self._keys(GROUPS, "supervisor_external_id")
        self.professionals = _load_by_keys(Professional, "external_id", wanted)
        self.professional_keys = {p.pk: key for key, p in self.professionals.items() if p.pk}
        given = self.importer.columns.get(PROFESSIONALS.name, ())
        areas = self.importer.areas
        code_by_pk = {a.pk: code for code, a in areas.items() if a.pk is not None}
        for record in records:
            key = record.values["external_id"]
            obj = self.professionals.get(key) or Professional(external_id=key)
            self.professionals[key] = obj
            old, changes = self._set_columns(PROFESSIONALS, record, obj)
            if "service_area_code" in given:
                code = record.values["service_area_code"]
                area = areas.get(code) if code else None
                if code and area is None:
                    self.importer._unknown(
                        PROFESSIONALS,
                        record,
                        "service_area_code",
                        _("Unknown service area %(code)s.") % {"code": code},
                        code,
                        formats.SERVICE_AREAS,
                    )
                else:
                    was = code_by_pk.get(obj.service_area_id, "")
                    self._point(obj, "service_area", area, "service_area_code", old, changes, was)
            self._finish(PROFESSIONALS, Professional, record, obj, old, changes)

    def plan_groups(self) -> None:
        records = self._records(GROUPS)
        wanted = self._keys(GROUPS, "external_id") | self._keys(MEMBERS, "group_external_id")
        wanted |= self._keys(SESSIONS, "group_external_id")
        self.groups = _load_by_keys(SupervisionGroup, "external_id", wanted)
        given = self.importer.columns.get(GROUPS.name, ())
        areas = self.importer.areas
        code_by_pk = {a.pk: code for code, a in areas.items() if a.pk is not None}
        for record in records:
            key = record.values["external_id"]
            obj = self.groups.get(key) or SupervisionGroup(external_id=key)
            self.groups[key] = obj
            old, changes = self._set_columns(GROUPS, record, obj)
            if "supervisor_external_id" in given:
                self._point_supervisor(record, obj, old, changes)
            if "division_code" in given:
                division = self._division(record)
                if division is not False:
                    shown_old = code_by_pk.get(obj.division_id, "")
                    self._point(obj, "division", division, "division_code", old, changes, shown_old)
            self._finish(GROUPS, SupervisionGroup, record, obj, old, changes)

    def _point_supervisor(self, record, group, old: dict, changes: list) -> None:
        """The group's supervisor: a professional of the register or of professionals.csv."""
        key = record.values["supervisor_external_id"]
        supervisor = self.professionals.get(key) if key else None
        if key and supervisor is None:
            message = _("Unknown professional %(id)s.") % {"id": key}
            self.importer._unknown(
                GROUPS, record, "supervisor_external_id", message, key, PROFESSIONALS
            )
            return
        was = ""
        if group.supervisor_id:  # as the export names it, without a query per group
            known = self.professional_keys.get(group.supervisor_id)
            was = known or keys.fallback_key("registry.professional", group.supervisor_id)
        self._point(group, "supervisor", supervisor, "supervisor_external_id", old, changes, was)

    def _division(self, record) -> Any:
        """The group's division, None for none, False if the code is wrong (reported)."""
        code = record.values["division_code"]
        if not code:
            return None
        if code not in self.importer.areas:
            message = _("Unknown service area %(code)s.") % {"code": code}
            self.importer._unknown(
                GROUPS, record, "division_code", message, code, formats.SERVICE_AREAS
            )
            return False
        if self.importer.area_parent.get(code):
            message = _("%(code)s is a service, not a division.") % {"code": code}
            self.importer._error(GROUPS, record, "division_code", message)
            return False
        return self.importer.areas[code]

    def _group(self, spec, record, column: str) -> SupervisionGroup | None:
        key = record.values[column]
        group = self.groups.get(key)
        if group is None:
            message = _("Unknown supervision group %(id)s.") % {"id": key}
            self.importer._unknown(spec, record, column, message, key, GROUPS)
        return group

    def _load_memberships(self, group_pks) -> None:
        wanted = sorted(set(group_pks) - self.membership_groups - {None})
        self.membership_groups.update(wanted)
        for chunk in chunks(wanted):
            for membership in GroupMembership.objects.filter(**in_lookup("group_id", chunk)):
                if membership.expert_id is not None:
                    person = ("expert", ("pk", membership.expert_id))
                else:
                    person = ("professional", ("pk", membership.professional_id))
                self.memberships[(("pk", membership.group_id), *person)] = membership

    def plan_members(self) -> None:
        records = self._records(MEMBERS)
        if not records:
            return
        self._load_memberships(g.pk for g in self.groups.values())
        self._note_broken_members()
        left_before_joined = _constraint_message(
            GroupMembership, "membership_left_not_before_joined"
        )
        own_target = _constraint_message(GroupMembership, "membership_target_only_for_experts")
        for record in records:
            errors_before = len(self.importer.errors.items)
            group = self._group(MEMBERS, record, "group_external_id")
            person = self._person(MEMBERS, record)
            if group is None or person is None:
                self._note_wrong_member(record.values)
                continue
            kind, found = person
            identity = (_identity(group), kind, _identity(found))
            obj = self.memberships.get(identity)
            if obj is None:
                obj = GroupMembership(group=group, **{kind: found})
                self.memberships[identity] = obj
            old, changes = self._set_columns(MEMBERS, record, obj)
            if obj.joined_on and obj.left_on and obj.left_on < obj.joined_on:
                self.importer._error(MEMBERS, record, "left_on", left_before_joined)
            if obj.target_interval_weeks is not None and kind != "expert":
                self.importer._error(MEMBERS, record, "target_interval_weeks", own_target)
            if len(self.importer.errors.items) > errors_before:
                self._note_wrong_member(record.values)
            self._finish(MEMBERS, GroupMembership, record, obj, old, changes)

    def _note_wrong_member(self, values) -> None:
        for column in ("expert_external_id", "professional_external_id"):
            if values.get(column):
                self.wrong_members.add((values["group_external_id"], column, values[column]))

    def _note_broken_members(self) -> None:
        """The rows of members.csv whose cells could not be read (their key as parsed)."""
        given = self.importer.columns.get(MEMBERS.name, ())
        names = [name for name in MEMBERS.keys if name in given]
        for key in self.importer.broken[MEMBERS.name]:
            self._note_wrong_member(dict(zip(names, key, strict=True)))

    def plan_sessions(self) -> None:
        records = self._records(SESSIONS)
        wanted = self._keys(SESSIONS, "external_id") | self._keys(ATTENDANCE, "session_external_id")
        self.sessions = _load_by_keys(SupervisionSession, "external_id", wanted)
        given = self.importer.columns.get(SESSIONS.name, ())
        topics = {t.code: t for t in SupervisionTopic.objects.all()}
        self._load_session_topics("topic_codes" in given)
        duration_message = _constraint_message(SupervisionSession, "session_duration_within_a_day")
        for record in records:
            key = record.values["external_id"]
            obj = self.sessions.get(key) or SupervisionSession(external_id=key)
            self.sessions[key] = obj
            old, changes = self._set_columns(SESSIONS, record, obj)
            group = self._group(SESSIONS, record, "group_external_id")
            self.session_group_keys[key] = record.values["group_external_id"]
            if group is not None:
                if obj.pk is None:
                    obj.group = group
                elif obj.group_id != group.pk:
                    self.moved_sessions.append((record, obj.group_id))
            if not 0 < obj.duration_minutes <= 24 * 60:
                self.importer._error(SESSIONS, record, "duration_minutes", duration_message)
            topics_change = False
            if "topic_codes" in given:
                topics_change = self._plan_topics(record, obj, topics, changes)
            self._finish(SESSIONS, SupervisionSession, record, obj, old, changes, topics_change)
        self._report_moved_sessions()

    def _load_session_topics(self, needed: bool) -> None:
        pks = [s.pk for s in self.sessions.values()] if needed else []
        for chunk in chunks(pks):
            rows = SessionTopic.objects.filter(**in_lookup("supervisionsession_id", chunk))
            for pk, session, topic in rows.values_list(
                "pk", "supervisionsession_id", "supervisiontopic_id"
            ):
                self.session_topics[session][topic] = pk

    def _plan_topics(self, record, obj, topics: dict, changes: list) -> bool:
        wanted = set()
        for code in record.values["topic_codes"]:
            if code in topics:
                wanted.add(topics[code].pk)
            else:
                message = _("Unknown topic %(code)s.") % {"code": code}
                self.importer._error(SESSIONS, record, "topic_codes", message)
        current = set(self.session_topics.get(obj.pk, {})) if obj.pk else set()
        if wanted == current:
            return False
        self.wanted_topics.append((obj, wanted))
        if obj.pk is not None:
            code_by_pk = {t.pk: code for code, t in topics.items()}
            old, new = (
                formats.ID_SEPARATOR.join(sorted(code_by_pk[pk] for pk in pks))
                for pks in (current, wanted)
            )
            changes.append(Change("topic_codes", old, new))
        return True

    def _report_moved_sessions(self) -> None:
        """A session's group is where its attendance belongs: it is not moved by an import."""
        if not self.moved_sessions:
            return
        pks = {pk for _record, pk in self.moved_sessions}
        found = dict(SupervisionGroup.objects.filter(pk__in=pks).values_list("pk", "external_id"))
        label = SupervisionGroup._meta.label_lower
        for record, pk in self.moved_sessions:
            key = found.get(pk) or keys.fallback_key(label, pk)
            message = _("A session cannot move to another group: it belongs to %(id)s.")
            self.importer._error(SESSIONS, record, "group_external_id", message % {"id": key})

    def plan_attendance(self) -> None:
        records = self._records(ATTENDANCE)
        if not records:
            return
        stored_sessions = [s.pk for s in self.sessions.values() if s.pk is not None]
        self._load_memberships(s.group_id for s in self.sessions.values())
        attendances = {}
        for chunk in chunks(stored_sessions):
            for attendance in Attendance.objects.filter(**in_lookup("session_id", chunk)):
                attendances[(("pk", attendance.session_id), attendance.membership_id)] = attendance
        for record in records:
            key = record.values["session_external_id"]
            session = self.sessions.get(key)
            if session is None:
                message = _("Unknown supervision session %(id)s.") % {"id": key}
                self.importer._unknown(
                    ATTENDANCE, record, "session_external_id", message, key, SESSIONS
                )
            person = self._person(ATTENDANCE, record)
            if session is None or person is None:
                continue
            membership = self._membership(key, session, person, record)
            if membership is None:
                continue
            obj = attendances.get((_identity(session), membership.pk))
            if obj is None:
                obj = Attendance(session=session, membership=membership)
            old, changes = self._set_columns(ATTENDANCE, record, obj)
            if session.pk is not None and (obj.pk is None or old):
                self.touched_sessions[session.pk] = session  # the form's rule: see the docstring
            self._finish(ATTENDANCE, Attendance, record, obj, old, changes)

    def _membership(self, key: str, session, person, record) -> GroupMembership | None:
        """The membership in the session's group of the person an attendance row names."""
        kind, found = person
        group_key = self.session_group_keys.get(key)
        if session.pk is None:
            group = self.groups.get(group_key)
            if group is None:
                return None  # the session's row is reported
            group_identity = _identity(group)
        else:
            group_identity = ("pk", session.group_id)
        membership = self.memberships.get((group_identity, kind, _identity(found)))
        column = f"{kind}_external_id"
        if membership is None and (group_key, column, record.values[column]) not in (
            self.wrong_members
        ):
            message = _("%(id)s is not a member of the session's group.") % {
                "id": record.values[column]
            }
            self.importer._error(ATTENDANCE, record, column, message)
        return membership

    # writing -------------------------------------------------------------------------------

    def apply(self) -> None:
        importer = self.importer
        professionals = importer._file(PROFESSIONALS)
        Professional.objects.bulk_create(professionals.create, batch_size=WRITE_BATCH)
        fields = self._fields(PROFESSIONALS, {"service_area_code": "service_area"})
        _bulk_update(Professional, professionals.update, fields)
        importer._journal_reference_data(Professional, professionals, PROFESSIONAL_FIELDS)

        groups = importer._file(GROUPS)
        SupervisionGroup.objects.bulk_create(groups.create, batch_size=WRITE_BATCH)
        importer.journal.created(SupervisionGroup, (g.pk for g in groups.create))
        fields = self._fields(
            GROUPS, {"division_code": "division", "supervisor_external_id": "supervisor"}
        )
        self._update_versioned(SupervisionGroup, groups.update, fields)

        members = importer._file(MEMBERS)
        GroupMembership.objects.bulk_create(members.create, batch_size=WRITE_BATCH)
        for member in members.update:
            member.version = F("version") + 1  # a member form opened before it is refused
        _bulk_update(GroupMembership, members.update, [*MEMBER_FIELDS, "version"])
        importer._journal_reference_data(GroupMembership, members, MEMBER_FIELDS)

        sessions = importer._file(SESSIONS)
        SupervisionSession.objects.bulk_create(sessions.create, batch_size=WRITE_BATCH)
        importer.journal.created(SupervisionSession, (s.pk for s in sessions.create))
        touched = [s for s in self.touched_sessions.values() if s not in sessions.update]
        fields = self._fields(SESSIONS, {})
        self._update_versioned(SupervisionSession, [*sessions.update, *touched], fields)
        self._write_topics()

        attendance = importer._file(ATTENDANCE)
        Attendance.objects.bulk_create(attendance.create, batch_size=WRITE_BATCH)
        _bulk_update(Attendance, attendance.update, ["present"])
        importer._journal_reference_data(Attendance, attendance, ["present"])

    def _fields(self, spec, references: dict[str, str]) -> list[str]:
        """The fields an update writes: the plain columns the file has and its references."""
        given = self.importer.columns.get(spec.name, set())
        fields = {FIELDS.get((spec.name, c), c) for c in given - REFERENCES[spec.name]}
        fields |= {field for column, field in references.items() if column in given}
        return sorted(fields)

    def _update_versioned(self, model, rows: list, fields: list[str]) -> None:
        """Move the version on, so that a form opened before the import refuses a stale
        save; the journal keeps the values replaced and the version left."""
        for row in rows:
            before = self.importer.before.get((model, row.pk), {})
            self.importer.journal.updated(model, row.pk, {**before, "version": row.version})
            row.version += 1
        _bulk_update(model, rows, [*fields, "version"])

    def _write_topics(self) -> None:
        """Make each session's topics the file's; the journal gets the rows added and the
        rows removed whole."""
        remove, removed_rows, add = [], [], []
        for session, wanted in self.wanted_topics:
            current = self.session_topics.get(session.pk, {}) if session.pk else {}
            for topic, pk in current.items():
                if topic not in wanted:
                    remove.append(pk)
                    row = {"supervisionsession_id": session.pk, "supervisiontopic_id": topic}
                    removed_rows.append({"id": pk, **row})
            add += [
                SessionTopic(supervisionsession_id=session.pk, supervisiontopic_id=topic)
                for topic in sorted(wanted - set(current))
            ]
        for chunk in chunks(remove):
            SessionTopic.objects.filter(pk__in=chunk).delete()
        self.importer.journal.deleted(SessionTopic, removed_rows)
        SessionTopic.objects.bulk_create(add, batch_size=WRITE_BATCH)
        self.importer.journal.created(SessionTopic, (row.pk for row in add))


def _bulk_update(model, rows: list, fields: list[str]) -> None:
    if rows and fields:
        model.objects.bulk_update(rows, fields, batch_size=WRITE_BATCH)


def record_key(target) -> str:
    """A row as the files name it: its key, empty for none."""
    if target is None:
        return ""
    return getattr(target, "external_id", None) or getattr(target, "code", "") or ""
