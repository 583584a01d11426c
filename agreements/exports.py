"""The month's fees as a CSV file for the payroll system, as Finnish Excel reads it."""

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _

from kokemus.spreadsheets import as_text

COLUMNS = ("name", "agreement__number", "agreement__hourly_fee", "agreement__assignment_fee",
           "assignments", "hours", "fees")  # fmt: skip


def _cell(value) -> str:
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")  # Finnish decimal comma
    return "" if value is None else as_text(str(value))


def fees_csv(fees: dict) -> bytes:
    """UTF-8 with a byte-order mark, semicolons, decimal commas: one row per expert and
    agreement, then the totals."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Expert"),
            _("Agreement"),
            _("Hourly fee (€)"),
            _("Fee per assignment (€)"),
            _("Assignments"),
            _("Hours"),
            _("Fees of done assignments (€)"),
        ]
    )
    for row in fees["rows"]:
        writer.writerow([_cell(row[column]) for column in COLUMNS])
    totals = [_cell(fees["totals"][column]) for column in ("assignments", "hours", "fees")]
    writer.writerow([_("Total"), "", "", "", *totals])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
