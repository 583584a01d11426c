"""The import engine (SPEC "Interchange format"): all or nothing, idempotent, bulk.

``Importer`` reads the files as streams (``read``, then ``parse``, which keeps only the parsed
values of each row), checks every row against the SPEC's rules on the state the database would
have afterwards (``plan``) and, only if nothing is wrong, writes everything with bulk
statements (``apply``). ``interchange.services.import_data`` runs it and holds the transaction
and the lock. The lookups are loaded once, in chunks, never per row.

The rules are the forms' own (agreements.rules), fed from those loaded maps, so a row is
refused in the words a form would use. As the SPEC asks, the import takes history as kept:
nothing is judged against today, and an expert may hold overlapping agreements.

Besides counts the plan says what each updated row changes (old → new, per column), which new
service areas and assignment types have the name of an existing one under another code (the
coordinator may then map the file's code to the existing one for this import), and, once
applied, what it wrote: the journal from which the import can be undone (interchange.undo).
"""

import datetime
import functools
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import F, Model, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from agreements.models import (
    Agreement,
    AgreementStatus,
    Assignment,
    AssignmentStatus,
    Participation,
    ReachedGroup,
)
from agreements.rules import (
    agreement_terms_errors,
    covering_agreement,
    hours_error,
    own_hours_errors,
    uncovered_error,
    working_days,
)
from interchange import foreign_keys, formats, keys
from interchange.formats import CellError, FileSpec
from interchange.limits import Budget, LimitError, max_file_bytes, too_large_message
from interchange.readers import ReadError, Table, Workbook, is_blank, read_csv
from registry.models import AssignmentType, Expert, ExpertKind, ServiceArea

MAX_ERRORS = 200
MAX_CHANGES_SHOWN = 500  # rows to update listed per file; the counts are always whole
LOOKUP_CHUNK = 500  # ids per "IN (...)" lookup, within every database's parameter limit
PG_LOOKUP_CHUNK = 10_000  # ids per array parameter on PostgreSQL (see _in)
WRITE_BATCH = 1000
PLAN_SLICE = 10_000  # assignment rows planned together with their stored rows
PROGRESS_ROWS = 2000  # rows between two progress reports while reading
NAMES = ["name", "name_sv", "name_en"]  # of a service area or an assignment type
TYPE_SETTINGS = ["sort_order", "records_reach"]  # of an assignment type, beside its names
# The files whose codes a coordinator may map onto existing ones, and the columns that carry
# those codes, in every file.
MAPPABLE = {formats.SERVICE_AREAS.name: ServiceArea, formats.ASSIGNMENT_TYPES.name: AssignmentType}
CODE_COLUMNS = {
    formats.SERVICE_AREAS.name: {
        "code": formats.SERVICE_AREAS.name,
        "parent_code": formats.SERVICE_AREAS.name,
    },
    formats.ASSIGNMENT_TYPES.name: {"code": formats.ASSIGNMENT_TYPES.name},
    formats.AGREEMENTS.name: {"division_code": formats.SERVICE_AREAS.name},
    formats.ASSIGNMENTS.name: {
        "type_code": formats.ASSIGNMENT_TYPES.name,
        "service_area_code": formats.SERVICE_AREAS.name,
    },
}
# Columns whose values repeat from row to row: the import keeps one copy of each value.
REPEATING = {
    "type_code",
    "service_area_code",
    "division_code",
    "parent_code",
    "expert_external_id",
    "expert_external_ids",
    "status",
    "kind",
    "reached_group",
}
CHOICES = {
    (formats.EXPERTS.name, "kind"): ExpertKind,
    (formats.AGREEMENTS.name, "status"): AgreementStatus,
    (formats.ASSIGNMENTS.name, "status"): AssignmentStatus,
    (formats.ASSIGNMENTS.name, "reached_group"): ReachedGroup,
}
# The plain columns of assignments.csv that are the model's fields of the same name.
ASSIGNMENT_COLUMNS = {"date", "hours", "status", "title", "people_reached", "reached_group"}

Source = bytes | Path | BinaryIO  # a file's content, where it is, or an open binary stream
Mapping = dict[str, dict[str, str]]  # file name -> {code in the file: existing code}


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
class Change:
    column: str
    old: str
    new: str


@dataclass
class RowChanges:
    """One row to update and what it changes."""

    line: int
    key: str
    changes: list[Change]


@dataclass
class SameName:
    """A new code in the file whose name an existing row has under another code."""

    file: str
    line: int
    code: str  # as the file has it
    name: str
    existing: list[tuple[str, str]]  # (code, name) of the existing rows with that name
    mapped_to: str = ""  # the existing code this import uses instead, if the user chose one


@dataclass
class ImportResult:
    counts: dict[str, FileCounts] = field(default_factory=dict)
    errors: list[ImportIssue] = field(default_factory=list)
    more_errors: bool = False  # the list stopped at MAX_ERRORS
    applied: bool = False
    changes: dict[str, list[RowChanges]] = field(default_factory=dict)
    same_names: list[SameName] = field(default_factory=list)
    run_id: int | None = None  # the ImportRun that records an applied import

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "ImportResult":
        return cls(
            counts={name: FileCounts(**c) for name, c in data.get("counts", {}).items()},
            errors=[ImportIssue(**e) for e in data.get("errors", [])],
            more_errors=data.get("more_errors", False),
            applied=data.get("applied", False),
            changes={
                name: [
                    RowChanges(r["line"], r["key"], [Change(**c) for c in r["changes"]])
                    for r in rows
                ]
                for name, rows in data.get("changes", {}).items()
            },
            same_names=[
                SameName(**{**s, "existing": [tuple(e) for e in s["existing"]]})
                for s in data.get("same_names", [])
            ],
            run_id=data.get("run_id"),
        )


@dataclass(frozen=True)
class Progress:
    """Where an import is: ``phase`` is reading, checking or saving; ``fraction`` of the
    whole, 0 to 1, where it can be told; ``rows`` read so far."""

    phase: str
    fraction: float | None
    rows: int
    file: str = ""


# database helpers ------------------------------------------------------------------------------


def chunks(items: list):
    size = PG_LOOKUP_CHUNK if connection.vendor == "postgresql" else LOOKUP_CHUNK
    for start in range(0, len(items), size):
        yield items[start : start + size]


