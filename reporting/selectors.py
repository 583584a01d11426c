"""The monthly follow-up figures (SPEC "The monthly follow-up table"), read once for every
page, export and the ``monthly_report`` command.

Every figure keeps one name from the database to the table: the database computes it under
that name (``SUM(worked) AS hours``), the same-named field of the month's ``Figures`` takes it,
and reporting/tables.py gives the field its row and label. What a figure counts is an ORM
queryset here (``counted_participations``; fees as agreements.fees defines them).

A year's figures are its months' counts, kept and counted again only when a change reaches a
month (reporting/months.py). Assignment types and service areas are read on every call (codes,
names, divisions); the months to count take these queries over their own dates, whatever the
amount of data (docs/performance.md "Monthly report"):

1. counted assignments per (month, type, service area): the by-type, by-service-area,
   by-division and type × division tables are sums of these groups;
2. the people reached by done assignments per (month, type, group) (issue 20);
3. every other figure, a row per month (``_FIGURES_BY_MONTH``): new agreements;
   participations, hours, fees, travel, other costs, the ids of the active experts and the
   experts paid (and those paid travel or other costs); supervision sessions, attendances and
   the ids of the experts who attended;
4. the feedback's four (feedback.selectors.feedback_counts).

Fees are the experts' approved hours report lines (payroll.selectors.line_payments) where
they reported, and done work nobody reported at its recorded hours; travel and other costs come
from the approved lines only.

The distinct experts are also what each person-related figure rests on: reporting/disclosure.py
hides, from the evaluation group, a figure that rests on too few of them (SPEC "Small counts").

All dates in the figures are ``DateField`` values (calendar days in Europe/Helsinki), so a month
is the same on SQLite and PostgreSQL. Hours are rounded to cents (half up) in Python, because
SQLite adds decimals as floating point; fees are whole cents (agreements/fees.py).
"""

import datetime
import functools
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Count,
    IntegerField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Cast, ExtractMonth

from agreements.fees import euros, paid_fee_cents, worked_hours
from agreements.models import (
    COUNTED_STATUSES,
    Agreement,
    Assignment,
    AssignmentStatus,
    Participation,
)
from feedback.selectors import FeedbackPeriod, feedback_counts
from kokemus.money import cents
from payroll.selectors import line_payments
from registry.models import AssignmentType, ServiceArea
from reporting.months import MONTHS, counted_months
from supervision.models import Attendance, SupervisionSession


@dataclass(frozen=True)
class Hidden:
    """A figure withheld from the evaluation group (SPEC "Small counts"), in place of its value.

    ``few``: the figure rests on fewer than ``threshold`` distinct experts. Otherwise it is
    hidden only so that a total does not give such a figure away (reporting/disclosure.py).
    """

    threshold: int
    few: bool = True

    def __str__(self) -> str:
        return f"< {self.threshold}" if self.few else ".."


@dataclass
class Figures:
    """The figures of one month, or of the whole year (``month`` None). In the evaluation
    group's copy (reporting.disclosure.shown_to) a figure that would single out a person is
    ``Hidden``."""

    month: int | None
    new_agreements: int = 0
    assignments: int = 0
    participations: int = 0
    hours: Decimal | Hidden = Decimal("0.00")
    fees: Decimal | Hidden = Decimal("0.00")
    travel: Decimal | Hidden = Decimal("0.00")  # approved hours reports' travel compensation
    other_costs: Decimal | Hidden = Decimal("0.00")  # approved hours reports' other costs
    active_experts: int | Hidden = 0
    # distinct experts with a fee in ``fees``: what the fees rest on; not a row of any table
    paid_experts: int | Hidden = 0
    # and those paid travel, or other costs: what those figures rest on
    travelling_experts: int | Hidden = 0
    experts_with_costs: int | Hidden = 0
    by_type: dict[str, int] = field(default_factory=dict)
    by_service_area: dict[str, int] = field(default_factory=dict)
    by_division: dict[str, int] = field(default_factory=dict)
    supervision_sessions: int = 0
    supervision_attendances: int | Hidden = 0
    supervision_experts: int | Hidden = 0
    # people reached by done assignments (issue 20): the sum, by type code and by group code
    people_reached: int = 0
    people_reached_by_type: dict[str, int] = field(default_factory=dict)
    people_reached_by_group: dict[str, int] = field(default_factory=dict)


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
    # the evaluation group's copy (reporting.disclosure): figures on fewer experts than this
    # are hidden; None in the coordinators' figures. Tables that read their own figures
    # (guidance's) hide by it too.
    small_count_threshold: int | None = None
    reach_types: list[Label] = field(default_factory=list)  # types that record people reached
    # feedback (issue 20): the experts' reflections and the professionals' ratings
    feedback: "FeedbackFigures | None" = None


