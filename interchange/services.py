"""Import of the interchange files (SPEC "Interchange format"): all or nothing, idempotent, bulk.

``import_data`` reads the files, checks every row against the SPEC's rules on the state the
database would have afterwards, and only if nothing is wrong writes everything in one
transaction with bulk statements. The lookups are loaded once, in chunks, never per row.

The rules are the forms' own (agreements.rules), fed from those loaded maps, so a row is
refused in the words a form would use. As the SPEC asks, the import takes history as kept:
nothing is judged against today, and an expert may hold overlapping agreements.
"""

import contextlib
import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditlog.context import set_actor
from django.db import connection, transaction
from django.db.models import F, Model
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agreements.models import Agreement, Assignment, Participation
from agreements.rules import (
    agreement_terms_errors,
    covering_agreement,
    hours_error,
    own_hours_errors,
    uncovered_error,
    working_days,
)
from interchange import formats, keys
from interchange.formats import CellError, FileSpec
from interchange.models import ImportRun
from interchange.readers import ReadError, Table, read_csv, read_xlsx
from registry.models import AssignmentType, Expert, ServiceArea

MAX_ERRORS = 200
LOOKUP_CHUNK = 500  # ids per "IN (...)" lookup, within every database's parameter limit
PG_LOOKUP_CHUNK = 10_000  # ids per array parameter on PostgreSQL (see _in)
WRITE_BATCH = 1000
NAMES = ["name", "name_sv", "name_en"]  # of a service area or an assignment type
IMPORT_LOCK_KEY = 4_711_007  # PostgreSQL advisory lock: one import at a time


@dataclass
class ImportIssue:
    file: str
    line: int | None
    column: str
    message: str


@dataclass
class FileCounts:
    create: int = 0
    update: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    counts: dict[str, FileCounts] = field(default_factory=dict)
    errors: list[ImportIssue] = field(default_factory=list)
    more_errors: bool = False  # the list stopped at MAX_ERRORS
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def files_from_path(path: Path) -> list[tuple[str, bytes]]:
    """The CSV files of a folder, or one workbook, as (name, content) pairs."""
    path = Path(path)
    if path.is_dir():
        return [(p.name, p.read_bytes()) for p in sorted(path.iterdir()) if p.is_file()]
    return [(path.name, path.read_bytes())]


def import_data(files: Iterable[tuple[str, bytes]], *, dry_run: bool, by=None) -> ImportResult:
    """Check ``files`` and, unless ``dry_run`` or anything is wrong, write them all."""
    run = _ImportRun(by=by)
    run.read(files)
    if dry_run:
        run.plan()
        return run.result()
    with transaction.atomic():
        _lock_imports()  # a second import waits here and then sees this one's rows
        run.plan()
        if run.errors.items:
            return run.result()
        run.apply()
        result = run.result()
        _record(run.file_names, result, by)
    result.applied = True
    return result


def _record(file_names: list[str], result: ImportResult, by) -> None:
    """One audit trail entry for the import (its bulk writes send no signals)."""
    counts = {name: vars(c) for name, c in result.counts.items()}
    with set_actor(by) if by is not None else contextlib.nullcontext():
        ImportRun.objects.create(imported_by=by, files=file_names, counts=counts)


def _lock_imports() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
        elif connection.vendor == "sqlite":
            # A write statement takes SQLite's write lock now rather than at the first insert.
            cursor.execute("UPDATE django_migrations SET app = app WHERE 0 = 1")


def _chunks(items: list):
    size = PG_LOOKUP_CHUNK if connection.vendor == "postgresql" else LOOKUP_CHUNK
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _in(name: str, values: list) -> dict[str, Any]:
    """``name__in=values`` as filter arguments. On PostgreSQL one array parameter: psycopg
    re-parses a query with a placeholder per value every time (0.5 s for 40 lookups)."""
    if connection.vendor != "postgresql":
        return {f"{name}__in": values}
    kind = "text" if isinstance(values[0], str) else "bigint"
    return {f"{name}__in": RawSQL(f"SELECT unnest(%s::{kind}[])", [values])}


