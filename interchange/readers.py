"""Reading interchange files as organisations save them: CSV from any Excel, or one workbook.

A reader streams a file into a ``Table``: the header names (trimmed, lower case), then the data
rows one at a time, each with the line number a text editor (CSV) or a spreadsheet (XLSX) shows
for it. Nothing holds a whole file: the import parses each row as it comes and keeps only the
values, and the limits of ``interchange.limits`` are counted while reading, so a file over one
costs no more than the limit. A workbook's sheets are all named before any row is read.
Decoding and parsing of the values is left to ``interchange.formats``.
"""

import codecs
import csv
import io
import itertools
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from interchange.limits import (
    MAX_LINE_CHARS,
    MAX_PART_BYTES,
    MAX_PARTS,
    MAX_UNPACKED_BYTES,
    Budget,
    LimitError,
    count,
    megabytes,
)

BOM = "\ufeff"
READ_CHUNK = 1024 * 1024


class ReadError(Exception):
    """A file, or the rest of it, cannot be read (encoding, not a workbook, broken quoting);
    ``line`` where known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@dataclass(slots=True)
class Row:
    line: int
    cells: Sequence[Any]  # in the header's order; a short row has fewer


class Table:
    """One file's rows, read once and in order: ``read_header()``, then ``rows()``."""

    def __init__(
        self,
        name: str,
        numbered: Iterator[tuple[int, Sequence[Any]]],
        budget: Budget,
        fraction: Callable[["Table"], float | None] = lambda table: None,
    ):
        self.name = name  # the interchange file name, e.g. "experts.csv"
        self.header: list[str] = []
        self.header_line = 1
        self.last_line = 0  # the last line read so far
        self._numbered = numbered
        self._budget = budget
        self._fraction = fraction

    def close(self) -> None:
        """Stop reading: a reader left half-way lets go of its file now, before the file
        is closed, rather than whenever the collector comes to it."""
        close = getattr(self._numbered, "close", None)
        if close is not None:
            close()

    def fraction_read(self) -> float | None:
        """How much of the file is read, 0 to 1, where the reader can tell."""
        return self._fraction(self)

    def read_header(self) -> None:
        """The first non-blank row; Excel's empty trailing header cells are dropped."""
        for line, cells in self._numbered:
            self.last_line = line
            self._budget.take_row(len(cells), line, blank=True)  # not a data row
            if not is_blank(cells):
                header = [normalise_header(cell) for cell in cells]
                while header and not header[-1]:
                    header.pop()
                self.header, self.header_line = header, line
                return

    def rows(self) -> Iterator[Row]:
        """The data rows; blank ones (trailing ;;; too) are skipped but still counted."""
        take = self._budget.take_row
        for line, cells in self._numbered:
            self.last_line = line
            blank = is_blank(cells)
            take(len(cells), line, blank)
            if not blank:
                yield Row(line, cells)


def normalise_header(name: Any) -> str:
    return str(name or "").replace(BOM, "").strip().lower()


def is_blank(cells: Sequence[Any]) -> bool:
    if cells and cells[0].__class__ is str and cells[0].strip():
        return False  # the usual row, decided by its first cell
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


# CSV -----------------------------------------------------------------------------------------


def _first_decoding_error(stream: BinaryIO, encoding: str) -> int | None:
    """The 1-based byte where ``stream`` stops being ``encoding``, or None; reads it in
    chunks, so memory stays flat whatever the size."""
    decoder = codecs.getincrementaldecoder(encoding)()
    done = stream.tell()  # bytes decoded or held by the decoder
    held = 0  # bytes the decoder held back from the chunks before (a character cut in two)
    try:
        while chunk := stream.read(READ_CHUNK):
            held = len(decoder.getstate()[0])
            decoder.decode(chunk)
            done += len(chunk)
        held = len(decoder.getstate()[0])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:  # error.start counts from the held bytes
        return done - held + error.start + 1
    return None


def detect_encoding(stream: BinaryIO) -> str:
    """UTF-8 with or without BOM; otherwise Windows-1252, as older Excel saves "CSV"."""
    stream.seek(0)
    bom = stream.read(3) == BOM.encode()
    stream.seek(3 if bom else 0)
    position = _first_decoding_error(stream, "utf-8")
    if position is None:
        return "utf-8-sig" if bom else "utf-8"
    if not bom:
        stream.seek(0)
        if _first_decoding_error(stream, "cp1252") is None:
            return "cp1252"
    raise ReadError(
        _("The file is neither UTF-8 nor Windows-1252 text (byte %(position)s).")
        % {"position": position}
    )


