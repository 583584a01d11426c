"""The figures as tables: the one shape that the page, CSV, XLSX and PDF all print.

Monthly tables have a row per figure (or per type, area, division) and a column per month,
January to December, then the year's total. Zero months are shown, never skipped.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from reporting.selectors import Figures, Label, MonthlyFigures

Number = int | Decimal


@dataclass
class Row:
    label: str
    values: list[Number]


@dataclass
class Table:
    slug: str  # stable: the XLSX sheet order, the CSV section and page anchors use it
    title: str
    stub: str  # heading of the label column
    columns: list[str]
    rows: list[Row]
    footer: Row | None = None  # a column-sum row, where the sum means something
    notes: list[str] = field(default_factory=list)


def month_columns(year: int) -> list[str]:
    return [f"{month}/{year}" for month in range(1, 13)] + [_("Total")]


def _figure_row(figures: MonthlyFigures, label: str, name: str) -> Row:
    return Row(label, [getattr(m, name) for m in figures.months] + [getattr(figures.totals, name)])


def _count_row(figures: MonthlyFigures, label: Label, name: str) -> Row:
    def count(month: Figures) -> int:
        return getattr(month, name).get(label.code, 0)

    return Row(label.name, [count(m) for m in figures.months] + [count(figures.totals)])


def _column_sums(rows: list[Row]) -> Row:
    width = len(rows[0].values) if rows else 0
    return Row(_("Total"), [sum(row.values[i] for row in rows) for i in range(width)])


def monthly_table(figures: MonthlyFigures) -> Table:
    return Table(
        slug="monthly",
        title=_("Agreements and assignments per month"),
        stub=_("Figure"),
        columns=month_columns(figures.year),
        rows=[
            _figure_row(figures, _("New agreements"), "new_agreements"),
            _figure_row(figures, _("Assignments"), "assignments"),
            _figure_row(figures, _("Participations"), "participations"),
            _figure_row(figures, _("Hours"), "hours"),
            _figure_row(figures, _("Fees (€)"), "fees"),
            _figure_row(figures, _("Travel compensation (€)"), "travel"),
            _figure_row(figures, _("Other costs (€)"), "other_costs"),
            _figure_row(figures, _("Active experts"), "active_experts"),
        ],
        notes=[
            _(
                "Assignments dated in the month that are not cancelled. Participations count "
                "each expert on an assignment. Hours are summed over participations."
            ),
            _(
                "Fees, travel compensation and other costs are summed over the experts' "
                "approved hours reports of the month's assignments."
            ),
            _("Active experts in the total column are counted once over the whole year."),
        ],
    )


def _breakdown_table(figures, slug, title, stub, labels, name) -> Table:
    rows = [_count_row(figures, label, name) for label in labels]
    return Table(
        slug=slug,
        title=title,
        stub=stub,
        columns=month_columns(figures.year),
        rows=rows,
        footer=_column_sums(rows),
    )


def by_type_table(figures: MonthlyFigures) -> Table:
    return _breakdown_table(
        figures, "by_type", _("Assignments by type"), _("Type"), figures.types, "by_type"
    )


def by_service_area_table(figures: MonthlyFigures) -> Table:
    return _breakdown_table(
        figures,
        "by_service_area",
        _("Assignments by service area"),
        _("Service area"),
        figures.service_areas,
        "by_service_area",
    )


def by_division_table(figures: MonthlyFigures) -> Table:
    return _breakdown_table(
        figures,
        "by_division",
        _("Assignments by division"),
        _("Division"),
        figures.divisions,
        "by_division",
    )


def type_by_division_table(figures: MonthlyFigures) -> Table:
    def count(type_code: str, division_code: str) -> int:
        return figures.type_by_division.get((type_code, division_code), 0)

    rows = []
    for label in figures.types:
        counts = [count(label.code, division.code) for division in figures.divisions]
        rows.append(Row(label.name, counts + [figures.totals.by_type.get(label.code, 0)]))
    return Table(
        slug="type_by_division",
        title=_("Assignments by type and division"),
        stub=_("Type"),
        columns=[division.name for division in figures.divisions] + [_("Total")],
        rows=rows,
        footer=_column_sums(rows),
    )


def supervision_table(figures: MonthlyFigures) -> Table:
    return Table(
        slug="supervision",
        title=_("Supervision"),
        stub=_("Figure"),
        columns=month_columns(figures.year),
        rows=[
            _figure_row(figures, _("Sessions held"), "supervision_sessions"),
            _figure_row(figures, _("Attendances"), "supervision_attendances"),
            _figure_row(figures, _("Experts who attended"), "supervision_experts"),
        ],
        notes=[_("Experts who attended are counted once over the whole year in the total.")],
    )


def report_tables(figures: MonthlyFigures) -> list[Table]:
    """Every table of the report, in the order the page and the exports show them."""
    return [
        monthly_table(figures),
        by_type_table(figures),
        by_division_table(figures),
        by_service_area_table(figures),
        type_by_division_table(figures),
        supervision_table(figures),
    ]