def in_lookup(name: str, values: list) -> dict[str, Any]:
    """``name__in=values`` as filter arguments. On PostgreSQL one parameter: psycopg
    re-parses a query with a placeholder per value every time (0.5 s for 40 lookups), and
    quotes a list as an array value by value in Python (0.3 s for 250,000 keys), where a JSON
    text is one string (json.dumps is C)."""
    if connection.vendor != "postgresql":
        return {f"{name}__in": values}
    kind = "text" if isinstance(values[0], str) else "bigint"
    sql = f"SELECT jsonb_array_elements_text(%s::jsonb)::{kind}"
    return {f"{name}__in": RawSQL(sql, [json.dumps(values)])}


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
    for chunk in chunks(wanted):
        for key, _pk, obj in select(model.objects.filter(**in_lookup(key_field, chunk))):
            found[key] = obj
    label = model._meta.label_lower
    by_pk = {
        pk: key
        for key in wanted
        if key not in found and (pk := keys.pk_from_fallback_key(label, key)) is not None
    }
    for chunk in chunks(list(by_pk)):
        # without a key: NULL, or empty where the field keeps no NULL (a period's)
        without = Q(**{f"{key_field}__isnull": True}) | Q(**{key_field: ""})
        rows = model.objects.filter(without, **in_lookup("pk", chunk))
        for _key, pk, obj in select(rows):
            found[by_pk[pk]] = obj
    return found


def _set_fields(obj, values: dict[str, Any]) -> dict[str, Any]:
    """Set the values that differ; return the old value of each one set."""
    old = {}
    for name, value in values.items():
        current = getattr(obj, name)
        if current != value:
            old[name] = current
            setattr(obj, name, value)
    return old


def _set_relation(obj: Model, name: str, target: Model | None) -> tuple[bool, int | None]:
    """Point ``obj.name`` at ``target``; (whether it changed, the old target's pk)."""
    current = getattr(obj, f"{name}_id")
    target_pk = None if target is None else target.pk
    changed = current != target_pk or (target is not None and target_pk is None)
    if changed:
        setattr(obj, name, target)
    return changed, current


def _constraint_message(model: type[Model], name: str) -> str:
    """The message of a named model constraint, so that the import and forms agree."""
    constraint = next(c for c in model._meta.constraints if c.name == name)
    return str(constraint.violation_error_message)


