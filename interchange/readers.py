"""Reading interchange files as organisations save them: CSV from any Excel, or one workbook.

A reader turns a file into a ``Table``: the header names (trimmed, lower case) and the data
rows, each with the line number a text editor (CSV) or a spreadsheet (XLSX) shows for it.
Decoding and parsing of the values is left to ``interchange.formats``.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

BOM = "\ufeff"


class ReadError(Exception):
    """A whole file cannot be read (encoding, not a workbook); names no line."""


@dataclass(slots=True)
class Row:
    line: int
    cells: list[Any]  # in the header's order; a short row has fewer


@dataclass
class Table:
    name: str  # the interchange file name, e.g. "experts.csv"
    header: list[str]
    header_line: int = 1
    rows: list[Row] = field(default_factory=list)
    # (line, message) problems found while splitting rows, e.g. too many values
    problems: list[tuple[int, str]] = field(default_factory=list)


def normalise_header(name: Any) -> str:
    return str(name or "").replace(BOM, "").strip().lower()


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM; otherwise Windows-1252, as older Excel saves "CSV"."""
    if data.startswith(BOM.encode()):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ReadError(
            _("The file is neither UTF-8 nor Windows-1252 text (byte %(position)s).")
            % {"position": error.start + 1}
        ) from error


def sniff_delimiter(text: str) -> str:
    """Semicolon (Finnish Excel) or comma: whichever the header line has more of."""
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _is_blank(cells: list[Any]) -> bool:
    if cells and cells[0].__class__ is str and cells[0].strip():
        return False  # the usual row, decided by its first cell
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _table_from_rows(name: str, numbered: Iterator[tuple[int, list[Any]]]) -> Table:
    """Build a table from (line, cells) pairs; blank rows (trailing ;;; too) are skipped."""
    header = None
    table = None
    for line, cells in numbered:
        if header is None:
            if _is_blank(cells):
                continue
            header = [normalise_header(cell) for cell in cells]
            while header and not header[-1]:
                header.pop()  # Excel's empty trailing header cells
            table = Table(name=name, header=header, header_line=line)
            continue
        if _is_blank(cells):
            continue
        extra = cells[len(header) :]
        if not _is_blank(extra):
            table.problems.append((line, _("The row has more values than the header has columns.")))
        table.rows.append(Row(line, cells))
    return table or Table(name=name, header=[])


def read_csv(name: str, data: bytes) -> Table:
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))

    def numbered():
        next_line = 1
        for cells in reader:
            yield next_line, cells  # the line where the record starts
            next_line = reader.line_num + 1

    try:
        return _table_from_rows(name, numbered())
    except csv.Error as error:
        raise ReadError(
            _("The file is not valid CSV near line %(line)s.") % {"line": reader.line_num}
        ) from error


def sheet_file_name(sheet_title: str) -> str:
    """Sheets are named like the files, with or without ".csv"."""
    title = sheet_title.strip().lower()
    return title if title.endswith(".csv") else f"{title}.csv"


def read_xlsx(data: bytes | Path) -> list[Table]:
    from openpyxl import load_workbook

    source = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise ReadError(_("The file is not an Excel workbook (.xlsx).")) from error
    try:
        tables = []
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()  # some writers store wrong dimensions
            rows = enumerate(
                (list(row) for row in sheet.iter_rows(values_only=True)),
                start=1,
            )
            tables.append(_table_from_rows(sheet_file_name(sheet.title), rows))
        return tables
    finally:
        workbook.close()
