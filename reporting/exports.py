"""The report as JSON (SPEC machine interface), CSV, XLSX and PDF, from the same figures.

The files hold values, never formulas, and nothing that identifies a person: the figures are
counts and sums, and the labels are assignment types and service areas. The evaluation group's
files are drawn from figures without small counts (reporting/disclosure.py): a hidden figure is
its marker ("< 3") in every format, and each table's notes say why.
"""

import csv
import datetime
import io
import json
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from guidance.selectors import period_figures
from kokemus.pdf import render_pdf
from kokemus.spreadsheets import as_text
from orders.selectors import COUNTS as REQUEST_COUNTS
from orders.selectors import request_figures
from reporting.charts import report_charts
from reporting.selectors import FeedbackFigures, Figures, Hidden, MonthlyFigures
from reporting.tables import Cell, Table, report_tables

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}
FORMATS = ("json", "csv", "xlsx", "pdf")


def filename(figures: MonthlyFigures, file_format: str) -> str:
    return filename_of(figures.year, figures.division, file_format)


def filename_of(year: int, division, file_format: str) -> str:
    code = f"-{division.code}" if division else ""
    return f"kuukausiseuranta-{year}{code}.{file_format}"


def period(figures: MonthlyFigures) -> str:
    return f"1.1.{figures.year}–31.12.{figures.year}"