# The rows each figure counts --------------------------------------------------------------


def _in_months(year: int, months: Iterable[int], lookup: str) -> Q:
    """Dates in ``months`` of ``year`` as ranges (months in a row as one), so the date
    indexes serve them."""
    ranges, numbers = [], sorted(months)
    for number in numbers:
        if ranges and ranges[-1][1] == number:
            ranges[-1][1] = number + 1
        else:
            ranges.append([number, number + 1])
    return functools.reduce(
        operator.or_,
        (
            Q(**{f"{lookup}__gte": _first_day(year, first), f"{lookup}__lt": _first_day(year, end)})
            for first, end in ranges
        ),
    )


def _first_day(year: int, month: int) -> datetime.date:
    """The first day of ``month``; month 13 is next January."""
    return datetime.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _in_division(division: ServiceArea | None, prefix: str = "") -> Q:
    """An assignment directed to the division itself or to a service under it."""
    if division is None:
        return Q()
    areas = ServiceArea.objects.filter(Q(pk=division.pk) | Q(parent_id=division.pk)).values("pk")
    return Q(**{f"{prefix}service_area__in": areas})


def counted_assignments(
    year: int, division: ServiceArea | None = None, months: Iterable[int] = MONTHS
) -> QuerySet[Assignment]:
    """Assignments dated in ``months`` of ``year`` that count: planned and done, never
    cancelled."""
    return Assignment.objects.filter(
        _in_months(year, months, "date"), _in_division(division), status__in=COUNTED_STATUSES
    )


def counted_participations(
    year: int, division: ServiceArea | None = None, months: Iterable[int] = MONTHS
) -> QuerySet[Participation]:
    """Each expert's place on a counted assignment of ``months`` of ``year``."""
    return Participation.objects.filter(
        _in_months(year, months, "assignment__date"),
        _in_division(division, "assignment__"),
        assignment__status__in=COUNTED_STATUSES,
    )


def _new_agreements(year, division, months) -> QuerySet[Agreement]:
    """Agreements signed in the months (a draft has no signed date)."""
    agreements = Agreement.objects.filter(_in_months(year, months, "signed_on"))
    if division is not None:
        agreements = agreements.filter(division_id=division.pk)
    return agreements


def _sessions(year, division, months) -> QuerySet[SupervisionSession]:
    sessions = SupervisionSession.objects.filter(_in_months(year, months, "date"))
    if division is not None:
        sessions = sessions.filter(group__division_id=division.pk)
    return sessions


def _present_attendances(year, division, months) -> QuerySet[Attendance]:
    """Present attendances: experts' and professionals' (whose membership has no expert)."""
    attendances = Attendance.objects.filter(_in_months(year, months, "session__date"), present=True)
    if division is not None:
        attendances = attendances.filter(session__group__division_id=division.pk)
    return attendances


# The aggregate queries --------------------------------------------------------------------


def _month(date_field: str) -> Cast:
    """The month as an integer on both databases (PostgreSQL's EXTRACT gives a numeric)."""
    return Cast(ExtractMonth(date_field), IntegerField())


def _assignment_groups(year, division, months) -> QuerySet:
    """Counted assignments per (month, type, service area): the groups that the four
    assignment tables add up (an index-only scan of assignment_report_idx)."""
    return (
        counted_assignments(year, division, months)
        .annotate(month=_month("date"))
        .values("month", "type_id", "service_area_id")
        .annotate(assignments=Count("pk"))
        .values_list("month", "type_id", "service_area_id", "assignments")
        .order_by()  # no default ordering in the GROUP BY
    )


