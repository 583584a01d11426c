"""A payroll run's files: CSV and XLSX for the payroll system, each expert's PDF statement.

Each file is made from the run's lines in a fixed number of queries whatever their number, and
from nothing that changes after the export: the same run gives the same bytes every time (the
XLSX's dates are the export's, its zip entries carry that time too). Values, never formulas.
"""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from agreements.fees import euros
from kokemus.pdf import render_pdf
from kokemus.spreadsheets import as_text
from payroll.models import PayrollRun
from payroll.selectors import RunSummary, run_lines, run_summary, summarise
from registry.models import Expert, PayrollClass

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
FORMATS = tuple(CONTENT_TYPES)


def filename(run: PayrollRun, file_format: str) -> str:
    return f"palkkioajo-{run.month:%Y-%m}.{file_format}"


def _class_label(code: str) -> str:
    return str(PayrollClass(code).label) if code else ""


def _summary_header() -> list[str]:
    return [
        _("Expert id"),
        _("Expert"),
        _("Paid as"),
        _("Lines"),
        _("Hours"),
        _("Hourly fees (€)"),
        _("Fees per assignment (€)"),
        _("Fees (€)"),
        _("Travel compensation (€)"),
        _("Other costs (€)"),
        _("Total (€)"),
    ]


def _summary_rows(summary: RunSummary) -> list[list]:
    """One row per expert and payroll class: what the payroll system pays."""
    rows = []
    for expert in summary.experts:
        for code, totals in expert.ordered_classes:
            rows.append(
                [
                    expert.expert.external_id or "",
                    expert.expert.full_name,
                    _class_label(code),
                    totals.lines,
                    totals.hours,
                    totals.hourly,
                    totals.assignment_fees,
                    totals.fees,
                    totals.travel,
                    totals.other,
                    totals.total,
                ]
            )
    return rows


def _total_row(summary: RunSummary) -> list:
    totals = summary.totals
    return [
        _("Total"),
        "",
        "",
        totals.lines,
        totals.hours,
        totals.hourly,
        totals.assignment_fees,
        totals.fees,
        totals.travel,
        totals.other,
        totals.total,
    ]


# CSV ----------------------------------------------------------------------------------------


def _csv_cell(value) -> str:
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")  # Finnish decimal comma
    return as_text(str(value))


def as_csv(run: PayrollRun) -> bytes:
    """One row per expert and payroll class, for the payroll system's import: UTF-8 with a
    byte-order mark, semicolons, decimal commas, no total row."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(_summary_header())
    for row in _summary_rows(run_summary(run)):
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# XLSX ---------------------------------------------------------------------------------------

BOLD = Font(bold=True)


def _line_header() -> list[str]:
    return [
        _("Expert id"),
        _("Expert"),
        _("Line"),
        _("Reverses line"),
        _("Date"),
        _("Assignment"),
        _("Type"),
        _("Paid as"),
        _("Agreement"),
        _("Hours"),
        _("Hourly fee (€)"),
        _("Hourly fees (€)"),
        _("Fee per assignment (€)"),
        _("Kilometres"),
        _("Route"),
        _("Kilometre rate (€/km)"),
        _("Travel compensation (€)"),
        _("Other costs (€)"),
        _("What the other costs were"),
        _("Total (€)"),
    ]


def _line_row(line) -> list:
    expert = line.participation.expert
    assignment = line.participation.assignment
    return [
        expert.external_id or "",
        expert.full_name,
        line.pk,
        line.reverses_id or "",
        assignment.date,
        as_text(assignment.title),
        as_text(assignment.type.translated_name),
        _class_label(line.paid_as),
        line.agreement.number,
        line.sign * line.hours,
        line.hourly_fee,
        euros(line.hourly_cents),
        euros(line.assignment_fee_cents),
        line.sign * line.kilometres,
        as_text(line.route),
        line.kilometre_rate,
        euros(line.travel_cents),
        euros(line.other_cents),
        as_text(line.other_costs_description),
        euros(line.fee_cents + line.travel_cents + line.other_cents),
    ]


def _sheet(workbook: Workbook, title: str, header: list, rows, total: list | None = None):
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if total:
        sheet.append(total)
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD
    for cell in sheet[1]:
        cell.font = BOLD
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.00"
            elif isinstance(cell.value, datetime.date):
                cell.number_format = "d.m.yyyy"
            elif isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula (SPEC: values only)
    sheet.freeze_panes = "A2"
    return sheet


def as_xlsx(run: PayrollRun) -> bytes:
    """Two sheets: the totals per expert and class with their sum, and every line."""
    summary = run_summary(run)
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = str(run)
    workbook.properties.creator = settings.ORGANISATION_NAME
    _sheet(
        workbook, str(_("Per expert")), _summary_header(), _summary_rows(summary),
        _total_row(summary),
    )  # fmt: skip
    _sheet(workbook, str(_("Lines")), _line_header(), (_line_row(line) for line in run_lines(run)))
    return _stable_xlsx(workbook, _file_time(run))


def _file_time(run: PayrollRun) -> datetime.datetime:
    """The export's time in UTC, without a zone (as the XLSX properties keep it)."""
    moment = run.exported_at or run.created_at
    return moment.astimezone(datetime.UTC).replace(tzinfo=None, microsecond=0)


def _stable_xlsx(workbook: Workbook, when: datetime.datetime) -> bytes:
    """The workbook's bytes with every date in it set to ``when``: openpyxl stamps the time of
    saving into the properties and each zip entry, so the same run gave different files."""
    workbook.properties.created = workbook.properties.modified = when
    raw = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    stable = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(item.filename))
    return stable.getvalue()


# PDF ----------------------------------------------------------------------------------------


def statements(run: PayrollRun, expert: Expert | None = None) -> list[dict]:
    """Each expert's statement of the run: their totals by class and their lines. Three
    queries."""
    lines = run_lines(run)
    summary_lines = run.lines.all()
    if expert is not None:
        lines = lines.filter(participation__expert=expert)
        summary_lines = summary_lines.filter(participation__expert=expert)
    summary = summarise(summary_lines)
    by_expert: dict[int, list] = {}
    for line in lines:
        by_expert.setdefault(line.participation.expert_id, []).append(line)
    return [
        {"totals": totals, "lines": by_expert.get(totals.expert.pk, [])}
        for totals in summary.experts
    ]


def as_pdf(run: PayrollRun, expert: Expert | None = None) -> bytes:
    """Each expert's statement on pages of its own (or one expert's)."""
    return render_pdf(
        "payroll/statement_pdf.html",
        {
            "run": run,
            "statements": statements(run, expert),
            "made_on": timezone.localtime(run.exported_at or run.created_at).date(),
        },
    )


def render(run: PayrollRun, file_format: str) -> bytes:
    return {"csv": as_csv, "xlsx": as_xlsx, "pdf": as_pdf}[file_format](run)