def _load_by_keys(
    model: type[Model], key_field: str, wanted: Iterable[str], select=None
) -> dict[str, Any]:
    """Existing rows by key, in chunked lookups; fallback keys of the export find theirs.
    ``select(queryset)`` yields (key, pk, object) for each row; model instances by default."""
    if select is None:

        def select(queryset):
            return ((getattr(obj, key_field), obj.pk, obj) for obj in queryset)

    wanted = sorted(set(wanted))
    found = {}
    for chunk in _chunks(wanted):
        for key, _pk, obj in select(model.objects.filter(**_in(key_field, chunk))):
            found[key] = obj
    label = model._meta.label_lower
    by_pk = {
        pk: key
        for key in wanted
        if key not in found and (pk := keys.pk_from_fallback_key(label, key)) is not None
    }
    for chunk in _chunks(list(by_pk)):
        rows = model.objects.filter(**_in("pk", chunk), **{f"{key_field}__isnull": True})
        for _key, pk, obj in select(rows):
            found[by_pk[pk]] = obj
    return found


def _set_fields(obj: Model, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _set_relation(obj: Model, name: str, target: Model | None) -> bool:
    current = getattr(obj, f"{name}_id")
    target_pk = None if target is None else target.pk
    changed = current != target_pk or (target is not None and target_pk is None)
    if changed:
        setattr(obj, name, target)
    return changed


def _constraint_message(model: type[Model], name: str) -> str:
    """The message of a named model constraint, so that the import and forms agree."""
    constraint = next(c for c in model._meta.constraints if c.name == name)
    return str(constraint.violation_error_message)


def _short_date(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _insert_rows(model: type[Model], rows: Iterable[dict[str, Any]]) -> None:
    """Write many plain rows, far cheaper than model instances for 100k rows: COPY on
    PostgreSQL, one prepared INSERT per batch elsewhere. Each row gives every column by
    attname. Both run inside the import's transaction, so a failure undoes everything."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if connection.vendor == "postgresql":
        _copy_rows(model, fields, rows)
        return
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    adapt = [_adapter(f) for f in fields]
    batch = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(tuple(a(row[f.attname]) for a, f in zip(adapt, fields, strict=True)))
            if len(batch) == WRITE_BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _copy_rows(model: type[Model], fields: list, rows: Iterable[dict[str, Any]]) -> None:
    """COPY ... FROM STDIN: one stream instead of a statement per row; psycopg adapts the
    dates, datetimes and decimals as it does for parameters."""
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(f.column) for f in fields),
    )
    names = [f.attname for f in fields]
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        write_row = copy.write_row
        for row in rows:
            write_row([row[name] for name in names])


def _adapter(field):
    """The backend's conversion for dates, datetimes and decimals; others pass as they are."""
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateField":
        return functools.lru_cache(maxsize=4096)(ops.adapt_datefield_value)  # dates repeat
    if kind == "DateTimeField":
        return functools.lru_cache(maxsize=16)(ops.adapt_datetimefield_value)  # one "now"
    if kind == "DecimalField":
        return lambda value: ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    return lambda value: value


class _AssignmentRow:
    """An assignment as the import plans it: plain attributes, none of a model's machinery
    (building 100k model instances only to compare them costs seconds). ``type`` and
    ``service_area`` are the objects it will point to, possibly created by this import."""

    __slots__ = ("pk", "external_id", "title", "type", "service_area", "date", "end_date")
    __slots__ += ("hours", "status", "created_by")
    FIELDS = ("pk", "external_id", "title", "type_id", "service_area_id", "date", "end_date")
    FIELDS += ("hours", "status")

    @classmethod
    def new(cls, values: dict[str, Any], assignment_type, service_area, created_by):
        row = cls()
        row.pk, row.end_date, row.created_by = None, None, created_by
        row.external_id = values["external_id"]
        row.title, row.date, row.hours = values["title"], values["date"], values["hours"]
        row.status, row.type, row.service_area = values["status"], assignment_type, service_area
        return row

    @classmethod
    def existing(cls, values: tuple, types_by_pk: dict, areas_by_pk: dict):
        row = cls()
        row.pk, row.external_id, row.title, type_id, area_id = values[:5]
        row.date, row.end_date, row.hours, row.status = values[5:]
        row.type, row.service_area = types_by_pk[type_id], areas_by_pk[area_id]
        row.created_by = None
        return row

    def as_model(self) -> Assignment:
        """The model instance that bulk_update needs for an existing row."""
        return Assignment(
            pk=self.pk,
            title=self.title,
            type=self.type,
            service_area=self.service_area,
            date=self.date,
            hours=self.hours,
            status=self.status,
        )


class _Errors:
    def __init__(self):
        self.items: list[ImportIssue] = []
        self.more = False

    def add(self, file: str, line: int | None, column: str, message: str) -> None:
        if len(self.items) >= MAX_ERRORS:
            self.more = True
            return
        self.items.append(ImportIssue(file, line, column, str(message)))


@dataclass
class _Record:
    line: int
    values: dict[str, Any]
    obj: Any = None


@dataclass
class _Planned:
    """What one file will write."""

    create: list = field(default_factory=list)
    update: list = field(default_factory=list)
    unchanged: int = 0


class _ImportRun:
    def __init__(self, by=None):
        self.by = by
        self.errors = _Errors()
        self.tables: dict[str, Table] = {}
        self.file_names: list[str] = []
        self.records: dict[str, list[_Record]] = {}
        self.columns: dict[str, set[str]] = {}
        self.broken: dict[str, set[str]] = defaultdict(set)  # keys of rows with cell errors
        self.planned: dict[str, _Planned] = {}
        self.unreadable = False  # a file or a header is wrong: its rows cannot be trusted
        # experts whose agreement rows are wrong: their cover is not judged until fixed
        self.experts_with_bad_agreements: set[str] = set()

    # reading -------------------------------------------------------------------------------

    def read(self, files: Iterable[tuple[str, bytes]]) -> None:
        for name, data in files:
            name = Path(name).name  # never a client's path
            self.file_names.append(name)
            try:
                if name.lower().endswith(".xlsx"):
                    tables = read_xlsx(data)
                elif name.lower().endswith(".csv"):
                    tables = [read_csv(name.lower(), data)]
                else:
                    self.errors.add(name, None, "", _("Give CSV files or one Excel workbook."))
                    self.unreadable = True
                    continue
            except ReadError as error:
                self.errors.add(name, None, "", str(error))
                self.unreadable = True
                continue
            for table in tables:
                self._accept(table)
        if not self.tables and not self.errors.items:
            self.errors.add("", None, "", _("No files to import."))

    def _accept(self, table: Table) -> None:
        self.unreadable = self.unreadable or table.name not in formats.FILES_BY_NAME
        if table.name not in formats.FILES_BY_NAME:
            self.errors.add(
                table.name,
                None,
                "",
                _("Unknown file. The files are: %(files)s.")
                % {"files": ", ".join(formats.FILES_BY_NAME)},
            )
        elif table.name in self.tables:
            self.unreadable = True
            self.errors.add(table.name, None, "", _("The file is given twice."))
        else:
            self.tables[table.name] = table

    def _parse(self, spec: FileSpec, table: Table) -> None:
        errors_before = len(self.errors.items)
        add = self.errors.add
        if not table.header:
            add(spec.name, 1, "", _("The file is empty: it has no header row."))
            self.unreadable = True
            return
        seen = set()
        for name in table.header:
            if name in seen:
                add(spec.name, table.header_line, name, _("The column appears twice."))
            elif name not in spec.column_names:
                add(
                    spec.name,
                    table.header_line,
                    name,
                    _("Unknown column. The columns of this file are: %(columns)s.")
                    % {"columns": ", ".join(spec.column_names)},
                )
            seen.add(name)
        missing = [c.name for c in spec.columns if c.required and c.name not in seen]
        for name in missing:
            add(spec.name, table.header_line, name, _("The column is missing."))
        if len(self.errors.items) > errors_before or self.errors.more:
            self.unreadable = True
            return
        for line, message in table.problems:
            add(spec.name, line, "", message)
        index = {name: i for i, name in enumerate(table.header)}
        present = [(c.name, index[c.name], c.read) for c in spec.columns if c.name in seen]
        self.columns[spec.name] = {name for name, _i, _read in present}
        records, lines = [], {}
        for row in table.rows:
            values, bad, cells = {}, False, row.cells
            width = len(cells)
            for name, i, read in present:
                try:
                    values[name] = read(cells[i] if i < width else None)
                except CellError as error:
                    add(spec.name, row.line, name, str(error))
                    bad = True
            key = values.get(spec.key)
            if bad:
                if key:
                    self.broken[spec.name].add(key)
                continue
            if key in lines:
                add(
                    spec.name,
                    row.line,
                    spec.key,
                    _("%(key)s is already on line %(line)s.") % {"key": key, "line": lines[key]},
                )
                continue
            lines[key] = row.line
            records.append(_Record(row.line, values))
        table.rows = []  # the parsed records are all that is kept
        self.records[spec.name] = records

    # planning ------------------------------------------------------------------------------

    def plan(self) -> None:
        for spec in formats.FILES:
            if spec.name in self.tables:
                self._parse(spec, self.tables[spec.name])
        if self.unreadable:
            return
        self._plan_service_areas()
        self._plan_assignment_types()
        self._plan_experts()
        self._plan_agreements()
        self._plan_assignments()
        self._check_agreement_changes_keep_cover()

    def _error(self, spec: FileSpec, record: _Record, column: str, message: str) -> None:
        self.errors.add(spec.name, record.line, column, message)

    def _unknown(self, spec, record, column, message, key: str, source: FileSpec) -> None:
        """Report a reference to a missing row, unless that row is in the file but broken."""
        if key not in self.broken[source.name]:
            self._error(spec, record, column, message)

    def _file(self, spec: FileSpec) -> _Planned:
        return self.planned.setdefault(spec.name, _Planned())

    def _classify(self, spec: FileSpec, obj: Model, changed: bool) -> None:
        planned = self._file(spec)
        if obj.pk is None:
            planned.create.append(obj)
        elif changed:
            planned.update.append(obj)
        else:
            planned.unchanged += 1

    def _plan_service_areas(self) -> None:
        spec = formats.SERVICE_AREAS
        existing = list(ServiceArea.objects.all())
        code_by_pk = {area.pk: area.code for area in existing}
        self.areas = {area.code: area for area in existing}
        # the parent code every area will have after the import
        self.area_parent = {area.code: code_by_pk.get(area.parent_id, "") for area in existing}
        records = self.records.get(spec.name, [])
        has_parent_column = "parent_code" in self.columns.get(spec.name, ())
        for record in records:
            code = record.values["code"]
            if has_parent_column or code not in self.area_parent:
                self.area_parent[code] = record.values.get("parent_code", "")
        divisions_with_services = set(self.area_parent.values()) - {""}
        for record in records:
            code = record.values["code"]
            parent = self.area_parent[code]
            if parent:
                message = None
                if parent == code:
                    message = _constraint_message(ServiceArea, "service_area_not_own_parent")
                elif parent not in self.area_parent:
                    if parent in self.broken[spec.name]:
                        continue
                    message = _("Unknown service area %(code)s.") % {"code": parent}
                elif self.area_parent[parent]:
                    message = _("A service must sit directly under a division (two levels only).")
                elif code in divisions_with_services:
                    message = _("This division has services, so it cannot be moved under another.")
                if message:
                    self._error(spec, record, "parent_code", message)
        self._check_agreement_divisions_stay(records)
        for record in records:
            code = record.values["code"]
            obj = self.areas.get(code) or ServiceArea(code=code)
            self.areas[code] = obj
            record.obj = obj
        for record in records:
            obj = record.obj
            changed = _set_fields(obj, self._names(spec, record))
            parent = self.areas.get(self.area_parent[obj.code] or None)
            changed = _set_relation(obj, "parent", parent) or changed
            self._classify(spec, obj, changed)

    def _check_agreement_divisions_stay(self, records: list[_Record]) -> None:
        """A division that agreements name cannot become a service."""
        becoming = {
            r.values["code"]: r
            for r in records
            if self.area_parent[r.values["code"]]
            and r.values["code"] in self.areas
            and self.areas[r.values["code"]].parent_id is None
        }
        if not becoming:
            return
        named = set(
            Agreement.objects.filter(division__code__in=list(becoming)).values_list(
                "division__code", flat=True
            )
        )
        for code in sorted(named):
            self._error(
                formats.SERVICE_AREAS,
                becoming[code],
                "parent_code",
                _("Agreements are made with this division, so it cannot become a service."),
            )

    def _plan_assignment_types(self) -> None:
        spec = formats.ASSIGNMENT_TYPES
        self.types = {t.code: t for t in AssignmentType.objects.all()}
        for record in self.records.get(spec.name, []):
            code = record.values["code"]
            obj = self.types.get(code) or AssignmentType(code=code)
            self.types[code] = obj
            changed = _set_fields(obj, self._names(spec, record))
            self._classify(spec, obj, changed)

    def _names(self, spec, record: _Record) -> dict[str, str]:
        """The Finnish name, and the Swedish and English ones where the file has them."""
        given = self.columns.get(spec.name, ())
        names = ("name", *(c.name for c in formats.TRANSLATED_NAMES if c.name in given))
        return {name: record.values[name] for name in names}

    def _referenced_expert_ids(self) -> set[str]:
        ids = {r.values["external_id"] for r in self.records.get(formats.EXPERTS.name, [])}
        ids |= {
            r.values["expert_external_id"] for r in self.records.get(formats.AGREEMENTS.name, [])
        }
        for record in self.records.get(formats.ASSIGNMENTS.name, []):
            ids.update(record.values["expert_external_ids"])
        return ids

    def _plan_experts(self) -> None:
        spec = formats.EXPERTS
        self.experts = _load_by_keys(Expert, "external_id", self._referenced_expert_ids())
        columns = self.columns.get(spec.name, set()) - {"external_id"}
        training_message = _constraint_message(Expert, "expert_training_date_only_if_trained")
        for record in self.records.get(spec.name, []):
            key = record.values["external_id"]
            obj = self.experts.get(key) or Expert(external_id=key)
            self.experts[key] = obj
            changed = _set_fields(obj, {name: record.values[name] for name in columns})
            if obj.training_completed_on and not obj.trained:
                self._error(spec, record, "training_completed_on", training_message)
            self._classify(spec, obj, changed)

    def _plan_agreements(self) -> None:
        spec = formats.AGREEMENTS
        records = self.records.get(spec.name, [])
        self.agreements = _load_by_keys(Agreement, "number", [r.values["number"] for r in records])
        self.agreement_lines = {}
        self.agreement_expert = {}  # number -> the expert it will belong to
        self.cover_changed: dict[int, tuple[Agreement, _Record]] = {}
        columns = self.columns.get(spec.name, set()) - {
            "number",
            "expert_external_id",
            "division_code",
        }
        for record in records:
            values = record.values
            obj = self.agreements.get(values["number"]) or Agreement(number=values["number"])
            self.agreements[values["number"]] = obj
            self.agreement_lines[values["number"]] = record.line
            before = (obj.expert_id, obj.status, obj.valid_from, obj.valid_until)
            changed = _set_fields(obj, {name: values[name] for name in columns})
            expert = self.experts.get(values["expert_external_id"])
            if expert is None:
                self._unknown(
                    spec,
                    record,
                    "expert_external_id",
                    _("Unknown expert %(id)s.") % {"id": values["expert_external_id"]},
                    values["expert_external_id"],
                    formats.EXPERTS,
                )
            else:
                changed = _set_relation(obj, "expert", expert) or changed
                self.agreement_expert[values["number"]] = expert
            division = self._division(spec, record, values["division_code"])
            if division is not None:
                changed = _set_relation(obj, "division", division) or changed
            errors_before = len(self.errors.items)
            self._check_agreement(spec, record, obj)
            if len(self.errors.items) > errors_before:
                self.experts_with_bad_agreements.add(values["expert_external_id"])
            after = (obj.expert_id, obj.status, obj.valid_from, obj.valid_until)
            if obj.pk is not None and before != after:
                self.cover_changed[obj.pk] = (obj, record)
            self._classify(spec, obj, changed)

    def _division(self, spec, record, code: str) -> ServiceArea | None:
        if code not in self.areas:
            self._unknown(
                spec,
                record,
                "division_code",
                _("Unknown service area %(code)s.") % {"code": code},
                code,
                formats.SERVICE_AREAS,
            )
            return None
        if self.area_parent.get(code):
            self._error(
                spec,
                record,
                "division_code",
                _("%(code)s is a service, not a division: agreements are made with divisions.")
                % {"code": code},
            )
            return None
        return self.areas[code]

    def _check_agreement(self, spec, record, obj: Agreement) -> None:
        for column, message in agreement_terms_errors(obj).items():
            self._error(spec, record, column, message)  # the file's columns are the fields

    def _agreements_by_expert(self) -> dict[int, list[Agreement]]:
        """Every agreement of the referenced experts as it will be, keyed by id(expert)."""
        by_expert = defaultdict(list)
        expert_by_pk = {e.pk: e for e in self.experts.values() if e.pk is not None}
        in_file = set(self.agreement_lines)
        for chunk in _chunks(list(expert_by_pk)):
            for agreement in Agreement.objects.filter(**_in("expert_id", chunk)):
                if agreement.number not in in_file:
                    by_expert[id(expert_by_pk[agreement.expert_id])].append(agreement)
        for number, expert in self.agreement_expert.items():
            by_expert[id(expert)].append(self.agreements[number])
        # in the order they were made, as covering_agreement wants them: the stored ones, then
        # the file's new ones line by line
        order = {number: n for n, number in enumerate(self.agreement_lines)}
        for agreements in by_expert.values():
            agreements.sort(key=lambda a: (a.pk is None, a.pk or order.get(a.number, 0)))
        return by_expert

    def _plan_assignments(self) -> None:
        spec = formats.ASSIGNMENTS
        records = self.records.get(spec.name, [])
        self.assignments = _load_by_keys(
            Assignment,
            "external_id",
            [r.values["external_id"] for r in records],
            select=self._select_assignment_rows,
        )
        self.participations = defaultdict(dict)  # assignment pk -> expert pk -> (pk, a, h)
        existing_pks = [a.pk for a in self.assignments.values()]
        for chunk in _chunks(existing_pks):
            rows = Participation.objects.filter(**_in("assignment_id", chunk)).values_list(
                "pk", "assignment_id", "expert_id", "agreement_id", "hours"
            )
            for pk, assignment_id, expert_id, agreement_id, hours in rows:
                self.participations[assignment_id][expert_id] = (pk, agreement_id, hours)
        self.wanted_participations = []  # (assignment, [(expert, agreement, own hours)])
        if not records:
            return
        by_expert = self._agreements_by_expert()
        columns = self.columns.get(spec.name, set()) & {"date", "hours", "status", "title"}
        for record in records:
            values = record.values
            assignment_type = self._code(spec, record, "type_code", self.types)
            area = self._code(spec, record, "service_area_code", self.areas)
            obj = self.assignments.get(values["external_id"])
            if obj is None:
                obj = _AssignmentRow.new(values, assignment_type, area, self.by)
                changed = True
            else:
                changed = _set_fields(obj, {name: values[name] for name in columns})
                for name, target in (("type", assignment_type), ("service_area", area)):
                    if target is not None and getattr(obj, name) is not target:
                        setattr(obj, name, target)
                        changed = True
            self._check_hours(spec, record, obj)
            expert_ids = values["expert_external_ids"]
            own_hours = self._own_hours(spec, record, obj, expert_ids)
            covered = self._covering(spec, record, obj.date, expert_ids, by_expert)
            if covered is not None:
                wanted = self._with_hours(obj, covered, own_hours)
                if self._participations_change(obj, wanted):
                    changed = True
                    self.wanted_participations.append((obj, wanted))
            self._classify(spec, obj, changed)

    def _select_assignment_rows(self, queryset):
        types_by_pk = {t.pk: t for t in self.types.values() if t.pk is not None}
        areas_by_pk = {a.pk: a for a in self.areas.values() if a.pk is not None}
        for values in queryset.values_list(*_AssignmentRow.FIELDS):
            yield values[1], values[0], _AssignmentRow.existing(values, types_by_pk, areas_by_pk)

    def _own_hours(self, spec, record, obj, expert_ids: list[str]) -> list | None:
        """The checked ``expert_hours`` of a row, one entry per expert (None: the
        assignment's hours); None when the file has no such column or the entry is wrong."""
        if "expert_hours" not in record.values:
            return None
        hours = record.values["expert_hours"] or [None] * len(expert_ids)
        if len(hours) != len(expert_ids):
            self._error(
                spec,
                record,
                "expert_hours",
                _(
                    "Give one entry per expert, in the order of expert_external_ids "
                    "(an empty entry means the assignment's hours): %(hours)s entries "
                    "for %(experts)s experts."
                )
                % {"hours": len(hours), "experts": len(expert_ids)},
            )
            return None
        days = working_days(obj.date, obj.end_date)
        for message in own_hours_errors(zip(expert_ids, hours, strict=True), days):
            self._error(spec, record, "expert_hours", message)
        return hours

    def _with_hours(self, obj, covered: list, own_hours: list | None) -> list[tuple]:
        """(expert, agreement, own hours) for each expert; without an ``expert_hours``
        column a participation keeps the own hours it has."""
        if own_hours is None:
            current = self.participations.get(obj.pk, {}) if obj.pk else {}
            own_hours = [current.get(e.pk, (None, None, None))[2] for e, _a in covered]
        return [(e, a, h) for (e, a), h in zip(covered, own_hours, strict=True)]

    def _participations_change(self, obj, wanted: list[tuple]) -> bool:
        if obj.pk is None or any(e.pk is None or a.pk is None for e, a, _h in wanted):
            return True
        current = self.participations.get(obj.pk, {})
        return {(e.pk, a.pk, h) for e, a, h in wanted} != {
            (expert_pk, agreement_pk, hours)
            for expert_pk, (_pk, agreement_pk, hours) in current.items()
        }

    def _code(self, spec, record, column: str, known: dict) -> Model | None:
        code = record.values[column]
        target = known.get(code)
        if target is None:
            source = (
                formats.SERVICE_AREAS if column == "service_area_code" else formats.ASSIGNMENT_TYPES
            )
            self._unknown(
                spec, record, column, _("Unknown code %(code)s.") % {"code": code}, code, source
            )
        return target

    def _check_hours(self, spec, record, obj: Assignment) -> None:
        error = hours_error(obj.hours, working_days(obj.date, obj.end_date))
        if error:
            self._error(spec, record, "hours", error)

    def _covering(self, spec, record, day, expert_ids, by_expert):
        """Each expert with the agreement that covers ``day``; None if one is missing."""
        covered, complete = [], True
        for external_id in expert_ids:
            expert = self.experts.get(external_id)
            if expert is None:
                self._unknown(
                    spec,
                    record,
                    "expert_external_ids",
                    _("Unknown expert %(id)s.") % {"id": external_id},
                    external_id,
                    formats.EXPERTS,
                )
                complete = False
                continue
            agreement = covering_agreement(by_expert.get(id(expert), []), day)
            if agreement is None:
                if not (
                    self.broken[formats.AGREEMENTS.name]  # one of those rows may be its
                    or external_id in self.experts_with_bad_agreements
                ):
                    message = uncovered_error(external_id, day)
                    self._error(spec, record, "expert_external_ids", message)
                complete = False
                continue
            covered.append((expert, agreement))
        return covered if complete else None

    def _check_agreement_changes_keep_cover(self) -> None:
        """An agreement changed by the import must still cover the assignments it covers
        that the import leaves as they are."""
        if not self.cover_changed:
            return
        reimported = {a.pk for a, _covered in self.wanted_participations if a.pk}
        reimported |= {a.pk for a in self.assignments.values() if a.pk}
        rows = []
        for chunk in _chunks(list(self.cover_changed)):
            rows += Participation.objects.filter(**_in("agreement_id", chunk)).values_list(
                "agreement_id", "expert_id", "assignment_id", "assignment__date"
            )
        reported = set()
        for agreement_id, expert_id, assignment_id, day in sorted(rows, key=lambda r: r[3]):
            agreement, record = self.cover_changed[agreement_id]
            if assignment_id in reimported or agreement_id in reported:
                continue
            if agreement.expert_id != expert_id or not agreement.covers(day):
                reported.add(agreement_id)
                self._error(
                    formats.AGREEMENTS,
                    record,
                    "status",
                    _("After this change the agreement would not cover its assignment on %(date)s.")
                    % {"date": _short_date(day)},
                )

    # writing -------------------------------------------------------------------------------

    def apply(self) -> None:
        now = timezone.now()
        areas = self._file(formats.SERVICE_AREAS)
        ServiceArea.objects.bulk_create([a for a in areas.create if not self.area_parent[a.code]])
        ServiceArea.objects.bulk_create([a for a in areas.create if self.area_parent[a.code]])
        ServiceArea.objects.bulk_update(areas.update, [*NAMES, "parent"], batch_size=WRITE_BATCH)

        types = self._file(formats.ASSIGNMENT_TYPES)
        AssignmentType.objects.bulk_create(types.create)
        AssignmentType.objects.bulk_update(types.update, NAMES, batch_size=WRITE_BATCH)

        experts = self._file(formats.EXPERTS)
        Expert.objects.bulk_create(experts.create, batch_size=WRITE_BATCH)
        fields = self.columns.get(formats.EXPERTS.name, set()) - {"external_id"}
        self._bulk_update_versioned(Expert, experts.update, fields, now)

        agreements = self._file(formats.AGREEMENTS)
        Agreement.objects.bulk_create(agreements.create, batch_size=WRITE_BATCH)
        fields = {"expert", "division"} | (
            self.columns.get(formats.AGREEMENTS.name, set())
            - {"number", "expert_external_id", "division_code"}
        )
        self._bulk_update_versioned(Agreement, agreements.update, fields, now)

        assignments = self._file(formats.ASSIGNMENTS)
        self._insert_new_assignments(assignments.create, now)
        fields = {"type", "service_area"} | (
            self.columns.get(formats.ASSIGNMENTS.name, set()) & {"date", "hours", "status", "title"}
        )
        updated = [row.as_model() for row in assignments.update]
        self._bulk_update_versioned(Assignment, updated, fields, now)
        self._write_participations()

    @staticmethod
    def _bulk_update_versioned(model, objs: list, fields: set[str], now) -> None:
        """Bump the version so that a form opened before the import refuses a stale save."""
        for obj in objs:
            obj.version = F("version") + 1
            obj.updated_at = now
        model.objects.bulk_update(
            objs, sorted(fields | {"version", "updated_at"}), batch_size=WRITE_BATCH
        )

    def _insert_new_assignments(self, new: list[_AssignmentRow], now) -> None:
        _insert_rows(
            Assignment,
            (
                {
                    "external_id": a.external_id,
                    "title": a.title,
                    "type_id": a.type.pk,
                    "service_area_id": a.service_area.pk,
                    "date": a.date,
                    "end_date": None,
                    "start_time": None,
                    "hours": a.hours,
                    "location": "",
                    "status": a.status,
                    "contact_id": None,
                    "description": "",
                    "version": 1,
                    "created_by_id": a.created_by.pk if a.created_by else None,
                    "created_at": now,
                    "updated_at": now,
                }
                for a in new
            ),
        )
        by_key = {a.external_id: a for a in new}
        for chunk in _chunks(list(by_key)):
            rows = Assignment.objects.filter(**_in("external_id", chunk)).values_list(
                "external_id", "pk"
            )
            for external_id, pk in rows:
                by_key[external_id].pk = pk

    def _write_participations(self) -> None:
        remove, change, create = [], [], []
        for assignment, wanted in self.wanted_participations:
            current = self.participations.get(assignment.pk, {}) if assignment.pk else {}
            wanted_experts = {expert.pk for expert, _agreement, _hours in wanted}
            remove += [
                pk for expert_pk, (pk, _a, _h) in current.items() if expert_pk not in wanted_experts
            ]
            for expert, agreement, hours in wanted:
                if expert.pk in current:
                    pk, agreement_pk, current_hours = current[expert.pk]
                    if (agreement_pk, current_hours) != (agreement.pk, hours):
                        change.append(Participation(pk=pk, agreement=agreement, hours=hours))
                else:
                    create.append(
                        {
                            "assignment_id": assignment.pk,
                            "expert_id": expert.pk,
                            "agreement_id": agreement.pk,
                            "hours": hours,
                        }
                    )
        for chunk in _chunks(remove):
            Participation.objects.filter(pk__in=chunk).delete()
        Participation.objects.bulk_update(change, ["agreement", "hours"], batch_size=WRITE_BATCH)
        _insert_rows(Participation, create)

    def result(self) -> ImportResult:
        counts = {}
        for spec in formats.FILES:
            if spec.name in self.tables:
                planned = self.planned.get(spec.name, _Planned())
                counts[spec.name] = FileCounts(
                    len(planned.create), len(planned.update), planned.unchanged
                )
        return ImportResult(counts=counts, errors=self.errors.items, more_errors=self.errors.more)