def _rows_by_month(year, division, months) -> dict[str, QuerySet]:
    """The rows that the figures of the monthly and supervision tables count, each with its
    month, by the name and columns the statement below gives them."""
    participations = counted_participations(year, division, months)
    attendances = _present_attendances(year, division, months)
    return {
        "agreements (month)": _new_agreements(year, division, months)
        .annotate(month=_month("signed_on"))
        .values_list("month"),
        "recorded (id, month, expert, worked, fee)": participations.annotate(
            month=_month("assignment__date"), worked=worked_hours(), fee=paid_fee_cents()
        ).values_list("pk", "month", "expert", "worked", "fee"),
        "lines (participation, fee, travel, other)": _lines(year, months),
        "sessions (month)": _sessions(year, division, months)
        .annotate(month=_month("date"))
        .values_list("month"),
        "attendances (month, expert)": attendances.annotate(
            month=_month("session__date")
        ).values_list("month", "membership__expert"),
    }


def _lines(year, months) -> QuerySet:
    """The hours report lines of the months' participations: a whole year's in one scan of
    them all, a few months' through their assignments' dates (measured, docs/performance.md)."""
    if len(months) == len(MONTHS):
        return line_payments()
    return line_payments().filter(_in_months(year, months, "participation__assignment__date"))


# Every figure of the monthly and supervision tables by name, a row for each month. The
# distinct experts come as their ids (``_EXPERTS``): the year's are the union of its months'
# (an expert active in two months counts once), and a kept month (reporting/months.py) keeps
# them. One statement, so each table's rows are read once, in one round trip. A participation
# pays by its hours report lines once it has any (``reported``), else at its recorded hours: a
# join, not a question per participation. Each participation pays at least 0 (a reversal
# takes back an approved line of the same one), so an expert is paid in a month, or paid
# travel or other costs, when one of their participations is.
_FIGURES_BY_MONTH = """
WITH months (month) AS (VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12)),
{rows},
reported (participation, fee, travel, other) AS (
    SELECT l.participation, SUM(l.fee), SUM(l.travel), SUM(l.other)
    FROM lines l JOIN recorded p ON p.id = l.participation
    GROUP BY l.participation
),
participations (month, expert, worked, fee, travel, other) AS (
    SELECT p.month, p.expert, p.worked, COALESCE(r.fee, p.fee), COALESCE(r.travel, 0),
           COALESCE(r.other, 0)
    FROM recorded p LEFT JOIN reported r ON r.participation = p.id
)
SELECT m.month, new_agreements, participations, hours, fees, travel, other_costs,
       active_experts, paid_experts, travelling_experts, experts_with_costs,
       supervision_sessions, supervision_attendances, supervision_experts
FROM months m
LEFT JOIN (SELECT month, COUNT(*) AS new_agreements FROM agreements GROUP BY month) a
    ON a.month = m.month
LEFT JOIN (
    SELECT month, COUNT(*) AS participations, SUM(worked) AS hours, SUM(fee) AS fees,
           SUM(travel) AS travel, SUM(other) AS other_costs,
           {active} AS active_experts, {paid} AS paid_experts,
           {travelling} AS travelling_experts, {with_costs} AS experts_with_costs
    FROM participations GROUP BY month
) p ON p.month = m.month
LEFT JOIN (SELECT month, COUNT(*) AS supervision_sessions FROM sessions GROUP BY month) s
    ON s.month = m.month
LEFT JOIN (
    SELECT month, COUNT(*) AS supervision_attendances, {attending} AS supervision_experts
    FROM attendances GROUP BY month
) v ON v.month = m.month
"""


def _experts(where: str = "expert IS NOT NULL") -> str:
    """The distinct experts of a group's rows that match ``where``, as one value: an array on
    PostgreSQL, a comma-separated text on SQLite (``_ids`` reads either). An array of ids
    beats a text of them in both the statement and the kept month's JSON (measured)."""
    if connection.vendor == "postgresql":
        return f"ARRAY_AGG(DISTINCT expert) FILTER (WHERE {where})"
    return f"GROUP_CONCAT(DISTINCT expert) FILTER (WHERE {where})"


