"""Files that would hold a worker for long or fill its memory are refused early (issue 15).

The limits are counted while reading, so a test lowers a limit to a few rows rather than build
a file of 150,000 (interchange/limits.py has the real figures, docs/performance.md what they
cost).
"""

import io
import tracemalloc
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from interchange import formats, limits
from interchange.services import files_from_path, import_data
from registry.models import Expert
from tests.interchange.conftest import AGREEMENTS, EXPERTS, csv_bytes, files

pytestmark = pytest.mark.django_db


def _places(result) -> list[tuple]:
    return [(e.file, e.line, e.column) for e in result.errors]


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def test_a_workbook_with_an_unknown_sheet_is_refused_before_any_row_is_read(monkeypatch):
    """Such a sheet of 1.2 million rows took 69 s and 700 MB before it was refused."""
    rows_read = []
    read_rows = ReadOnlyWorksheet._cells_by_row

    def counting(self, *args, **kwargs):
        for row in read_rows(self, *args, **kwargs):
            rows_read.append(self.title)
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counting)
    workbook = _workbook(
        {
            "experts": [formats.EXPERTS.column_names, *EXPERTS],
            "people": [["name", "shoe_size"], *([["Aino", 38]] * 500)],
        }
    )

    result = import_data([("kokemus.xlsx", workbook)], dry_run=True)

    assert _places(result) == [("people.csv", None, "")]
    assert "Unknown file" in result.errors[0].message
    assert rows_read == []


def test_rows_over_the_limit_are_refused_with_the_line_where_it_was_reached(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 3)  # every file of the import together

    result = import_data(files(assignments=[]), dry_run=True)

    assert _places(result) == [("agreements.csv", 3, "")]
    assert result.errors[0].message == (
        "One import takes at most 3 rows, all files together. Import the rows in parts: rows "
        "are matched on their key, so each part adds to the ones before."
    )
    assert result.counts["agreements.csv"].create == 0  # refused, so nothing planned


def test_blank_rows_count_as_cells_not_as_rows(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 2)
    monkeypatch.setattr(limits, "MAX_CELLS", 200)
    experts = csv_bytes(formats.EXPERTS.column_names, EXPERTS) + b",,,,,,,,\r\n" * 5

    assert import_data([("experts.csv", experts)], dry_run=True).ok
    too_many = import_data([("experts.csv", experts + b",,,,,,,,\r\n" * 20)], dry_run=True)
    assert _places(too_many) == [("experts.csv", 23, "")]  # 9 + 2 × 9 + 20 × 9 > 200
    assert "more than 200 cells, empty ones included" in too_many.errors[0].message


def test_a_sheet_formatted_far_to_the_right_and_down_is_refused(monkeypatch):
    """Empty cells cost reading time as full ones do: a workbook of few bytes can hold
    millions of them."""
    monkeypatch.setattr(limits, "MAX_CELLS", 5_000)
    book = Workbook()
    sheet = book.active
    sheet.title = "experts"
    for row in [formats.EXPERTS.column_names, EXPERTS[0]]:
        sheet.append(row)
    for row in range(3, 43):  # styled but empty: Excel keeps such cells, with no value
        sheet.cell(row=row, column=200).font = Font(bold=True)
    data = io.BytesIO()
    book.save(data)
    workbook = data.getvalue()

    result = import_data([("kokemus.xlsx", workbook)], dry_run=True)

    assert _places(result) == [("experts.csv", 27, "")]
    assert "more than 5,000 cells" in result.errors[0].message


def test_a_line_longer_than_the_limit_is_refused():
    row = [*EXPERTS[1][:5], "K" * 11_000, *EXPERTS[1][6:]]

    result = import_data(
        [("experts.csv", csv_bytes(formats.EXPERTS.column_names, [EXPERTS[0], row]))],
        dry_run=True,
    )

    assert _places(result) == [("experts.csv", 3, "")]
    assert result.errors[0].message.startswith("Line 3 is longer than 10,000 characters.")


def test_a_file_without_line_breaks_is_refused_at_the_limit_not_read_whole():
    """As /dev/zero saved as experts.csv: one endless line."""
    result = import_data([("experts.csv", b"a" * 5_000_000)], dry_run=True)

    assert _places(result) == [("experts.csv", 1, "")]
    assert "Line 1 is longer than" in result.errors[0].message