def made_on(day: datetime.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


# JSON ---------------------------------------------------------------------------------------


def _decimal(value: Decimal) -> str:
    return f"{value:.2f}"


def _nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {code: n for code, n in sorted(counts.items()) if n}


def _json_figures(figures: Figures) -> dict:
    return {
        "new_agreements": figures.new_agreements,
        "assignments": figures.assignments,
        "participations": figures.participations,
        "hours": _decimal(figures.hours),
        "fees": _decimal(figures.fees),
        "travel": _decimal(figures.travel),
        "other_costs": _decimal(figures.other_costs),
        "active_experts": figures.active_experts,
        "by_type": _nonzero(figures.by_type),
        "by_service_area": _nonzero(figures.by_service_area),
        "by_division": _nonzero(figures.by_division),
        "supervision_sessions": figures.supervision_sessions,
        "supervision_attendances": figures.supervision_attendances,
        "supervision_experts": figures.supervision_experts,
        # issue 20: people reached by done assignments, in all and by type and group code
        "people_reached": figures.people_reached,
        "people_reached_by_type": _nonzero(figures.people_reached_by_type),
        "people_reached_by_group": _nonzero(figures.people_reached_by_group),
    }


def _decimal_or_none(value: Decimal | None) -> str | None:
    return None if value is None else _decimal(value)


def _request_counts(counts: dict) -> dict:
    """Requests received, booked and declined or unfilled (orders.selectors.request_figures)."""
    return {key: counts[key] for key in REQUEST_COUNTS}


def _json_requests(counts: dict) -> dict:
    return _request_counts(counts) | {"median_days": _decimal_or_none(counts["median_days"])}


def _json_requests_by_code(by_code: dict[str, dict]) -> dict[str, dict]:
    """Per service area or type code, its requests' counts (the page shows its name)."""
    return {code: _request_counts(counts) for code, counts in sorted(by_code.items())}


def _json_guidance(counts: dict) -> dict:
    """Kokemusohjaus (guidance.selectors.period_figures); the shares in per cent."""
    return {
        key: counts[key] for key in ("started", "ongoing", "ended", "meetings", "goals_assessed")
    } | {key: _decimal_or_none(counts[key]) for key in ("reached_share", "partly_share")}


def _json_feedback(feedback: FeedbackFigures, index: int) -> dict:
    """Cell ``index`` (a month from 0, or 12 for the year) of each feedback row."""
    return {
        "reflections": feedback.reflections[index],
        "average_load": _decimal_or_none(feedback.average_load[index]),
        "talk_share": feedback.talk_share[index],
        "answers": feedback.answers[index],
        "average_rating": _decimal_or_none(feedback.average_rating[index]),
    }


def _json_type_by_division(figures: MonthlyFigures) -> dict[str, dict[str, int]]:
    """The year's type × division table: type code, then division code, then assignments."""
    table = {}
    for (type_code, division_code), count in sorted(figures.type_by_division.items()):
        if count:
            table.setdefault(type_code, {})[division_code] = count
    return table


def _json_periods(figures: MonthlyFigures) -> list[dict]:
    """Every figure of each month and then of the year: thirteen dicts."""
    demand = request_figures(figures.year, figures.division)
    guidance = period_figures(figures.year, figures.division)
    periods = [*zip(figures.months, demand["months"], guidance["months"], strict=True)]
    periods.append((figures.totals, demand["totals"], guidance["totals"]))
    rows = [
        _json_figures(counts)
        | {
            "requests": _json_requests(requests),
            "kokemusohjaus": _json_guidance(kokemusohjaus),
            "feedback": _json_feedback(figures.feedback, index),
        }
        for index, (counts, requests, kokemusohjaus) in enumerate(periods)
    ]
    for key in ("by_service_area", "by_type"):  # the year's only, as the report's tables
        rows[-1]["requests"][key] = _json_requests_by_code(demand[key])
    rows[-1]["by_type_and_division"] = _json_type_by_division(figures)
    return rows


def as_json(figures: MonthlyFigures) -> dict:
    """The SPEC's JSON shape, and every other figure of the report: ``fees`` and
    ``supervision_experts`` (the SPEC's figures 6 and 7 that its example leaves out), the type
    × division table, the requests, kokemusohjaus and feedback. Totals count distinct experts
    once over the year."""
    *months, totals = _json_periods(figures)
    data = {"year": figures.year}
    if figures.division:
        data["division"] = figures.division.code
    data["months"] = [
        {"month": f"{figures.year}-{number:02}"} | month for number, month in enumerate(months, 1)
    ]
    data["totals"] = totals
    return data


# CSV ----------------------------------------------------------------------------------------


def _csv_value(value: Cell) -> str:
    """Finnish Excel reads a decimal comma; integers and a hidden figure's marker stay as
    they are."""
    return _decimal(value).replace(".", ",") if isinstance(value, Decimal) else str(value)


def _title_lines(figures: MonthlyFigures) -> list[str]:
    lines = [
        settings.ORGANISATION_NAME,
        _("Monthly follow-up %(period)s") % {"period": period(figures)},
    ]
    if figures.division:
        lines.append(_("Division: %(name)s") % {"name": figures.division.name})
    lines.append(_("Made on %(date)s") % {"date": made_on(timezone.localdate())})
    return lines


def as_csv(figures: MonthlyFigures) -> bytes:
    """One file, table after table: UTF-8 with a byte-order mark, semicolons, decimal commas."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for line in _title_lines(figures):
        writer.writerow([line])
    for table in report_tables(figures):
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow([table.stub, *(as_text(str(column)) for column in table.columns)])
        for row in _rows_with_footer(table):
            writer.writerow([as_text(str(row.label)), *(_csv_value(v) for v in row.values)])
        for note in table.notes:
            writer.writerow([as_text(note)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _rows_with_footer(table: Table):
    return [*table.rows, table.footer] if table.footer else table.rows


# XLSX ---------------------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
BOLD = Font(bold=True)
# Excel allows 31 characters in a sheet's name, fewer than the tables' titles have.
SHEET_NAMES = {
    "monthly": gettext_lazy("Per month"),
    "by_type": gettext_lazy("By type"),
    "by_service_area": gettext_lazy("By service area"),
    "by_division": gettext_lazy("By division"),
    "type_by_division": gettext_lazy("Type × division"),
    "supervision": gettext_lazy("Supervision"),
    # orders (issue 18)
    "requests": gettext_lazy("Requests"),
    "requests_by_service_area": gettext_lazy("Requests by service area"),
    "requests_by_type": gettext_lazy("Requests by type"),
    "guidance": gettext_lazy("Kokemusohjaus"),  # guidance (issue 20)
    # people reached (issue 20)
    "people_reached": gettext_lazy("People reached by type"),
    "people_reached_by_group": gettext_lazy("People reached by group"),
    # feedback (issue 20)
    "feedback": gettext_lazy("Feedback"),
}


def _xlsx_value(value: Cell) -> int | Decimal | str:
    return str(value) if isinstance(value, Hidden) else value


def _sheet(workbook: Workbook, table: Table) -> None:
    sheet = workbook.create_sheet(title=str(SHEET_NAMES.get(table.slug, table.title))[:31])
    sheet.append([table.stub, *table.columns])
    for cell in sheet[1]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for row in table.rows:
        sheet.append([row.label, *map(_xlsx_value, row.values)])
    if table.footer:
        sheet.append([table.footer.label, *map(_xlsx_value, table.footer.values)])
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD
    for row in sheet.iter_rows(min_row=2, min_col=2):
        for cell in row:
            cell.number_format = "0.00" if isinstance(cell.value, Decimal) else "0"
            if isinstance(cell.value, str):  # a hidden figure's marker, where numbers stand
                cell.alignment = Alignment(horizontal="right")
    for cell in sheet["A"]:
        cell.font = BOLD
    for cell in (*sheet[1], *sheet["A"]):  # names, which an admin may begin with "="
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"  # text, not a formula (SPEC: values only)
    total_column = get_column_letter(len(table.columns) + 1)
    for cell in sheet[total_column]:
        cell.font = BOLD
    sheet.column_dimensions["A"].width = max(14, *(len(str(c.value or "")) for c in sheet["A"]))
    for index in range(2, len(table.columns) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = 12
    sheet.freeze_panes = "B2"  # the month headings and the row labels stay in view
    for offset, note in enumerate(table.notes, start=2):
        sheet.cell(row=sheet.max_row + offset, column=1, value=note)


def as_xlsx(figures: MonthlyFigures) -> bytes:
    """One formatted sheet per table; values only (SPEC: no formulas)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = " · ".join(_title_lines(figures))
    workbook.properties.creator = settings.ORGANISATION_NAME
    for table in report_tables(figures):
        _sheet(workbook, table)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# PDF ----------------------------------------------------------------------------------------


def as_pdf(figures: MonthlyFigures) -> bytes:
    """A4 landscape with the charts beside their tables, the organisation, period and date."""
    # Reused while the figures are the same: a year's report is downloaded again and again.
    return render_pdf("reporting/report_pdf.html", report_context(figures), reuse=True)


def report_context(figures: MonthlyFigures) -> dict:
    """What the page and the PDF both show."""
    tables = report_tables(figures)
    charts = report_charts(figures)
    return {
        "figures": figures,
        "sections": [(table, charts.get(table.slug)) for table in tables],
        "period": period(figures),
        "today": timezone.localdate(),
    }


def render(figures: MonthlyFigures, file_format: str) -> bytes:
    if file_format == "json":
        return json.dumps(as_json(figures), ensure_ascii=False, indent=2).encode("utf-8")
    return {"csv": as_csv, "xlsx": as_xlsx, "pdf": as_pdf}[file_format](figures)
