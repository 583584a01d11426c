"""The figures as tables: the one shape that the page, CSV, XLSX and PDF all print.

Monthly tables have a row per figure (or per type, area, division) and a column per month,
January to December, then the year's total. Zero months are shown, never skipped. In the
evaluation group's figures a cell may be ``Hidden`` (reporting/disclosure.py); a table with such
cells says why under it.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from agreements.models import ReachedGroup
from guidance.selectors import period_figures
from orders.selectors import request_figures
from reporting.selectors import Figures, Hidden, Label, MonthlyFigures

Number = int | Decimal
Cell = Number | Hidden | str  # str: a text where a figure has no value (NO_BOOKINGS)


@dataclass
class Row:
    label: str
    values: list[Cell]


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
            _figure_row(figures, _("Fees of done assignments (€)"), "fees"),
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
                "Fees of done assignments: the experts' approved hours reports, each the "
                "reported hours × the hourly fee of the agreement that covers the assignment, "
                "plus its fee per assignment, rounded to the cent; done work nobody reported "
                "counts at its recorded hours. Planned assignments have no fee yet. Travel "
                "compensation and other costs are figures of their own, from the approved "
                "hours reports."
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


def hidden_notes(table: Table) -> list[str]:
    """Why some cells of ``table`` are hidden: one line per kind of marker it has."""
    hidden = [
        cell
        for row in [*table.rows, *([table.footer] if table.footer else [])]
        for cell in row.values
        if isinstance(cell, Hidden)
    ]
    notes = []
    if any(cell.few for cell in hidden):
        threshold = next(cell.threshold for cell in hidden if cell.few)
        notes.append(
            _(
                "< %(threshold)s = the figure rests on fewer than %(threshold)s experts and is "
                "hidden, so that no one can be singled out. Coordinators see every figure."
            )
            % {"threshold": threshold}
        )
    if any(not cell.few for cell in hidden):
        notes.append(_(".. = hidden too, so that the total does not give a hidden figure away."))
    return notes


def report_tables(figures: MonthlyFigures) -> list[Table]:
    """Every table of the report, in the order the page and the exports show them, each with
    a line on its hidden cells where it has any."""
    tables = [
        monthly_table(figures),
        by_type_table(figures),
        by_division_table(figures),
        by_service_area_table(figures),
        type_by_division_table(figures),
        supervision_table(figures),
        *request_tables(figures),  # orders (issue 18): see the block below
        guidance_table(figures),  # guidance (issue 20): see its block
        *reach_tables(figures),  # people reached (issue 20): see the block below
        *feedback_tables(figures),  # feedback (issue 20): see its block below
    ]
    for table in tables:
        table.notes += hidden_notes(table)
    return tables


# --- orders (issue 18): the demand for experts, from orders.selectors.request_figures --------
# Kept apart so that it merges with the report's rewrite: the requests received each month,
# booked, declined or left unfilled, and the median days to booking; then by service area and
# by type (those two only when the year has requests). Counts only, no names.

NO_BOOKINGS = "–"  # a month without bookings has no median


def request_tables(figures: MonthlyFigures) -> list[Table]:
    demand = request_figures(figures.year, figures.division)

    def row(label: str, key: str) -> Row:
        values = [month[key] for month in demand["months"]] + [demand["totals"][key]]
        return Row(label, [NO_BOOKINGS if value is None else value for value in values])

    tables = [
        Table(
            slug="requests",
            title=_("Requests per month"),
            stub=_("Figure"),
            columns=month_columns(figures.year),
            rows=[
                row(_("Requests received"), "received"),
                row(_("Booked"), "booked"),
                row(_("Declined or unfilled"), "unfilled"),
                row(_("Median days from request to booking"), "median_days"),
            ],
            notes=[
                _(
                    "Requests by the month they were received. Unfilled: still without experts "
                    "after the requested date. Withdrawn requests count as received only."
                )
            ],
        )
    ]
    columns = [_("Received"), _("Booked"), _("Declined or unfilled")]
    for slug, title, stub, key in (
        (
            "requests_by_service_area",
            _("Requests by service area"),
            _("Service area"),
            "by_service_area",
        ),
        ("requests_by_type", _("Requests by type"), _("Type"), "by_type"),
    ):
        rows = [
            Row(counts["name"], [counts["received"], counts["booked"], counts["unfilled"]])
            for counts in sorted(demand[key].values(), key=lambda counts: counts["name"])
        ]
        if rows:
            tables.append(Table(slug, title, stub, columns, rows, footer=_column_sums(rows)))
    return tables


# --- end orders ---


# --- guidance (issue 20): kokemusohjaus, from guidance.selectors.period_figures ---------------
# Periods started, ongoing and ended, meetings, and the shares of goals reached and partly
# reached, by the month the period ended. Counts of periods and meetings are about no person
# (as assignments are); a share rests on few guides' clients, so the evaluation group sees it
# only where it rests on at least the threshold of guides (SPEC "Small counts").

NO_GOALS = "–"  # no period with goals ended in the month


def guidance_table(figures: MonthlyFigures) -> Table:
    guidance = period_figures(figures.year, figures.division)
    periods = [*guidance["months"], guidance["totals"]]
    threshold = figures.small_count_threshold

    def row(label: str, key: str) -> Row:
        return Row(label, [period[key] for period in periods])

    def share_row(label: str, key: str) -> Row:
        def cell(period: dict) -> Cell:
            if period[key] is None:
                return NO_GOALS
            if threshold is not None and period["guides"] < threshold:
                return Hidden(threshold)
            return period[key]

        cells = [cell(period) for period in periods]
        if any(isinstance(c, Hidden) for c in cells[:-1]) and not isinstance(cells[-1], Hidden):
            # the year's share with the other months' would give a hidden month's away
            cells[-1] = Hidden(threshold, few=False)
        return Row(label, cells)

    return Table(
        slug="guidance",
        title=_("Kokemusohjaus per month"),
        stub=_("Figure"),
        columns=month_columns(figures.year),
        rows=[
            row(_("Periods started"), "started"),
            row(_("Periods ongoing"), "ongoing"),
            row(_("Periods ended"), "ended"),
            row(_("Meetings"), "meetings"),
            share_row(_("Goals reached (%)"), "reached_share"),
            share_row(_("Goals partly reached (%)"), "partly_share"),
        ],
        notes=[
            _(
                "Ongoing: periods running on any day of the month (in the total, of the "
                "year), those started or ended in it included. Meetings are the guides' "
                "assignments of kokemusohjaus that are not cancelled. The shares are of the "
                "goals of the periods that ended in the month."
            )
        ],
    )


# --- end guidance ---
# --- people reached (issue 20): reporting.selectors' people-reached figures -----------------
# Kept apart like the requests above: the people the month's done assignments reached, by the
# types that record them and by group. Counts of people reached, no names.


def reach_tables(figures: MonthlyFigures) -> list[Table]:
    note = _(
        "People reached by done assignments dated in the month, as recorded when each was "
        "marked done. Planned assignments add nothing until they are done."
    )
    groups = [Label(code, str(label)) for code, label in ReachedGroup.choices]
    tables = []
    if figures.reach_types:
        by_type = _breakdown_table(
            figures,
            "people_reached",
            _("People reached by type"),
            _("Type"),
            figures.reach_types,
            "people_reached_by_type",
        )
        tables.append(by_type)
    by_group = _breakdown_table(
        figures,
        "people_reached_by_group",
        _("People reached by group"),
        _("Group"),
        groups,
        "people_reached_by_group",
    )
    tables.append(by_group)
    for table in tables:
        table.notes.append(note)
    return tables


# --- end people reached ---
# --- feedback (issue 20): reflections and professionals' feedback ------------------------------
# From figures.feedback (reporting.selectors.feedback_figures), so the evaluation group's copy
# hides here what disclosure.py hid. A month without answers has no average: "–".

NO_ANSWERS = "–"


def feedback_tables(figures: MonthlyFigures) -> list[Table]:
    feedback = figures.feedback
    if feedback is None:
        return []

    def row(label: str, cells: list) -> Row:
        return Row(label, [NO_ANSWERS if cell is None else cell for cell in cells])

    return [
        Table(
            slug="feedback",
            title=_("Feedback after assignments"),
            stub=_("Figure"),
            columns=month_columns(figures.year),
            rows=[
                row(_("Reflections given"), feedback.reflections),
                row(_("Average load (1–5)"), feedback.average_load),
                row(_("Wanting a follow-up talk (%)"), feedback.talk_share),
                row(_("Professionals' feedback given"), feedback.answers),
                row(_("Average rating by professionals (1–5)"), feedback.average_rating),
            ],
            notes=[
                _(
                    "By the month of the done assignment. Reflections are the experts' own, one "
                    "per expert and assignment: the load they felt (1 = very light, 5 = very "
                    "heavy) and whether they wished for a follow-up talk, as a share of the "
                    "reflections. The contact professionals rate how useful the experts' "
                    "contribution was (1 = not useful, 5 = very useful)."
                )
            ],
        )
    ]


# --- end feedback ---
