"""The monthly follow-up figures (SPEC "The monthly follow-up table"), read once for every
page, export and the ``monthly_report`` command.

Every figure comes from an aggregate query grouped by month in the database; Python only
places the grouped rows into twelve months. Seven queries in all, whatever the amount of data:

1. agreements signed per month,
2. counted assignments per month × type × service area, grouped by ids (by type, by area, by
   division and the type × division table are sums of these groups),
3. participations per month: count, hours and fees, and the active experts per month and over
   the year (see _per_month_with_people),
4. supervision sessions per month,
5. present attendances per month, and the experts among them per month and over the year,
6. and 7. the reference data (types, service areas with their divisions): codes and labels.

All dates in the figures are ``DateField`` values (calendar days in Europe/Helsinki), so a month
is the same on SQLite and PostgreSQL. Sums of decimals are rounded to cents in Python, because
SQLite adds decimals as floating point.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections
from django.db.models import Count, DecimalField, ExpressionWrapper, F, IntegerField, Q, Value
from django.db.models.functions import Cast, Coalesce, ExtractMonth
from django.utils import timezone

from agreements.models import Agreement, Assignment, AssignmentStatus, Participation
from registry.models import AssignmentType, ServiceArea
from supervision.models import Attendance, SupervisionSession

MONTHS = range(1, 13)
CENT = Decimal("0.01")
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


def default_year(now: datetime.datetime | None = None) -> int:
    """The current year in Europe/Helsinki (at 23.30 UTC on 31 December it is already next)."""
    return timezone.localdate(now).year


def divisions() -> list[ServiceArea]:
    return list(ServiceArea.objects.filter(parent__isnull=True).order_by("name", "code"))


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
    areas = ServiceArea.objects.filter(Q(pk=division.pk) | Q(parent=division)).values("pk")
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
        attendances = attendances.filter(session__group__division=division)
    return attendances


def _cents(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


def _add(counts: dict[str, int], key: str, number: int) -> None:
    counts[key] = counts.get(key, 0) + number


def _agreements_by_month(year, division, months) -> None:
    agreements = Agreement.objects.filter(_year_range(year, "signed_on"))
    if division is not None:
        agreements = agreements.filter(division=division)
    rows = (
        agreements.annotate(month=ExtractMonth("signed_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        months[row["month"]].new_agreements = row["n"]


def _assignments_by_month(year, division, months, type_by_division, reference) -> None:
    """Grouped by ids (an index-only scan on PostgreSQL); codes come from the reference data."""
    rows = (
        counted_assignments(year, division)
        .annotate(month=ExtractMonth("date"))
        .values_list("month", "type_id", "service_area_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for month, type_id, area_id, n in rows:
        type_code = reference.types[type_id].code
        area = reference.areas[area_id]
        figures = months[month]
        figures.assignments += n
        _add(figures.by_type, type_code, n)
        _add(figures.by_service_area, area.code, n)
        _add(figures.by_division, area.division.code, n)
        key = (type_code, area.division.code)
        type_by_division[key] = type_by_division.get(key, 0) + n


def _per_month_with_people(rows, sums: list[str]) -> tuple[dict, dict[int, int], int]:
    """Sums per month and the distinct people per month and over the year, in ONE query.

    ``rows`` is a values() queryset with ``month`` (an integer), ``who`` (a person's id or
    NULL) and the columns named in ``sums``. It is read once (a CTE); one branch sums it per
    month, the other turns each person's months into a bit mask (bit 0 = January) and counts
    how many people share each mask (at most 4095 rows). A person counts in every month whose
    bit is set and once in the year, without COUNT(DISTINCT) and its sorts. The same SQL runs
    on SQLite and PostgreSQL.
    """
    sql, params = rows.query.sql_with_params()
    sum_columns = "".join(f", SUM({name})" for name in sums)
    nulls = ", NULL" * len(sums)
    statement = (
        f"WITH r AS ({sql}) "
        f"SELECT 0, month, COUNT(*){sum_columns} FROM r GROUP BY month "
        f"UNION ALL SELECT 1, mask, COUNT(*){nulls} FROM ("
        "SELECT who, SUM(1 << (month - 1)) AS mask FROM ("
        "SELECT DISTINCT who, month FROM r WHERE who IS NOT NULL) pairs GROUP BY who"
        ") people GROUP BY mask"
    )
    with connections[rows.db].cursor() as cursor:
        cursor.execute(statement, params)
        result = cursor.fetchall()
    per_month = {row[1]: row[2:] for row in result if row[0] == 0}
    masks = [(int(row[1]), row[2]) for row in result if row[0] == 1]
    people = {number: sum(n for mask, n in masks if mask >> (number - 1) & 1) for number in MONTHS}
    return per_month, people, sum(n for _mask, n in masks)


def _participations_by_month(year, division, months, totals) -> None:
    """Participations, hours (own hours first), fees and active experts."""
    worked = Coalesce("hours", "assignment__hours", output_field=MONEY)
    rows = (
        counted_participations(year, division)
        .annotate(
            month=Cast(ExtractMonth("assignment__date"), IntegerField()),
            who=F("expert_id"),
            worked=worked,
            fee=ExpressionWrapper(
                worked * Coalesce("agreement__hourly_fee", ZERO), output_field=MONEY
            ),
        )
        .values("month", "who", "worked", "fee")
        .order_by()
    )
    per_month, people, year_people = _per_month_with_people(rows, ["worked", "fee"])
    for number, (count, hours, fees) in per_month.items():
        figures = months[number]
        figures.participations, figures.hours, figures.fees = count, _cents(hours), _cents(fees)
    for number, count in people.items():
        months[number].active_experts = count
    totals.active_experts = year_people


def _supervision_by_month(year, division, months, totals) -> None:
    """Sessions held; present attendances (professionals too) and the experts among them."""
    sessions = SupervisionSession.objects.filter(_year_range(year, "date"))
    if division is not None:
        sessions = sessions.filter(group__division=division)
    rows = sessions.annotate(month=ExtractMonth("date")).values("month").annotate(n=Count("pk"))
    for row in rows.order_by():
        months[row["month"]].supervision_sessions = row["n"]
    attendances = (
        _present_attendances(year, division)
        .annotate(
            month=Cast(ExtractMonth("session__date"), IntegerField()),
            who=F("membership__expert_id"),
        )
        .values("month", "who")
        .order_by()
    )
    per_month, people, year_people = _per_month_with_people(attendances, [])
    for number, (count,) in per_month.items():
        months[number].supervision_attendances = count
    for number, count in people.items():
        months[number].supervision_experts = count
    totals.supervision_experts = year_people


def _sum_months(months: list[Figures], totals: Figures) -> None:
    """Totals of the additive figures; the distinct-expert counts come from their own query."""
    for figures in months:
        totals.new_agreements += figures.new_agreements
        totals.assignments += figures.assignments
        totals.participations += figures.participations
        totals.hours += figures.hours
        totals.fees += figures.fees
        totals.supervision_sessions += figures.supervision_sessions
        totals.supervision_attendances += figures.supervision_attendances
        for name in ("by_type", "by_service_area", "by_division"):
            for code, n in getattr(figures, name).items():
                _add(getattr(totals, name), code, n)


@dataclass
class _Reference:
    types: dict[int, AssignmentType]
    areas: dict[int, ServiceArea]


def _reference() -> _Reference:
    """Assignment types and service areas (with their divisions) by id: two small queries."""
    return _Reference(
        types={t.pk: t for t in AssignmentType.objects.order_by("sort_order", "code")},
        areas={a.pk: a for a in ServiceArea.objects.select_related("parent")},
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
        if (division is None or a.division.pk == division.pk)
        and (a.is_active or a.code in totals.by_service_area or a.code in totals.by_division)
    ]
    # each division, then its services, by name
    shown.sort(key=lambda a: (a.division.name, a.division.code, a.parent_id is not None, a.name))
    labels = [Label(a.code, a.name, a.division.code) for a in shown]
    division_labels = sorted(
        (label for label in labels if label.code == label.division), key=lambda d: d.name
    )
    return types, labels, division_labels


def monthly_figures(year: int, division: ServiceArea | None = None) -> MonthlyFigures:
    """All figures of the monthly follow-up table for ``year``, optionally for one division."""
    months = {number: Figures(month=number) for number in MONTHS}
    totals = Figures(month=None)
    type_by_division: dict[tuple[str, str], int] = {}
    reference = _reference()
    _agreements_by_month(year, division, months)
    _assignments_by_month(year, division, months, type_by_division, reference)
    _participations_by_month(year, division, months, totals)
    _supervision_by_month(year, division, months, totals)
    ordered = [months[number] for number in MONTHS]
    _sum_months(ordered, totals)
    types, areas, division_labels = _labels(division, totals, reference)
    return MonthlyFigures(
        year=year,
        division=Label(division.code, division.name) if division else None,
        months=ordered,
        totals=totals,
        type_by_division=type_by_division,
        types=types,
        service_areas=areas,
        divisions=division_labels,
    )
