"""The monthly follow-up figures (SPEC "The monthly follow-up table"), read once for every
page, export and the ``monthly_report`` command.

Every figure comes from an aggregate query grouped by month in the database; Python only
places the grouped rows into twelve months. Two queries in all, whatever the amount of data
(docs/performance.md "Monthly report"):

1. the reference data (types, service areas with their divisions): codes and labels by id;
2. one statement of tagged GROUP BYs joined with UNION ALL (see _figure_rows): agreements
   signed per month; counted assignments per month × type × service area, by ids (by type, by
   area, by division and the type × division table are sums of these groups); participations
   per month (count, hours, fees) and the active experts per month and over the year (see
   _people); supervision sessions per month; present attendances per month and the experts
   among them per month and over the year.

All dates in the figures are ``DateField`` values (calendar days in Europe/Helsinki), so a month
is the same on SQLite and PostgreSQL. Sums of decimals are rounded to cents (half up) in Python,
because SQLite adds decimals as floating point.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import DecimalField, ExpressionWrapper, F, IntegerField, Q, Value
from django.db.models.functions import Cast, Coalesce, ExtractMonth
from django.utils import timezone

from agreements.models import Agreement, Assignment, AssignmentStatus, Participation
from kokemus.money import cents
from kokemus.translated_names import in_active_language
from registry.models import AssignmentType, ServiceArea
from supervision.models import Attendance, SupervisionSession

MONTHS = range(1, 13)
MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)


@dataclass
class Figures:
    """The figures of one month, or of the whole year (``month`` None)."""

    month: int | None
    new_agreements: int = 0
    assignments: int = 0
    participations: int = 0
    hours: Decimal = Decimal("0.00")
    fees: Decimal = Decimal("0.00")
    travel: Decimal = Decimal("0.00")  # payroll: approved lines' travel compensation
    other_costs: Decimal = Decimal("0.00")  # payroll: approved lines' other costs
    active_experts: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    by_service_area: dict[str, int] = field(default_factory=dict)
    by_division: dict[str, int] = field(default_factory=dict)
    supervision_sessions: int = 0
    supervision_attendances: int = 0
    supervision_experts: int = 0


@dataclass
class Label:
    code: str
    name: str
    division: str = ""  # a service area's division code (its own code for a division)


@dataclass
class MonthlyFigures:
    year: int
    division: Label | None
    months: list[Figures]
    totals: Figures
    # (type code, division code) -> assignments over the year
    type_by_division: dict[tuple[str, str], int]
    types: list[Label]
    service_areas: list[Label]
    divisions: list[Label]
    all_divisions: list[Label]  # every division, for a filter: not only those with figures


def default_year(now: datetime.datetime | None = None) -> int:
    """The current year in Europe/Helsinki (at 23.30 UTC on 31 December it is already next)."""
    return timezone.localdate(now).year


def _year_range(year: int, lookup: str) -> Q:
    """Dates of the year as a range, so the date indexes serve it."""
    return Q(
        **{
            f"{lookup}__gte": datetime.date(year, 1, 1),
            f"{lookup}__lt": datetime.date(year + 1, 1, 1),
        }
    )


def _in_division(division: ServiceArea | None, prefix: str = "") -> Q:
    """An assignment directed to the division itself or to a service under it."""
    if division is None:
        return Q()
    areas = ServiceArea.objects.filter(Q(pk=division.pk) | Q(parent_id=division.pk)).values("pk")
    return Q(**{f"{prefix}service_area__in": areas})


def counted_assignments(year: int, division: ServiceArea | None = None):
    """Assignments dated in ``year`` that are not cancelled (planned and done both count)."""
    return Assignment.objects.filter(_year_range(year, "date"), _in_division(division)).exclude(
        status=AssignmentStatus.CANCELLED
    )


def counted_participations(year: int, division: ServiceArea | None = None):
    return Participation.objects.filter(
        _year_range(year, "assignment__date"), _in_division(division, "assignment__")
    ).exclude(assignment__status=AssignmentStatus.CANCELLED)


def _present_attendances(year: int, division: ServiceArea | None):
    attendances = Attendance.objects.filter(_year_range(year, "session__date"), present=True)
    if division is not None:
        attendances = attendances.filter(session__group__division_id=division.pk)
    return attendances


def _add(counts: dict[str, int], key: str, number: int) -> None:
    counts[key] = counts.get(key, 0) + number


def _month(date_field: str):
    """The month as an integer on both databases (PostgreSQL's EXTRACT gives a numeric)."""
    return Cast(ExtractMonth(date_field), IntegerField())


def _agreement_rows(year, division):
    agreements = Agreement.objects.filter(_year_range(year, "signed_on"))
    if division is not None:
        agreements = agreements.filter(division_id=division.pk)
    return agreements.annotate(month=_month("signed_on")).values("month").order_by()


def _assignment_rows(year, division):
    """The year's counted assignments: an index-only scan of assignment_report_idx."""
    return (
        counted_assignments(year, division)
        .annotate(month=_month("date"))
        .values("month", "type_id", "service_area_id")
        .order_by()
    )


def _participation_rows(year, division):
    """Each participation with its month, expert, hours (own hours first) and fee."""
    worked = Coalesce("hours", "assignment__hours", output_field=MONEY)
    return (
        counted_participations(year, division)
        .annotate(
            month=_month("assignment__date"),
            who=F("expert_id"),
            worked=worked,
            fee=ExpressionWrapper(
                worked * Coalesce("agreement__hourly_fee", ZERO), output_field=MONEY
            ),
        )
        .values("month", "who", "worked", "fee")
        .order_by()
    )


def _session_rows(year, division):
    sessions = SupervisionSession.objects.filter(_year_range(year, "date"))
    if division is not None:
        sessions = sessions.filter(group__division_id=division.pk)
    return sessions.annotate(month=_month("date")).values("month").order_by()


def _attendance_rows(year, division):
    """Present attendances (professionals too, ``who`` NULL) with the expert who attended."""
    return (
        _present_attendances(year, division)
        .annotate(month=_month("session__date"), who=F("membership__expert_id"))
        .values("month", "who")
        .order_by()
    )


def _people(cte: str, tag: str) -> str:
    """Distinct people per month and over the year, without COUNT(DISTINCT) per month.

    Each person's months become a bit mask (bit 0 = January): the bitwise OR of their months'
    powers of two ({months}, filled in by _compile). The rows are (tag, mask, number of people
    with that mask), at most 4095 of them. A person counts in every month whose bit is set and
    once in the year.
    """
    return (
        f"SELECT '{tag}', mask, NULL, NULL, COUNT(*), NULL, NULL FROM ("
        f"SELECT {{months}} AS mask FROM {cte} WHERE who IS NOT NULL "
        "GROUP BY who) people GROUP BY mask"
    )


# The bitwise OR of the months: PostgreSQL has it (~0.4 ms faster at 10k); on SQLite the sum
# of the DISTINCT powers of two is the same number.
_MONTH_MASK = {"postgresql": "BIT_OR(1 << (month - 1))"}
_MONTH_MASK_DEFAULT = "SUM(DISTINCT 1 << (month - 1))"

# Every branch gives (tag, key 1, key 2, key 3, count, sum 1, sum 2). The first one names the
# column types: PostgreSQL reads a bare NULL there as text, which no number can join.
_BRANCHES = (
    "SELECT 'participations', month, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), COUNT(*), "
    "SUM(worked), SUM(fee) FROM p GROUP BY month",
    _people("p", "experts"),
    "SELECT 'agreements', month, NULL, NULL, COUNT(*), NULL, NULL FROM ({agreements}) g "
    "GROUP BY month",
    "SELECT 'assignments', month, type_id, service_area_id, COUNT(*), NULL, NULL "
    "FROM ({assignments}) a GROUP BY month, type_id, service_area_id",
    "SELECT 'sessions', month, NULL, NULL, COUNT(*), NULL, NULL FROM ({sessions}) s GROUP BY month",
    "SELECT 'attendances', month, NULL, NULL, COUNT(*), NULL, NULL FROM v GROUP BY month",
    _people("v", "attendees"),
)


def _compile(vendor: str, year: int, division: ServiceArea | None) -> tuple[str, list]:
    """Every figure of the year in ONE statement: each part is grouped in the database.

    The participations (``p``) and the attendances (``v``) are read once each, as common
    table expressions that two branches share. The same SQL runs on SQLite and PostgreSQL.
    """
    parts = {
        "p": _participation_rows(year, division),
        "v": _attendance_rows(year, division),
        "agreements": _agreement_rows(year, division),
        "assignments": _assignment_rows(year, division),
        "sessions": _session_rows(year, division),
    }
    sql, params = {}, []
    for name, rows in parts.items():  # in the order the SQL text holds their placeholders
        sql[name], part_params = rows.query.sql_with_params()
        params.extend(part_params)
    statement = f"WITH p AS ({sql['p']}), v AS ({sql['v']}) " + " UNION ALL ".join(
        branch.format(**sql, months=_MONTH_MASK.get(vendor, _MONTH_MASK_DEFAULT))
        for branch in _BRANCHES
    )
    return statement, params


# The statement's text depends only on the database and on whether a division is chosen, so it
# is compiled once for each with stand-in values, found again by value among its parameters:
# no report year is 1 and no primary key is negative.
_STAND_IN_YEAR = 1
_STAND_IN_DIVISION = -271_828
_STATEMENTS: dict[tuple[str, bool], tuple[str, tuple]] = {}


def _slot_values(connection, year: int, division: ServiceArea | None) -> dict:
    adapt = connection.ops.adapt_datefield_value
    return {
        "start": adapt(datetime.date(year, 1, 1)),
        "end": adapt(datetime.date(year + 1, 1, 1)),
        "division": None if division is None else division.pk,
    }


def _statement(connection, divided: bool) -> tuple[str, tuple]:
    """The cached SQL text and its parameters: (slot name, stand-in) or (None, a constant)."""
    key = (connection.vendor, divided)
    if key not in _STATEMENTS:
        stand_in = ServiceArea(pk=_STAND_IN_DIVISION) if divided else None
        sql, params = _compile(connection.vendor, _STAND_IN_YEAR, stand_in)
        names = {v: k for k, v in _slot_values(connection, _STAND_IN_YEAR, stand_in).items()}
        template = tuple((names.get(p), p) for p in params)
        found = {name for name, _value in template if name}
        if found != {"start", "end", "division"} - (set() if divided else {"division"}):
            raise RuntimeError(f"stand-in parameters not found in the report's SQL: {found}")
        _STATEMENTS[key] = sql, template
    return _STATEMENTS[key]


def _figure_rows(year: int, division: ServiceArea | None) -> list[tuple]:
    connection = connections[DEFAULT_DB_ALIAS]
    sql, template = _statement(connection, division is not None)
    values = _slot_values(connection, year, division)
    return _fetch(sql, [values[name] if name else constant for name, constant in template])


def _fetch(statement: str, params: list) -> list[tuple]:
    """Run the statement; on PostgreSQL with its parameters bound by the server.

    Django has psycopg bind parameters on the client and send the statement as a simple query;
    the extended protocol runs this statement ~0.5 ms faster at 10k assignments (the raw
    GROUP BY of the benchmark ~0.2 ms). The cursor is Django's wrapper, so the statement is
    logged and counted like any other. JIT is off for every connection (settings.py).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    postgresql = connection.vendor == "postgresql"
    with _server_bound_cursor(connection) if postgresql else connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _server_bound_cursor(connection):
    connection.ensure_connection()
    cursor = psycopg.Cursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


class _Place:
    """Puts the grouped rows into the months; codes come from the reference data."""

    def __init__(self, months, totals, type_by_division, reference):
        self.months, self.totals = months, totals
        self.type_by_division = type_by_division
        self.type_codes = {pk: t.code for pk, t in reference.types.items()}
        self.area_codes = {
            pk: (a.code, reference.division(a).code) for pk, a in reference.areas.items()
        }
        self.people: dict[str, list[tuple[int, int]]] = {"experts": [], "attendees": []}

    def rows(self, rows) -> None:
        assignments = []
        for tag, key, type_id, area_id, n, sum1, sum2 in rows:
            if tag == "assignments":
                assignments.append((key, type_id, area_id, n))
            elif tag in self.people:
                self.people[tag].append((int(key), int(n)))
            elif tag == "participations":
                figures = self.months[key]
                figures.participations = int(n)
                figures.hours, figures.fees = cents(sum1), cents(sum2)
            else:
                setattr(self.months[key], _COUNTS[tag], int(n))
        self.assignments(assignments)

    def assignments(self, groups) -> None:
        """The (month, type, area) groups, the bulk of the rows: one plain loop, no calls."""
        months, type_codes, area_codes = self.months, self.type_codes, self.area_codes
        type_by_division = self.type_by_division
        for month, type_id, area_id, n in groups:
            figures = months[month]
            type_code = type_codes[type_id]
            area_code, division_code = area_codes[area_id]
            figures.assignments += n
            counts = figures.by_type
            counts[type_code] = counts.get(type_code, 0) + n
            counts = figures.by_service_area
            counts[area_code] = counts.get(area_code, 0) + n
            counts = figures.by_division
            counts[division_code] = counts.get(division_code, 0) + n
            key = (type_code, division_code)
            type_by_division[key] = type_by_division.get(key, 0) + n

    def distinct_people(self) -> None:
        for tag, name in (("experts", "active_experts"), ("attendees", "supervision_experts")):
            masks = self.people[tag]
            for number, figures in self.months.items():
                count = sum(n for mask, n in masks if mask >> (number - 1) & 1)
                setattr(figures, name, count)
            setattr(self.totals, name, sum(n for _mask, n in masks))


_COUNTS = {
    "agreements": "new_agreements",
    "sessions": "supervision_sessions",
    "attendances": "supervision_attendances",
}


def _sum_months(months: list[Figures], totals: Figures) -> None:
    """Totals of the additive figures; the distinct-expert counts come from their own query."""
    for figures in months:
        totals.new_agreements += figures.new_agreements
        totals.assignments += figures.assignments
        totals.participations += figures.participations
        totals.hours += figures.hours
        totals.fees += figures.fees
        totals.travel += figures.travel
        totals.other_costs += figures.other_costs
        totals.supervision_sessions += figures.supervision_sessions
        totals.supervision_attendances += figures.supervision_attendances
        for name in ("by_type", "by_service_area", "by_division"):
            for code, n in getattr(figures, name).items():
                _add(getattr(totals, name), code, n)


@dataclass(frozen=True)
class _Row:
    """An assignment type or a service area as the report needs it."""

    pk: int
    code: str
    name: str
    is_active: bool
    sort_order: int
    parent_id: int | None


@dataclass
class _Reference:
    types: dict[int, _Row]  # in sort order
    areas: dict[int, _Row]

    def division(self, area: _Row) -> _Row:
        return area if area.parent_id is None else self.areas[area.parent_id]

    def all_divisions(self) -> list[Label]:
        """Every division, for the page's filter."""
        found = sorted(
            (a for a in self.areas.values() if a.parent_id is None), key=lambda a: (a.name, a.code)
        )
        return [Label(a.code, a.name, a.code) for a in found]


def _reference() -> _Reference:
    """Assignment types and service areas by id, named in the page's language: one statement
    over two small tables."""
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    types, areas = quote(AssignmentType._meta.db_table), quote(ServiceArea._meta.db_table)
    statement = (
        "SELECT 0, id, code, name, name_sv, name_en, is_active, sort_order, NULL "
        f"FROM {types} UNION ALL "
        f"SELECT 1, id, code, name, name_sv, name_en, is_active, 0, parent_id FROM {areas}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement)
        rows = [(kind, _Row(pk, code, in_active_language(*names), bool(active), order, parent))
                for kind, pk, code, *names, active, order, parent in cursor.fetchall()]  # fmt: skip
    ordered = sorted((row for kind, row in rows if kind == 0), key=lambda t: (t.sort_order, t.code))
    return _Reference(
        types={t.pk: t for t in ordered},
        areas={row.pk: row for kind, row in rows if kind == 1},
    )


def _labels(division: ServiceArea | None, totals: Figures, reference: _Reference):
    """Row labels: types and areas in use, plus any that have figures this year."""
    types = [
        Label(t.code, t.name)
        for t in reference.types.values()
        if t.is_active or t.code in totals.by_type
    ]
    shown = [
        a
        for a in reference.areas.values()
        if (division is None or reference.division(a).pk == division.pk)
        and (a.is_active or a.code in totals.by_service_area or a.code in totals.by_division)
    ]

    def order(area: _Row):  # each division, then its services, by name
        own = reference.division(area)
        return (own.name, own.code, area.parent_id is not None, area.name)

    shown.sort(key=order)
    labels = [Label(a.code, a.name, reference.division(a).code) for a in shown]
    division_labels = sorted(
        (label for label in labels if label.code == label.division), key=lambda d: d.name
    )
    return types, labels, division_labels


def _approved_lines(months: dict[int, Figures], year: int, division) -> None:
    """Fees follow the SPEC's definition over approved hours report lines (the expert's own
    hours × the covering agreement's hourly fee, plus its per-assignment fee, to the cent, half
    up, per line); travel compensation and other costs are figures of their own. One aggregate
    query (payroll.selectors.approved_figures_by_month)."""
    from payroll.selectors import approved_figures_by_month  # payroll builds on this app's data

    for number, approved in approved_figures_by_month(year, division).items():
        figures = months[number]
        figures.fees = approved.fees
        figures.travel = approved.travel
        figures.other_costs = approved.other_costs


def monthly_figures(year: int, division: ServiceArea | None = None) -> MonthlyFigures:
    """All figures of the monthly follow-up table for ``year``, optionally for one division."""
    months = {number: Figures(month=number) for number in MONTHS}
    totals = Figures(month=None)
    type_by_division: dict[tuple[str, str], int] = {}
    reference = _reference()
    place = _Place(months, totals, type_by_division, reference)
    place.rows(_figure_rows(year, division))
    place.distinct_people()
    # --- payroll: fees (SPEC figure 6, over approved hours report lines), travel, other costs ---
    _approved_lines(months, year, division)
    # --- end payroll ---
    ordered = [months[number] for number in MONTHS]
    _sum_months(ordered, totals)
    types, areas, division_labels = _labels(division, totals, reference)
    return MonthlyFigures(
        year=year,
        division=Label(division.code, division.translated_name) if division else None,
        months=ordered,
        totals=totals,
        type_by_division=type_by_division,
        types=types,
        service_areas=areas,
        divisions=division_labels,
        all_divisions=reference.all_divisions(),
    )