def test_quoted_line_breaks_count_towards_the_line_limit():
    """A quotation mark left open would otherwise swallow the rest of the file as one cell."""
    rows = "\n".join(f"E{n};Aino;Mäkelä;;;;;;" for n in range(2_000))
    data = (";".join(formats.EXPERTS.column_names) + '\nE0;"Aino\n' + rows).encode()

    result = import_data([("experts.csv", data)], dry_run=True)

    assert _places(result) == [("experts.csv", 2, "")]
    assert "Line 2 is longer than 10,000 characters" in result.errors[0].message
    assert "quotation marks are in pairs" in result.errors[0].message


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr("interchange.readers.MAX_UNPACKED_BYTES", 20_000)
    workbook = _workbook({"experts": [formats.EXPERTS.column_names, *([EXPERTS[0]] * 400)]})

    result = import_data([("kokemus.xlsx", workbook)], dry_run=True)

    assert _places(result) == [("kokemus.xlsx", None, "")]
    assert result.errors[0].message.startswith("The workbook unpacks to more than")


def test_a_workbook_whose_shared_strings_are_too_large_is_refused(monkeypatch):
    """They are read whole before any row, so they have a limit of their own."""
    monkeypatch.setattr("interchange.readers.MAX_PART_BYTES", 2_000)
    rows = [[f"E{n}", f"Etunimi{n}", f"Sukunimi{n}"] for n in range(200)]
    workbook = _workbook({"experts": [formats.EXPERTS.column_names[:3], *rows]})

    result = import_data([("kokemus.xlsx", workbook)], dry_run=True)

    assert result.errors[0].message.startswith("The workbook unpacks to more than")


def test_files_over_the_size_limit_are_refused_before_they_are_read(settings, monkeypatch):
    """The command's way in: the upload form checks the same setting."""
    settings.IMPORT_MAX_MEGABYTES = 1
    experts = [[f"E{n}", "Aino", "Mäkelä", "", "", "", "", "", ""] for n in range(40_000)]
    big = files(experts=experts)

    result = import_data(big, dry_run=True)

    assert _places(result) == [("", None, "")]
    assert result.errors[0].message == "The files are too large: at most 1 MB together."
    assert result.counts == {}  # nothing was read


def test_the_command_refuses_a_device_without_reading_from_it(tmp_path, monkeypatch, capsys):
    """`import_data /dev/zero` read 2.4 GB in 5 s."""

    def no_reading(self):
        raise AssertionError(f"{self} was read whole")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    (tmp_path / "experts.csv").symlink_to("/dev/zero")

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_data", "/dev/zero")
    assert "zero: Give CSV files or one Excel workbook." in capsys.readouterr().err
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_data", str(tmp_path / "experts.csv"))
    assert "This is not a file that can be imported." in capsys.readouterr().err


def test_a_folder_is_named_file_by_file_and_nothing_is_read_before_the_import(tmp_path):
    (tmp_path / "experts.csv").write_bytes(csv_bytes(formats.EXPERTS.column_names, EXPERTS))

    assert files_from_path(tmp_path) == [("experts.csv", tmp_path / "experts.csv")]
    assert import_data(files_from_path(tmp_path), dry_run=False).applied
    assert Expert.objects.count() == 2


def test_reading_keeps_the_values_of_a_row_not_the_file(tmp_path):
    """Blank lines leave nothing to keep: what reading 6 MB of them costs is what reading
    any file costs beyond its values (pieces of 1 MB at a time). Today's main held the whole
    text and every row."""
    path = tmp_path / "experts.csv"
    path.write_bytes(csv_bytes(formats.EXPERTS.column_names, EXPERTS) + b",,,,,,,,\r\n" * 400_000)

    tracemalloc.start()
    try:
        result = import_data([("experts.csv", path)], dry_run=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert result.ok and result.counts["experts.csv"].create == 2
    assert peak < 4_000_000, f"{peak:,} bytes for a {path.stat().st_size:,}-byte file"


def test_the_import_reports_its_progress(monkeypatch):
    monkeypatch.setattr("interchange.importer.PROGRESS_ROWS", 1)
    heard = []

    import_data(files(agreements=AGREEMENTS), dry_run=True, progress=heard.append)

    phases = [p.phase for p in heard]
    assert phases[0] == "reading" and phases[-1] == "checking"
    assert "checking" not in phases[: phases.index("checking")]
    reading = [p for p in heard if p.phase == "reading"]
    assert [p.rows for p in reading] == sorted(p.rows for p in reading)
    assert reading[-1].rows == 6
    fractions = [p.fraction for p in heard]
    assert fractions == sorted(fractions) and 0 < fractions[-1] < 1