def _ids(value: list[int] | str | None) -> list[int]:
    if not value:
        return []
    return value if isinstance(value, list) else list(map(int, value.split(",")))


def _figures_by_month(year, division, months) -> dict[int, dict]:
    """Named figures of each month asked for."""
    ctes, params = [], []
    for name, rows in _rows_by_month(year, division, months).items():
        sql, row_params = rows.order_by().query.sql_with_params()
        ctes.append(f"{name} AS ({sql})")
        params.extend(row_params)  # in the order their placeholders come in the statement
    statement = _FIGURES_BY_MONTH.format(
        rows=",\n".join(ctes),
        active=_experts(),
        paid=_experts("fee > 0"),
        travelling=_experts("travel > 0"),
        with_costs=_experts("other > 0"),
        attending=_experts(),
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        names = [column[0] for column in cursor.description]
        rows = (dict(zip(names, row, strict=True)) for row in cursor.fetchall())
        return {row["month"]: row for row in rows if row["month"] in months}


# Reference data and labels ----------------------------------------------------------------


@dataclass
class _Reference:
    """Assignment types (in their sort order) and service areas by id."""

    types: dict[int, AssignmentType]
    areas: dict[int, ServiceArea]

    def division(self, area: ServiceArea) -> ServiceArea:
        return area if area.parent_id is None else self.areas[area.parent_id]

    def all_divisions(self) -> list[Label]:
        """Every division, for the page's filter."""
        found = sorted(
            (a for a in self.areas.values() if a.parent_id is None),
            key=lambda a: (a.translated_name, a.code),
        )
        return [Label(a.code, a.translated_name, a.code) for a in found]


def _reference() -> _Reference:
    return _Reference(
        types={t.pk: t for t in AssignmentType.objects.order_by("sort_order", "code")},
        areas={a.pk: a for a in ServiceArea.objects.all()},
    )


def _labels(division: ServiceArea | None, totals: Figures, reference: _Reference):
    """Row labels: types and areas in use, plus any that have figures this year."""
    types = [
        Label(t.code, t.translated_name)
        for t in reference.types.values()
        if t.is_active or t.code in totals.by_type
    ]
    shown = [
        a
        for a in reference.areas.values()
        if (division is None or reference.division(a).pk == division.pk)
        and (a.is_active or a.code in totals.by_service_area or a.code in totals.by_division)
    ]

    def order(area: ServiceArea):  # each division, then its services, by name
        own = reference.division(area)
        return (own.translated_name, own.code, area.parent_id is not None, area.translated_name)

    shown.sort(key=order)
    labels = [Label(a.code, a.translated_name, reference.division(a).code) for a in shown]
    division_labels = sorted(
        (label for label in labels if label.code == label.division), key=lambda d: d.name
    )
    return types, labels, division_labels


# The months' counts and the year's table -------------------------------------------------

# The distinct experts of statement 3 that each month keeps, by the figure they count for
_EXPERTS = (
    "active_experts",
    "paid_experts",
    "travelling_experts",
    "experts_with_costs",
    "supervision_experts",
)


def count_months(year: int, division: ServiceArea | None, months: list[int]) -> dict[int, dict]:
    """What each of ``months`` counts, as plain data that reporting/months.py keeps: the
    assignment and reach groups by ids, the sums, and the distinct experts' ids."""
    counts = {
        number: {"assignments": [], "reached": [], "experts": {}, **_feedback_sums(None)}
        for number in months
    }
    for month, type_id, area_id, assignments in _assignment_groups(year, division, months):
        counts[month]["assignments"].append([type_id, area_id, assignments])
    for month, type_id, group, people in _reach_groups(year, division, months):
        counts[month]["reached"].append([type_id, group, people])
    for month, row in _figures_by_month(year, division, months).items():
        counts[month].update(
            new_agreements=row["new_agreements"] or 0,
            participations=row["participations"] or 0,
            hours=str(cents(row["hours"])),  # the expert's own where recorded, else the task's
            # agreements.fees in cents (PostgreSQL sums them as numeric): approved lines, and
            # done work nobody reported
            fees=int(row["fees"] or 0),
            travel=int(row["travel"] or 0),
            other_costs=int(row["other_costs"] or 0),
            supervision_sessions=row["supervision_sessions"] or 0,
            supervision_attendances=row["supervision_attendances"] or 0,
        )
        counts[month]["experts"] = {name: _ids(row[name]) for name in _EXPERTS}
    for month, period in feedback_counts(counted_assignments(year, division, months)).items():
        counts[month].update(_feedback_sums(period))
        counts[month]["experts"].update(
            reflecting_experts=list(period.reflecting_experts),
            rated_experts=list(period.rated_experts),
        )
    return counts


FEEDBACK_SUMS = ("reflections", "load_sum", "talks", "answers", "rating_sum")


def _feedback_sums(period: FeedbackPeriod | None) -> dict:
    return {name: getattr(period or FeedbackPeriod(), name) for name in FEEDBACK_SUMS}


def _month_figures(number: int, counts: dict, codes: "_Codes") -> Figures:
    """A month's ``Figures`` from its counts; the type × division cells go to ``codes``."""
    figures = Figures(
        month=number,
        new_agreements=counts["new_agreements"],
        participations=counts["participations"],
        hours=Decimal(counts["hours"]),
        fees=euros(counts["fees"]),
        travel=euros(counts["travel"]),
        other_costs=euros(counts["other_costs"]),
        supervision_sessions=counts["supervision_sessions"],
        supervision_attendances=counts["supervision_attendances"],
        **{name: len(counts["experts"][name]) for name in _EXPERTS},
    )
    for type_id, area_id, assignments in counts["assignments"]:
        codes.count_assignments(figures, type_id, area_id, assignments)
    for type_id, group, people in counts["reached"]:
        codes.count_reach(figures, type_id, group, people)
    return figures


@dataclass
class _Codes:
    """The codes of type and area ids, and the year's type × division cells as counted."""

    types: dict[int, str]
    areas: dict[int, tuple[str, str]]  # id -> (code, its division's code)
    type_by_division: dict[tuple[str, str], int] = field(default_factory=dict)

    def count_assignments(self, figures: Figures, type_id, area_id, assignments) -> None:
        """A (type, area) group counts for its type, area and the area's division, and for
        the year's type × division cell. ~1,500 groups in a year of 20,000 assignments."""
        type_code = self.types[type_id]
        area_code, division_code = self.areas[area_id]
        figures.assignments += assignments
        _add(figures.by_type, type_code, assignments)
        _add(figures.by_service_area, area_code, assignments)
        _add(figures.by_division, division_code, assignments)
        _add(self.type_by_division, (type_code, division_code), assignments)

    def count_reach(self, figures: Figures, type_id, group, people) -> None:
        figures.people_reached += people
        _add(figures.people_reached_by_type, self.types[type_id], people)
        _add(figures.people_reached_by_group, group, people)


def _add(counts: dict, key, n: int) -> None:
    counts[key] = counts.get(key, 0) + n


def _year_totals(months: list[Figures], counts: dict[int, dict]) -> Figures:
    """The year's column: the sum of the months, except for the distinct experts, who are the
    union of the months' (an expert active in two months counts once)."""
    totals = Figures(month=None)
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
        totals.people_reached += figures.people_reached
        for name in (
            "by_type",
            "by_service_area",
            "by_division",
            "people_reached_by_type",
            "people_reached_by_group",
        ):
            counts_by_code = getattr(totals, name)
            for code, n in getattr(figures, name).items():
                _add(counts_by_code, code, n)
    for name in _EXPERTS:
        setattr(totals, name, len(_year_experts(counts, name)))
    return totals


def _year_experts(counts: dict[int, dict], name: str) -> set[int]:
    return set().union(*(month["experts"].get(name, ()) for month in counts.values()))


def monthly_figures(year: int, division: ServiceArea | None = None) -> MonthlyFigures:
    """All figures of the monthly follow-up table for ``year``, optionally for one division:
    the months' counts as kept, each counted again when a change has reached it
    (reporting/months.py)."""
    reference = _reference()
    counts = counted_months(year, division, count_months)
    codes = _Codes(
        types={pk: kind.code for pk, kind in reference.types.items()},
        areas={pk: (a.code, reference.division(a).code) for pk, a in reference.areas.items()},
    )
    months = [_month_figures(number, counts[number], codes) for number in MONTHS]
    totals = _year_totals(months, counts)
    types, areas, division_labels = _labels(division, totals, reference)
    return MonthlyFigures(
        year=year,
        division=Label(division.code, division.translated_name) if division else None,
        months=months,
        totals=totals,
        type_by_division=codes.type_by_division,
        types=types,
        service_areas=areas,
        divisions=division_labels,
        all_divisions=reference.all_divisions(),
        reach_types=_reach_labels(totals, reference),
        feedback=feedback_figures(counts),
    )


# --- people reached (issue 20) --------------------------------------------------------------
# Kept apart so that it merges with the report's other additions. How many people the done
# assignments of the month reached, by type and by group (clients, residents, staff,
# students): one aggregate query. Only a done assignment carries the number (it is asked when
# the assignment is marked done), so planned ones, which the other figures count, add nothing.


def reached_assignments(
    year: int, division: ServiceArea | None = None, months: Iterable[int] = MONTHS
) -> QuerySet[Assignment]:
    """The counted assignments of ``months`` of ``year`` that are done and say whom they
    reached."""
    return counted_assignments(year, division, months).filter(
        status=AssignmentStatus.DONE, people_reached__isnull=False
    )


def _reach_groups(year, division, months) -> QuerySet:
    """People reached per (month, type, group): the people-reached tables add these up."""
    return (
        reached_assignments(year, division, months)
        .annotate(month=_month("date"))
        .values("month", "type_id", "reached_group")
        .annotate(people=Sum("people_reached"))
        .values_list("month", "type_id", "reached_group", "people")
        .order_by()
    )


def _reach_labels(totals: Figures, reference: _Reference) -> list[Label]:
    """The rows of the people-reached table: the types in use that record reach, and any
    other with people reached this year (recorded before its type stopped asking)."""
    return [
        Label(t.code, t.translated_name)
        for t in reference.types.values()
        if (t.is_active and t.records_reach) or t.code in totals.people_reached_by_type
    ]


# --- feedback (issue 20): reflections and professionals' feedback, from feedback.selectors -----
# Kept apart so that it merges with the report's rewrite. By the month of the assignment's date,
# done assignments only; the distinct experts are what each figure rests on (disclosure.py).


@dataclass
class FeedbackFigures:
    """Each figure as a row of thirteen cells: January to December, then the year. An average
    or share of a period without answers is None; in the evaluation group's copy a figure that
    would single out a person is ``Hidden``."""

    reflections: list
    average_load: list
    talk_share: list  # per cent of the reflections, whole
    reflecting_experts: list  # what the three above rest on; in no table
    answers: list  # the professionals' feedback
    average_rating: list
    rated_experts: list  # the experts on the rated assignments: what the two above rest on


def _average(total: int, count: int) -> Decimal | None:
    return (Decimal(total) / count).quantize(Decimal("0.01"), ROUND_HALF_UP) if count else None


def _per_cent(part: int, count: int) -> int | None:
    return (
        int((Decimal(100 * part) / count).quantize(Decimal("1"), ROUND_HALF_UP)) if count else None
    )


def feedback_figures(counts: dict[int, dict]) -> FeedbackFigures:
    """The feedback rows from the months' counts (``count_months``)."""
    months = [counts[number] for number in MONTHS]
    sums = {name: [month[name] for month in months] for name in FEEDBACK_SUMS}
    for row in sums.values():
        row.append(sum(row))
    experts = {
        name: [len(month["experts"].get(name, ())) for month in months]
        + [len(_year_experts(counts, name))]
        for name in ("reflecting_experts", "rated_experts")
    }
    return FeedbackFigures(
        reflections=sums["reflections"],
        average_load=list(map(_average, sums["load_sum"], sums["reflections"])),
        talk_share=list(map(_per_cent, sums["talks"], sums["reflections"])),
        reflecting_experts=experts["reflecting_experts"],
        answers=sums["answers"],
        average_rating=list(map(_average, sums["rating_sum"], sums["answers"])),
        rated_experts=experts["rated_experts"],
    )


# --- end feedback ---