def _short_date(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def allocated_pks(model: type[Model], count: int) -> list[int] | None:
    """On PostgreSQL, ``count`` ids taken from the table's sequence for rows to insert with
    their ids, which spares reading 100,000 new rows back by key; elsewhere None."""
    if connection.vendor != "postgresql" or not count:
        return None
    with connection.cursor() as cursor:
        # one text of ids, not 100,000 rows (psycopg makes a Python row of each); the
        # sequence looked up once (MATERIALIZED), not for each id (0.2 s of 0.25 s for 100,000)
        cursor.execute(
            "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) "
            "SELECT string_agg(nextval(s.seq)::text, ',') FROM s, generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return list(map(int, cursor.fetchone()[0].split(",")))


def insert_rows(model: type[Model], rows: Iterable[dict[str, Any]], with_pk=False) -> None:
    """Write many plain rows, far cheaper than model instances for 100k rows: COPY on
    PostgreSQL, one prepared INSERT per batch elsewhere. Each row gives every column by
    attname (the id too ``with_pk``). Both run inside the import's transaction, so a failure
    undoes everything."""
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
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


def insert_objects(model: type[Model], objs: list[Model]) -> None:
    """``bulk_create``; on PostgreSQL with COPY and ids taken from the sequence, which for
    15,000 experts and agreements takes a fraction of the INSERTs' time (their SQL text with
    every value quoted in Python)."""
    pks = allocated_pks(model, len(objs))
    if pks is None:
        model.objects.bulk_create(objs, batch_size=WRITE_BATCH)
        return
    fields = model._meta.concrete_fields
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: 250,000 attribute look-ups
    for obj, pk in zip(objs, pks, strict=True):
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        obj.pk = pk
        obj._state.adding, obj._state.db = False, db.alias
    rows = (
        {f.attname: f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields} for obj in objs
    )
    insert_rows(model, rows, with_pk=True)


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


def json_value(value: Any) -> Any:
    """A field's value as the journal keeps it (JSON)."""
    if isinstance(value, datetime.date | datetime.time | Decimal):
        return str(value)
    return value


# how a changed value is shown -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ref:
    """A row that the plan did not load, shown by its key once all of them are looked up."""

    model: type[Model]
    pk: int | None


KEY_FIELDS = {Expert: "external_id", Agreement: "number", ServiceArea: "code"}


def _shown(value: Any, choices=None) -> Any:
    """A value as the preview shows it: dates and decimals as the page's language writes
    them, a choice by its label; a _Ref stays until its key is known."""
    if value is None or isinstance(value, _Ref):
        return value if value is not None else ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return _short_date(value)
    if isinstance(value, Decimal):
        return number_format(value)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return str(value)


def _shown_list(values: list) -> Any:
    """Experts, or their own hours, as the file writes them: separated by |."""
    if any(isinstance(v, _Ref) for v in values):
        return tuple(_shown(v) for v in values)  # joined once the keys are known
    return formats.ID_SEPARATOR.join(_shown(v) for v in values)


class _AssignmentRow:
    """An assignment as the import plans it: plain attributes, none of a model's machinery
    (building 100k model instances only to compare them costs seconds). ``type`` and
    ``service_area`` are the objects it will point to, possibly created by this import."""

    __slots__ = ("pk", "external_id", "title", "type", "service_area", "date", "end_date")
    __slots__ += ("hours", "status", "version", "created_by", "people_reached", "reached_group")
    FIELDS = ("pk", "external_id", "title", "type_id", "service_area_id", "date", "end_date")
    FIELDS += ("hours", "status", "version", "people_reached", "reached_group")

    @classmethod
    def new(cls, values, assignment_type, service_area, created_by):
        row = cls()
        row.pk, row.end_date, row.created_by, row.version = None, None, created_by, 1
        row.external_id = values["external_id"]
        row.title, row.date, row.hours = values["title"], values["date"], values["hours"]
        row.status, row.type, row.service_area = values["status"], assignment_type, service_area
        # older files have no people reached: none recorded
        row.people_reached = values.get("people_reached")
        row.reached_group = values.get("reached_group") or ""
        return row

    @classmethod
    def existing(cls, values: tuple, types_by_pk: dict, areas_by_pk: dict):
        row = cls()
        row.pk, row.external_id, row.title, type_id, area_id = values[:5]
        row.date, row.end_date, row.hours, row.status, row.version = values[5:10]
        row.people_reached, row.reached_group = values[10:]
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
            people_reached=self.people_reached,
            reached_group=self.reached_group,
        )


class _Wanted(tuple):
    """The (expert, agreement, own hours) of each expert on an assignment, kept flat in one
    tuple and given back in threes: six experts take 200 bytes instead of 460."""

    __slots__ = ()

    def __iter__(self):
        values = tuple.__iter__(self)
        return zip(values, values, values, strict=True)


class _Errors:
    def __init__(self):
        self.items: list[ImportIssue] = []
        self.more = False

    def add(self, file: str, line: int | None, column: str, message: str) -> None:
        if len(self.items) >= MAX_ERRORS:
            self.more = True
            return
        self.items.append(ImportIssue(file, line, column, str(message)))


def _values_class(names: list[str]) -> type:
    """A tuple of one row's parsed values that answers by column name: a fraction of a
    dict's memory, which counts at 150,000 rows."""
    index = {name: i for i, name in enumerate(names)}
    at = tuple.__getitem__

    class Values(tuple):
        __slots__ = ()

        def __getitem__(self, name: str):
            return at(self, index[name])

        def __contains__(self, name: str) -> bool:
            return name in index

        def get(self, name: str, default=None):
            i = index.get(name)
            return default if i is None else at(self, i)

    return Values


class _Record:
    __slots__ = ("line", "values", "obj")

    def __init__(self, line: int, values):
        self.line, self.values, self.obj = line, values, None


@dataclass
class _Planned:
    """What one file will write."""

    create: list = field(default_factory=list)
    update: list = field(default_factory=list)
    unchanged: int = 0


class _Journal:
    """What an applied import wrote, by model label, so that it can be undone
    (interchange.undo): the rows it created, the values it replaced, the rows it removed,
    and the version it left on each versioned row."""

    def __init__(self):
        self.models: dict[str, dict] = defaultdict(dict)

    def created(self, model: type[Model], pks: Iterable[int]) -> None:
        pks = list(pks)
        if pks:
            self.models[model._meta.label_lower].setdefault("created", []).extend(pks)

    def created_values(self, model: type[Model], pk: int, values: dict[str, Any]) -> None:
        entry = self.models[model._meta.label_lower].setdefault("created_values", {})
        entry[str(pk)] = {name: json_value(v) for name, v in values.items()}

    def updated(self, model: type[Model], pk: int, before: dict, after: dict | None = None):
        entry = self.models[model._meta.label_lower].setdefault("updated", {})
        change = {"before": {name: json_value(v) for name, v in before.items()}}
        if after is not None:
            change["after"] = {name: json_value(v) for name, v in after.items()}
        entry[str(pk)] = change

    def deleted(self, model: type[Model], rows: list[dict]) -> None:
        if rows:
            entry = self.models[model._meta.label_lower].setdefault("deleted", [])
            entry.extend({name: json_value(v) for name, v in row.items()} for row in rows)

    def as_json(self) -> dict:
        return dict(self.models)


class Importer:
    def __init__(self, *, by=None, mapping: Mapping | None = None, progress=None):
        self.by = by
        self.mapping: Mapping = mapping or {}
        self._progress: Callable[[Progress], None] | None = progress
        self.errors = _Errors()
        self.budget = Budget()
        self.tables: dict[str, Table] = {}
        self.file_names: list[str] = []
        self.records: dict[str, list[_Record]] = {}
        self.columns: dict[str, set[str]] = {}
        self.broken: dict[str, set[str]] = defaultdict(set)  # keys of rows with cell errors
        self.mapped_from: dict[str, dict[str, str]] = defaultdict(dict)  # code -> file's code
        self.planned: dict[str, _Planned] = {}
        self.changes: dict[str, list[RowChanges]] = defaultdict(list)
        self.same_names: list[SameName] = []
        self.before: dict[tuple[type[Model], int], dict] = {}  # values an update replaces
        self.journal = _Journal()
        self.unreadable = False  # a file or a header is wrong: its rows cannot be trusted
        # experts whose agreement rows are wrong: their cover is not judged until fixed
        self.experts_with_bad_agreements: set[str] = set()
        self._resources = ExitStack()
        self._rows_read = 0
        self._one_copy = {}.setdefault  # one copy of each repeated value (REPEATING)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._resources.close()

    # progress ------------------------------------------------------------------------------

    def report(self, phase: str, fraction: float | None, file: str = "") -> None:
        if self._progress is not None:
            self._progress(Progress(phase, fraction, self._rows_read, file))

    def _report_reading(self, done_files: int, table: Table, finished=False) -> None:
        """Reading is the first half of the work: the files in turn, each by how far in."""
        within = 1.0 if finished else table.fraction_read()
        files = max(len(self.tables), 1)
        fraction = None if within is None else (done_files + within) / files / 2
        self.report("reading", fraction, table.name)

    # reading -------------------------------------------------------------------------------

    def read(self, files: Iterable[tuple[str, Source]]) -> None:
        """Open the files and name their tables; no row is read yet. A wrong name, a file
        over the size limit or a workbook with an unknown sheet stops here."""
        opened = []
        total = 0
        for name, source in files:
            name = Path(name).name  # never a client's path
            self.file_names.append(name)
            lower = name.lower()
            if not lower.endswith((".csv", ".xlsx")):
                self._file_error(name, _("Give CSV files or one Excel workbook."))
                continue
            if lower.endswith(".csv") and lower not in formats.FILES_BY_NAME:
                self._unknown_file(lower)
                continue
            try:
                stream = self._open(source)
            except ReadError as error:
                self._file_error(name, str(error))
                continue
            total += stream.seek(0, io.SEEK_END)
            stream.seek(0)
            opened.append((name, lower, stream))
        if total > max_file_bytes():
            self._file_error("", too_large_message())
            return
        for name, lower, stream in opened:  # sheets are named, no row is read
            try:
                if lower.endswith(".xlsx"):
                    workbook = Workbook(stream, self.budget)
                    self._resources.callback(workbook.close)
                    tables = workbook.tables()
                else:
                    tables = [read_csv(lower, stream, self.budget)]
            except (ReadError, LimitError) as error:
                self._file_error(name, str(error))
                continue
            for table in tables:
                self._resources.callback(table.close)  # before its file closes
                self._accept(table)
        if not self.tables and not self.errors.items:
            self.errors.add("", None, "", _("No files to import."))

    def _open(self, source: Source) -> BinaryIO:
        if isinstance(source, bytes | bytearray):
            return io.BytesIO(source)
        if isinstance(source, str | Path):
            path = Path(source)
            if not path.is_file():  # a device such as /dev/zero, a pipe, a folder
                raise ReadError(_("This is not a file that can be imported."))
            return self._resources.enter_context(path.open("rb"))
        return source

    def _file_error(self, name: str, message: str) -> None:
        self.errors.add(name, None, "", message)
        self.unreadable = True

    def _unknown_file(self, name: str) -> None:
        self._file_error(
            name,
            _("Unknown file. The files are: %(files)s.")
            % {"files": ", ".join(formats.FILES_BY_NAME)},
        )

    def _accept(self, table: Table) -> None:
        if table.name not in formats.FILES_BY_NAME:
            self._unknown_file(table.name)
        elif table.name in self.tables:
            self._file_error(table.name, _("The file is given twice."))
        else:
            self.tables[table.name] = table

    def parse(self) -> None:
        """Read every row and keep its parsed values; cell errors are collected. Nothing
        here depends on the database, so an import reads its files outside its transaction."""
        if self.unreadable:
            return
        for done, spec in enumerate(s for s in formats.FILES if s.name in self.tables):
            self._parse(spec, self.tables[spec.name], done)
            if self.errors.more:
                break  # the list is full: reading on would only cost time

    def _read_failed(self, spec: FileSpec, error: Exception) -> None:
        self.errors.add(spec.name, getattr(error, "line", None), "", str(error))
        self.unreadable = True

    def _check_header(self, spec: FileSpec, table: Table) -> set[str] | None:
        """The columns of the header, or None if the header is wrong (reported)."""
        add = self.errors.add
        if not table.header:
            add(spec.name, 1, "", _("The file is empty: it has no header row."))
            self.unreadable = True
            return None
        errors_before = len(self.errors.items)
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
            return None
        return seen

    def _parse(self, spec: FileSpec, table: Table, done_files: int) -> None:
        try:
            table.read_header()
        except (ReadError, LimitError) as error:
            self._read_failed(spec, error)
            return
        seen = self._check_header(spec, table)
        if seen is None:
            return
        add = self.errors.add
        index = {name: i for i, name in enumerate(table.header)}
        present = [(c.name, index[c.name], c.read) for c in spec.columns if c.name in seen]
        names = [name for name, _i, _read in present]
        self.columns[spec.name] = set(names)
        values = _values_class(names)
        key_ats = [names.index(name) for name in spec.keys if name in names]
        composite = len(spec.keys) > 1
        renames = self._renames(spec, names)
        repeating = [i for i, name in enumerate(names) if name in REPEATING]
        one_copy = self._one_copy
        width = len(table.header)
        records, lines = [], {}
        try:
            for row in table.rows():
                cells = row.cells
                count = len(cells)
                if count > width and not is_blank(cells[width:]):
                    add(
                        spec.name,
                        row.line,
                        "",
                        _("The row has more values than the header has columns."),
                    )
                parsed, bad = [], False
                for name, i, read in present:
                    try:
                        parsed.append(read(cells[i] if i < count else None))
                    except CellError as error:
                        add(spec.name, row.line, name, str(error))
                        parsed.append(None)
                        bad = True
                for at, codes in renames:
                    parsed[at] = codes.get(parsed[at], parsed[at])
                for at in repeating:  # e.g. 100,000 "done" as one string, not 100,000
                    value = parsed[at]
                    if value.__class__ is str:
                        parsed[at] = one_copy(value, value)
                    elif value.__class__ is list:
                        parsed[at] = tuple(one_copy(v, v) for v in value)
                key = tuple(parsed[at] for at in key_ats) if composite else parsed[key_ats[0]]
                self._rows_read += 1
                if self._rows_read % PROGRESS_ROWS == 0:
                    self._report_reading(done_files, table)
                if self.errors.more:
                    break  # the list is full: reading on would only cost time
                if bad:
                    if key and (not composite or any(key)):
                        self.broken[spec.name].add(key)
                    continue
                if key in lines:
                    message = self._duplicate(spec, spec.key_text(key), lines[key])
                    add(spec.name, row.line, spec.key, message)
                    continue
                lines[key] = row.line
                records.append(_Record(row.line, values(parsed)))
        except (ReadError, LimitError) as error:
            self._read_failed(spec, error)
        self.records[spec.name] = records
        self._report_reading(done_files, table, finished=True)

    def _renames(self, spec: FileSpec, names: list[str]) -> list[tuple[int, dict[str, str]]]:
        """(position in a row's values, {file's code: existing code}) for the code columns
        whose codes the coordinator mapped onto existing ones."""
        renames = []
        for column, source in CODE_COLUMNS.get(spec.name, {}).items():
            codes = self.mapping.get(source)
            if codes and column in names:
                renames.append((names.index(column), codes))
                if column == "code":
                    self.mapped_from[spec.name] = {new: old for old, new in codes.items()}
        return renames

    def _duplicate(self, spec: FileSpec, key: str, line: int) -> str:
        mapped = self.mapped_from[spec.name]
        if key in mapped:
            return _(
                "%(code)s is to be used for %(mapped)s, but the file has %(code)s on line "
                "%(line)s too. Keep one of them."
            ) % {"code": key, "mapped": mapped[key], "line": line}
        return _("%(key)s is already on line %(line)s.") % {"key": key, "line": line}

    # planning ------------------------------------------------------------------------------

    def plan(self) -> None:
        if self.unreadable:
            return
        steps = (
            self._plan_service_areas,
            self._plan_assignment_types,
            self._plan_experts,
            self._plan_agreements,
            self._note_feedback_assignments,
            self._plan_assignments,
            self._check_agreement_changes_keep_cover,
            self._plan_supervision,
            self._plan_guidance,
            self._plan_feedback,
        )
        for number, step in enumerate(steps):
            self.report("checking", 0.5 + 0.5 * number / len(steps))
            step()
        self.records.clear()  # planned now: the parsed values are no longer needed

    def _plan_supervision(self) -> None:
        """Professionals and the supervision files: steps of their own, on this engine's
        pieces (imported here, as they import this module)."""
        from interchange.supervision_files import SupervisionSteps

        self.supervision = SupervisionSteps(self)
        self.supervision.plan()

    def _plan_guidance(self) -> None:
        """Kokemusohjaus periods and work pairs: steps of their own, after supervision's
        (pairs name its groups and professionals)."""
        from interchange.guidance_files import GuidanceSteps

        self.guidance = GuidanceSteps(self)
        self.guidance.plan()

    def _note_feedback_assignments(self) -> None:
        """The feedback files (interchange.feedback_files) need the experts of the assignment
        rows they name before those rows are planned."""
        from interchange.feedback_files import FeedbackSteps

        self.feedback = FeedbackSteps(self)
        self.feedback.note_assignment_rows()

    def _plan_feedback(self) -> None:
        self.feedback.plan()

    def _error(self, spec: FileSpec, record: _Record, column: str, message: str) -> None:
        self.errors.add(spec.name, record.line, column, message)

    def _unknown(self, spec, record, column, message, key: str, source: FileSpec) -> None:
        """Report a reference to a missing row, unless that row is in the file but broken."""
        if key not in self.broken[source.name]:
            self._error(spec, record, column, message)

    def _file(self, spec: FileSpec) -> _Planned:
        return self.planned.setdefault(spec.name, _Planned())

    def _classify(
        self, spec: FileSpec, obj, changes: list[Change], record: _Record, changed=False
    ) -> None:
        """Count the row as new, to update (listing its changes) or unchanged; ``changed``:
        it changes in ways the list does not name."""
        planned = self._file(spec)
        if obj.pk is None:
            planned.create.append(obj)
        elif changes or changed:
            planned.update.append(obj)
            shown = self.changes[spec.name]
            if len(shown) < MAX_CHANGES_SHOWN:
                key = spec.key_text(tuple(record.values.get(name) for name in spec.keys))
                shown.append(RowChanges(record.line, key, changes))
        else:
            planned.unchanged += 1

    def _changes(self, spec: FileSpec, old: dict[str, Any], obj) -> list[Change]:
        """The changed columns of a row whose fields are named as the file's columns, in the
        file's order. A new row lists none (nothing shows them): formatting every value of
        15,000 new experts and agreements took a second."""
        if obj.pk is None:
            return []
        order = spec.column_names
        return [
            Change(
                name,
                _shown(value, CHOICES.get((spec.name, name))),
                _shown(getattr(obj, name), CHOICES.get((spec.name, name))),
            )
            for name, value in sorted(old.items(), key=lambda item: order.index(item[0]))
        ]

    def _keep_before(self, model: type[Model], pk: int, old: dict[str, Any]) -> None:
        """The values an update replaces, by attname, for the journal."""
        if pk is not None and old:
            self.before.setdefault((model, pk), {}).update(old)

    def _plan_service_areas(self) -> None:
        spec = formats.SERVICE_AREAS
        existing = list(ServiceArea.objects.all())
        self.existing_area_codes = {area.code for area in existing}
        code_by_pk = {area.pk: area.code for area in existing}
        self.areas = {area.code: area for area in existing}
        # the parent code every area will have after the import
        self.area_parent = {area.code: code_by_pk.get(area.parent_id, "") for area in existing}
        records = self.records.get(spec.name, [])
        self._find_same_names(spec, records, existing)
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
            old = _set_fields(obj, self._names(spec, record))
            changes = self._changes(spec, old, obj)
            parent = self.areas.get(self.area_parent[obj.code] or None)
            changed, old_parent = _set_relation(obj, "parent", parent)
            if changed and obj.pk is not None:
                old["parent_id"] = old_parent
                old_code = code_by_pk.get(old_parent, "")
                changes.append(Change("parent_code", old_code, self.area_parent[obj.code]))
            self._keep_before(ServiceArea, obj.pk, old)
            self._classify(spec, obj, changes, record)

    def _find_same_names(self, spec: FileSpec, records: list[_Record], existing: list) -> None:
        """New codes whose name (in any of the three languages) an existing row has under
        another code: usually the same thing, which the coordinator may map onto it."""
        by_name = defaultdict(list)
        for row in existing:
            for name in {formats.folded(getattr(row, n)) for n in NAMES} - {""}:
                by_name[name].append(row)
        codes = {row.code for row in existing}
        mapped_from = self.mapped_from[spec.name]
        for record in records:
            code = record.values["code"]
            original = mapped_from.get(code, code)
            if original in codes:
                continue  # the file's code is known: an ordinary update
            names = {formats.folded(record.values.get(n) or "") for n in NAMES} - {""}
            matches = {row.code: row for name in names for row in by_name.get(name, [])}
            if matches or original != code:
                self.same_names.append(
                    SameName(
                        file=spec.name,
                        line=record.line,
                        code=original,
                        name=record.values["name"],
                        existing=sorted((c, row.name) for c, row in matches.items()),
                        mapped_to=code if original != code else "",
                    )
                )
            if original != code and code not in codes:
                self._error(
                    spec,
                    record,
                    "code",
                    _("%(code)s is not in Kokemus, so %(original)s cannot be used as it.")
                    % {"code": code, "original": original},
                )

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
        existing = list(AssignmentType.objects.all())
        self.types = {t.code: t for t in existing}
        records = self.records.get(spec.name, [])
        self._find_same_names(spec, records, existing)
        for record in records:
            code = record.values["code"]
            obj = self.types.get(code) or AssignmentType(code=code)
            self.types[code] = obj
            given = self.columns.get(spec.name, ())
            settings = {name: record.values[name] for name in TYPE_SETTINGS if name in given}
            old = _set_fields(obj, {**self._names(spec, record), **settings})
            self._keep_before(AssignmentType, obj.pk, old)
            self._classify(spec, obj, self._changes(spec, old, obj), record)

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
            old = _set_fields(obj, {name: record.values[name] for name in columns})
            if obj.training_completed_on and not obj.trained:
                self._error(spec, record, "training_completed_on", training_message)
            self._keep_before(Expert, obj.pk, old)
            self._classify(spec, obj, self._changes(spec, old, obj), record)

    def _plan_agreements(self) -> None:
        spec = formats.AGREEMENTS
        records = self.records.get(spec.name, [])
        self.agreements = _load_by_keys(Agreement, "number", [r.values["number"] for r in records])
        self.agreement_lines = {}
        self.agreement_expert = {}  # number -> the expert it will belong to
        self.cover_changed: dict[int, tuple[Agreement, _Record]] = {}
        area_code_by_pk = {a.pk: code for code, a in self.areas.items() if a.pk is not None}
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
            old = _set_fields(obj, {name: values[name] for name in columns})
            changes = self._changes(spec, old, obj)
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
                changed, old_expert = _set_relation(obj, "expert", expert)
                if changed and obj.pk is not None:
                    old["expert_id"] = old_expert
                    new = values["expert_external_id"]
                    changes.append(Change("expert_external_id", _Ref(Expert, old_expert), new))
                self.agreement_expert[values["number"]] = expert
            division = self._division(spec, record, values["division_code"])
            if division is not None:
                changed, old_division = _set_relation(obj, "division", division)
                if changed and obj.pk is not None:
                    old["division_id"] = old_division
                    old_code = area_code_by_pk.get(old_division, "")
                    changes.append(Change("division_code", old_code, values["division_code"]))
            errors_before = len(self.errors.items)
            self._check_agreement(spec, record, obj)
            if len(self.errors.items) > errors_before:
                self.experts_with_bad_agreements.add(values["expert_external_id"])
            after = (obj.expert_id, obj.status, obj.valid_from, obj.valid_until)
            if obj.pk is not None and before != after:
                self.cover_changed[obj.pk] = (obj, record)
            self._keep_before(Agreement, obj.pk, old)
            self._classify(spec, obj, changes, record)

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
        for chunk in chunks(list(expert_by_pk)):
            for agreement in Agreement.objects.filter(**in_lookup("expert_id", chunk)):
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
        """Plan the rows in slices of PLAN_SLICE, each with its stored rows: a re-import of
        100,000 unchanged rows then holds a slice's stored rows at a time, not all of them
        with all their participations (120 MB). Only the participations of an assignment
        whose experts change are kept for writing."""
        spec = formats.ASSIGNMENTS
        records = self.records.get(spec.name, [])
        self.reimported_assignments: set[int] = set()  # the pks of the file's stored rows
        self.participations = {}  # assignment pk -> expert pk -> (pk, agreement pk, hours)
        self.wanted_participations = []  # (assignment, [(expert, agreement, own hours)])
        self.removed_participations = {}  # participation pk -> the row that removes it
        if not records:
            return
        by_expert = self._agreements_by_expert()
        self._agreement_by_pk = {
            a.pk: a for agreements in by_expert.values() for a in agreements if a.pk is not None
        }
        for start in range(0, len(records), PLAN_SLICE):
            stored = self._load_assignments(records[start : start + PLAN_SLICE])
            wanted_before = len(self.wanted_participations)
            for index in range(start, min(start + PLAN_SLICE, len(records))):
                record, records[index] = records[index], None  # planned rows keep what they need
                self._plan_assignment(spec, record, stored, by_expert)
            kept = {a.pk for a, _w in self.wanted_participations[wanted_before:] if a.pk}
            for assignment in stored.values():
                if assignment.pk not in kept:
                    self.participations.pop(assignment.pk, None)
        self._refuse_removing_reported()

    def _load_assignments(self, records: list[_Record]) -> dict[str, "_AssignmentRow"]:
        """The stored rows of these records by key, and their participations."""
        stored = _load_by_keys(
            Assignment,
            "external_id",
            [r.values["external_id"] for r in records],
            select=self._select_assignment_rows,
        )
        pks = [a.pk for a in stored.values()]
        self.reimported_assignments.update(pks)
        for chunk in chunks(pks):
            rows = Participation.objects.filter(**in_lookup("assignment_id", chunk)).values_list(
                "pk", "assignment_id", "expert_id", "agreement_id", "hours"
            )
            for pk, assignment_id, expert_id, agreement_id, hours in rows:
                current = self.participations.setdefault(assignment_id, {})
                current[expert_id] = (pk, agreement_id, hours)
        return stored

    def _plan_assignment(self, spec, record: _Record, stored: dict, by_expert: dict) -> None:
        values = record.values
        columns = self.columns[spec.name] & ASSIGNMENT_COLUMNS
        assignment_type = self._code(spec, record, "type_code", self.types)
        area = self._code(spec, record, "service_area_code", self.areas)
        obj = stored.get(values["external_id"])
        changes = []
        if obj is None:
            obj = _AssignmentRow.new(values, assignment_type, area, self.by)
        else:
            old = _set_fields(obj, {name: values[name] for name in columns})
            changes = self._changes(spec, old, obj)
            for name, column, target in (
                ("type", "type_code", assignment_type),
                ("service_area", "service_area_code", area),
            ):
                current = getattr(obj, name)
                if target is not None and current is not target:
                    old[f"{name}_id"] = current.pk
                    changes.append(Change(column, current.code, target.code))
                    setattr(obj, name, target)
            self._keep_before(Assignment, obj.pk, old)
        self._check_hours(spec, record, obj)
        self._check_reach(spec, record, obj)
        expert_ids = values["expert_external_ids"]
        own_hours = self._own_hours(spec, record, obj, expert_ids)
        covered = self._covering(spec, record, obj.date, expert_ids, by_expert)
        experts_change = False
        if covered is not None:
            wanted = self._with_hours(obj, covered, own_hours)
            experts_change = self._participations_change(obj, wanted)
            if experts_change:
                if obj.pk is not None:
                    changes += self._participation_changes(obj, wanted)
                    self._note_removed(record, obj, wanted)
                self.wanted_participations.append((obj, wanted))
        self._classify(spec, obj, changes, record, changed=experts_change)

    def _note_removed(self, record: _Record, obj, wanted: list[tuple]) -> None:
        """Keep the participations the row takes away, to check them once for all rows."""
        staying = {e.pk for e, _a, _h in wanted}
        for expert_pk, (pk, _a, _h) in self.participations.get(obj.pk, {}).items():
            if expert_pk not in staying:
                self.removed_participations[pk] = record

    def _refuse_removing_reported(self) -> None:
        """An expert who reflected on an assignment or reported its hours stays on it: the
        delete would take the reflection with it (and undo could not bring it back), and the
        hours report protects its participation."""
        spec = formats.ASSIGNMENTS
        kept = Q(reflection__isnull=False) | Q(report_lines__isnull=False)
        for chunk in chunks(list(self.removed_participations)):
            rows = (
                Participation.objects.filter(kept, **in_lookup("pk", chunk))
                .values_list("pk", "expert_id", "expert__external_id")
                .distinct()
                .order_by("pk")
            )
            for pk, expert_pk, external_id in rows:
                key = external_id or keys.fallback_key(Expert._meta.label_lower, expert_pk)
                message = _(
                    "%(id)s has a reflection or an hours report on this assignment and "
                    "cannot be taken off it."
                )
                record = self.removed_participations[pk]
                self._error(spec, record, "expert_external_ids", message % {"id": key})

    def _participation_changes(self, obj, wanted: list[tuple]) -> list[Change]:
        """How an existing assignment's experts, own hours or covering agreements change."""
        current = self.participations.get(obj.pk, {})
        key_by_pk = {e.pk: key for key, e in self.experts.items() if e.pk is not None}
        old_experts = [key_by_pk.get(pk) or _Ref(Expert, pk) for pk in current]
        new_experts = [e.external_id or key for key, e in self._keys_of(wanted)]
        changes = []
        if {e.pk for e, _a, _h in wanted} != set(current):
            changes.append(
                Change("expert_external_ids", _shown_list(old_experts), _shown_list(new_experts))
            )
        old_hours = {expert_pk: h for expert_pk, (_pk, _a, h) in current.items()}
        new_hours = {e.pk: h for e, _a, h in wanted}
        hours_differ = any(
            old_hours[pk] != hours for pk, hours in new_hours.items() if pk in old_hours
        )
        any_own = any(h is not None for h in [*old_hours.values(), *new_hours.values()])
        if hours_differ or (changes and any_own):
            changes.append(
                Change(
                    "expert_hours",
                    _shown_list(list(old_hours.values())),
                    _shown_list(list(new_hours.values())),
                )
            )
        old_agreements = {pk: a for pk, (_p, a, _h) in current.items()}
        moved = [
            (old_agreements[e.pk], a)
            for e, a, _h in wanted
            if e.pk in old_agreements and old_agreements[e.pk] != a.pk
        ]
        if moved:
            changes.append(
                Change(
                    _("covering agreement"),
                    _shown_list([self._agreement_number(pk) for pk, _a in moved]),
                    _shown_list([a.number for _pk, a in moved]),
                )
            )
        return changes

    def _keys_of(self, wanted: list[tuple]) -> list[tuple[str, Expert]]:
        key_by_id = {id(e): key for key, e in self.experts.items()}
        return [(key_by_id.get(id(e), ""), e) for e, _a, _h in wanted]

    def _agreement_number(self, pk: int) -> Any:
        agreement = self._agreement_by_pk.get(pk)
        return agreement.number if agreement is not None else _Ref(Agreement, pk)

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

    def _with_hours(self, obj, covered: list, own_hours: list | None) -> "_Wanted":
        """(expert, agreement, own hours) for each expert; without an ``expert_hours``
        column a participation keeps the own hours it has."""
        if own_hours is None:
            current = self.participations.get(obj.pk, {}) if obj.pk else {}
            own_hours = [current.get(e.pk, (None, None, None))[2] for e, _a in covered]
        return _Wanted(
            value for (e, a), h in zip(covered, own_hours, strict=True) for value in (e, a, h)
        )

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

    def _check_reach(self, spec, record, obj) -> None:
        """People reached and their group come together (the model's rule), as the row leaves
        them: a file with one of the two columns may complete what is recorded."""
        if (obj.people_reached is None) == (not obj.reached_group):
            return
        column = "reached_group" if obj.people_reached is not None else "people_reached"
        message = _constraint_message(Assignment, "assignment_reach_has_its_group")
        self._error(spec, record, column, message)

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
        reimported = self.reimported_assignments
        rows = []
        for chunk in chunks(list(self.cover_changed)):
            rows += Participation.objects.filter(**in_lookup("agreement_id", chunk)).values_list(
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
        with foreign_keys.checked_at_once(self._inserted_rows()):
            self._write()

    def _inserted_rows(self) -> int:
        """About how many rows the writes insert (new participations of changed assignments
        counted whole): enough to tell a large import from a small one."""
        new_assignments = len(self._file(formats.ASSIGNMENTS).create)
        return new_assignments + sum(len(wanted) for _a, wanted in self.wanted_participations)

    def _write(self) -> None:
        now = timezone.now()
        journal = self.journal
        areas = self._file(formats.SERVICE_AREAS)
        ServiceArea.objects.bulk_create([a for a in areas.create if not self.area_parent[a.code]])
        ServiceArea.objects.bulk_create([a for a in areas.create if self.area_parent[a.code]])
        ServiceArea.objects.bulk_update(areas.update, [*NAMES, "parent"], batch_size=WRITE_BATCH)
        self._journal_reference_data(ServiceArea, areas, [*NAMES, "parent_id"])

        types = self._file(formats.ASSIGNMENT_TYPES)
        AssignmentType.objects.bulk_create(types.create)
        fields = [*NAMES, *TYPE_SETTINGS]
        AssignmentType.objects.bulk_update(types.update, fields, batch_size=WRITE_BATCH)
        self._journal_reference_data(AssignmentType, types, fields)

        experts = self._file(formats.EXPERTS)
        insert_objects(Expert, experts.create)
        journal.created(Expert, (e.pk for e in experts.create))
        fields = self.columns.get(formats.EXPERTS.name, set()) - {"external_id"}
        self._bulk_update_versioned(Expert, experts.update, fields, now)

        agreements = self._file(formats.AGREEMENTS)
        insert_objects(Agreement, agreements.create)
        journal.created(Agreement, (a.pk for a in agreements.create))
        fields = {"expert", "division"} | (
            self.columns.get(formats.AGREEMENTS.name, set())
            - {"number", "expert_external_id", "division_code"}
        )
        self._bulk_update_versioned(Agreement, agreements.update, fields, now)

        assignments = self._file(formats.ASSIGNMENTS)
        self._insert_new_assignments(assignments.create, now)
        journal.created(Assignment, (a.pk for a in assignments.create))
        fields = {"type", "service_area"} | (
            self.columns.get(formats.ASSIGNMENTS.name, set()) & ASSIGNMENT_COLUMNS
        )
        self._bulk_update_versioned(Assignment, assignments.update, fields, now)
        self._write_participations()
        self.supervision.apply()
        self.guidance.apply()
        self.feedback.apply()

    def _journal_reference_data(self, model, planned: _Planned, names: list[str]) -> None:
        """Service areas and types have no version: the journal keeps the values the import
        left, so that an undo can tell whether someone changed them since."""
        self.journal.created(model, (obj.pk for obj in planned.create))
        for obj in planned.create:
            self.journal.created_values(model, obj.pk, {n: getattr(obj, n) for n in names})
        for obj in planned.update:
            before = self.before.get((model, obj.pk), {})
            after = {name: getattr(obj, name) for name in before}
            self.journal.updated(model, obj.pk, before, after)

    def _bulk_update_versioned(self, model, rows: list, fields: set[str], now) -> None:
        """Bump the version so that a form opened before the import refuses a stale save;
        the journal keeps the values replaced and the version left."""
        objs = []
        for row in rows:
            before = self.before.get((model, row.pk), {})
            self.journal.updated(model, row.pk, {**before, "version": row.version})
            obj = row.as_model() if isinstance(row, _AssignmentRow) else row
            obj.version = F("version") + 1
            obj.updated_at = now
            objs.append(obj)
        model.objects.bulk_update(
            objs, sorted(fields | {"version", "updated_at"}), batch_size=WRITE_BATCH
        )

    def _insert_new_assignments(self, new: list[_AssignmentRow], now) -> None:
        pks = allocated_pks(Assignment, len(new))
        if pks is not None:
            for row, pk in zip(new, pks, strict=True):
                row.pk = pk
        insert_rows(
            Assignment,
            (
                {
                    "id": a.pk,
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
                    "people_reached": a.people_reached,
                    "reached_group": a.reached_group,
                    "version": 1,
                    "created_by_id": a.created_by.pk if a.created_by else None,
                    "created_at": now,
                    "updated_at": now,
                }
                for a in new
            ),
            with_pk=pks is not None,
        )
        if pks is None:
            self._read_back_pks(new)

    def _read_back_pks(self, new: list[_AssignmentRow]) -> None:
        by_key = {a.external_id: a for a in new}
        for chunk in chunks(list(by_key)):
            rows = Assignment.objects.filter(**in_lookup("external_id", chunk)).values_list(
                "external_id", "pk"
            )
            for external_id, pk in rows:
                by_key[external_id].pk = pk

    def _write_participations(self) -> None:
        """Make each assignment's participations the wanted ones. The journal gets the
        removed rows whole, the old values of changed ones and the new rows on assignments
        that existed; those of new assignments go with their assignment."""
        remove, change = [], []
        removed_rows, existing_assignments = [], []
        new_assignments = {id(a) for a in self._file(formats.ASSIGNMENTS).create}
        for assignment, wanted in self.wanted_participations:
            current = self.participations.get(assignment.pk, {})
            if id(assignment) not in new_assignments:
                existing_assignments.append(assignment.pk)
            if not current:
                continue  # every participation is new: _new_participations writes them
            wanted_experts = {expert.pk for expert, _agreement, _hours in wanted}
            for expert_pk, (pk, agreement_pk, hours) in current.items():
                if expert_pk not in wanted_experts:
                    remove.append(pk)
                    removed_rows.append(
                        {
                            "id": pk,
                            "assignment_id": assignment.pk,
                            "expert_id": expert_pk,
                            "agreement_id": agreement_pk,
                            "hours": hours,
                        }
                    )
            for expert, agreement, hours in wanted:
                if expert.pk in current:
                    pk, agreement_pk, current_hours = current[expert.pk]
                    if (agreement_pk, current_hours) != (agreement.pk, hours):
                        change.append(Participation(pk=pk, agreement=agreement, hours=hours))
                        before = {"agreement_id": agreement_pk, "hours": current_hours}
                        self.journal.updated(Participation, pk, before)
        for chunk in chunks(remove):
            Participation.objects.filter(pk__in=chunk).delete()
        self.journal.deleted(Participation, removed_rows)
        Participation.objects.bulk_update(change, ["agreement", "hours"], batch_size=WRITE_BATCH)
        insert_rows(Participation, self._new_participations())
        self._journal_new_participations(existing_assignments)

    def _new_participations(self) -> Iterator[dict[str, Any]]:
        """The rows to insert, made one at a time: as a list, 570,000 of them took 200 MB.
        Experts and agreements give their ``id``, not ``pk``: a model's ``pk`` is a property
        that looks its field up (0.4 s of CPU for 200,000 rows)."""
        participations = self.participations
        for assignment, wanted in self.wanted_participations:
            current = participations.get(assignment.pk, ())
            # The assignment's days, as the database's trigger would copy them (agreements
            # migration 0007): given here, 200,000 rows skip a lookup each.
            first_day, last_day = assignment.date, assignment.end_date or assignment.date
            for expert, agreement, hours in wanted:
                if expert.id not in current:
                    yield {
                        "assignment_id": assignment.pk,
                        "expert_id": expert.id,
                        "agreement_id": agreement.id,
                        "hours": hours,
                        "first_day": first_day,
                        "last_day": last_day,
                    }

    def _journal_new_participations(self, assignment_pks: list[int]) -> None:
        """The participations this import added to assignments that had some before."""
        known = {
            pk
            for assignment_pk in assignment_pks
            for pk, _a, _h in self.participations.get(assignment_pk, {}).values()
        }
        for chunk in chunks(assignment_pks):
            pks = Participation.objects.filter(**in_lookup("assignment_id", chunk)).values_list(
                "pk", flat=True
            )
            self.journal.created(Participation, (pk for pk in pks if pk not in known))

    # the result ------------------------------------------------------------------------------

    def result(self) -> ImportResult:
        counts = {}
        for spec in formats.FILES:
            if spec.name in self.tables:
                planned = self.planned.get(spec.name, _Planned())
                counts[spec.name] = FileCounts(
                    len(planned.create), len(planned.update), planned.unchanged
                )
        changes = {name: rows for name, rows in self.changes.items() if rows}
        _resolve_refs(changes)
        return ImportResult(
            counts=counts,
            errors=self.errors.items,
            more_errors=self.errors.more,
            changes=changes,
            same_names=self.same_names,
        )


def _resolve_refs(changes: dict[str, list[RowChanges]]) -> None:
    """Show rows the plan did not load (an agreement's former expert) by their keys: one
    lookup per model for all of them."""
    refs = defaultdict(set)
    for rows in changes.values():
        for row in rows:
            for change in row.changes:
                for value in (change.old, change.new):
                    for ref in value if isinstance(value, tuple) else (value,):
                        if isinstance(ref, _Ref) and ref.pk is not None:
                            refs[ref.model].add(ref.pk)
    found = {}
    for model, pks in refs.items():
        key_field = KEY_FIELDS[model]
        for pk, key in model.objects.filter(pk__in=sorted(pks)).values_list("pk", key_field):
            found[(model, pk)] = key or keys.fallback_key(model._meta.label_lower, pk)

    def text(value):
        if isinstance(value, _Ref):
            return found.get((value.model, value.pk), "")
        if isinstance(value, tuple):
            return formats.ID_SEPARATOR.join(text(v) for v in value)
        return value

    for rows in changes.values():
        for row in rows:
            for change in row.changes:
                change.old, change.new = text(change.old), text(change.new)