class _Lines:
    """The physical lines of a text for ``csv.reader``, refusing a record (one line, or
    several joined by quoted line breaks) longer than MAX_LINE_CHARS: a file without line
    breaks is refused after that many characters, not after reading all of it."""

    def __init__(self, text: io.TextIOBase):
        self._readline = text.readline
        self.number = 0  # lines given out
        self.record_start = 1
        self._record_chars = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self._readline(MAX_LINE_CHARS + 1)
        if not line:
            raise StopIteration
        self.number += 1
        self._record_chars += len(line)
        if self._record_chars > MAX_LINE_CHARS:
            raise LimitError(
                _(
                    "Line %(line)s is longer than %(count)s characters. Check that the file is "
                    "one of the interchange files and that its quotation marks are in pairs."
                )
                % {"line": self.record_start, "count": count(MAX_LINE_CHARS)},
                self.record_start,
            )
        return line

    def record_read(self) -> None:
        self._record_chars = 0
        self.record_start = self.number + 1


def read_csv(name: str, stream: BinaryIO, budget: Budget) -> Table:
    """A table over ``stream`` (seekable, binary); only the encoding is checked now."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    encoding = detect_encoding(stream)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    lines = _Lines(text)

    def numbered():
        first = next(lines, "")
        # Semicolon (Finnish Excel) or comma: whichever the header line has more of.
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
        try:
            for cells in reader:
                line = lines.record_start
                lines.record_read()
                yield line, cells  # the line where the record starts
        except csv.Error as error:
            raise ReadError(
                _("The file is not valid CSV near line %(line)s.") % {"line": reader.line_num},
                reader.line_num,
            ) from error
        finally:
            text.detach()  # the stream is the caller's: a wrapper left to the collector closes it

    def fraction(table: Table) -> float | None:
        return min(stream.tell() / size, 1.0) if size else None

    return Table(name, numbered(), budget, fraction)


# XLSX ----------------------------------------------------------------------------------------


def sheet_file_name(sheet_title: str) -> str:
    """Sheets are named like the files, with or without ".csv"."""
    title = sheet_title.strip().lower()
    return title if title.endswith(".csv") else f"{title}.csv"


def _not_a_workbook() -> ReadError:
    return ReadError(_("The file is not an Excel workbook (.xlsx)."))


def _too_large_unpacked() -> ReadError:
    return ReadError(
        _(
            "The workbook unpacks to more than %(megabytes)s MB. Save only the interchange "
            "sheets in it, or import the rows in parts."
        )
        % {"megabytes": megabytes(MAX_UNPACKED_BYTES)}
    )


def _central_directory(stream: BinaryIO) -> tuple[int, int]:
    """(entries, bytes) of the archive's table of contents, read from its last record
    before ``zipfile`` reads the table itself, whose size the upload limit does not bound
    tightly (a million empty parts fit in 50 MB)."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    tail_size = min(size, 22 + 65_535)  # the end record and its comment
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        raise _not_a_workbook()
    entries = int.from_bytes(tail[at + 10 : at + 12], "little")
    directory_bytes = int.from_bytes(tail[at + 12 : at + 16], "little")
    return entries, directory_bytes


def check_archive(stream: BinaryIO) -> None:
    """Refuse a workbook whose parts would cost more than the limits once unpacked."""
    entries, directory_bytes = _central_directory(stream)
    if entries > MAX_PARTS or directory_bytes > MAX_PARTS * 1024:  # 0xFFFF: zip64, too
        raise _too_large_unpacked()
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _not_a_workbook() from error
    if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        raise _too_large_unpacked()
    for part in parts:
        # Sheets are read row by row; the other parts (shared strings, styles) whole, first.
        if not part.filename.startswith("xl/worksheets/") and part.file_size > MAX_PART_BYTES:
            raise _too_large_unpacked()
    stream.seek(0)


class Workbook:
    """An open workbook: its sheets' names at once, their rows only when asked for."""

    def __init__(self, stream: BinaryIO, budget: Budget):
        from openpyxl import load_workbook

        check_archive(stream)
        try:
            self._workbook = load_workbook(stream, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
            raise _not_a_workbook() from error
        self._budget = budget

    def tables(self) -> list[Table]:
        """One table per sheet; no row of any is read yet."""
        return [self._table(sheet) for sheet in self._workbook.worksheets]

    def _table(self, sheet) -> Table:
        estimate = sheet.max_row  # from the sheet's stored dimensions, if any: progress only
        sheet.reset_dimensions()  # some writers store wrong dimensions

        def fraction(table: Table) -> float | None:
            return min(table.last_line / estimate, 1.0) if estimate else None

        numbered = enumerate(self._rows(sheet), start=1)
        return Table(sheet_file_name(sheet.title), numbered, self._budget, fraction)

    @staticmethod
    def _rows(sheet) -> Iterator[Sequence[Any]]:
        try:
            yield from sheet.iter_rows(values_only=True)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, SyntaxError) as error:
            raise ReadError(_("The file is not an Excel workbook (.xlsx).")) from error

    def close(self) -> None:
        self._workbook.close()
