"""How much one import may read, so that no file can hold a worker for long or fill its memory.

The compressed size of an upload is not enough: a 126 KB workbook can hold 200,000 rows and a
small one millions of empty cells. So the readers count what they read, as they read it, and
stop at the first limit with a message that says which one and what to do. The figures are
far above what an organisation's real files need (the benchmark's 100,000 assignments with
their experts and agreements are 115,000 rows) and low enough that the worker's memory stays
under 300 MB (docs/performance.md, "Import limits").
"""

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# Data rows of one import, every file together; blank rows are not counted here.
MAX_ROWS = 150_000
# Cells read, blank ones included: a sheet that Excel has formatted far to the right or far
# down gives empty cells that cost reading time as much as full ones. A blank row counts 1.
MAX_CELLS = 4_000_000
# One row of a CSV file in characters (line breaks inside quotes included): no real row is
# near it, and it bounds what one row can cost.
MAX_LINE_CHARS = 10_000
# A workbook (.xlsx is a zip archive) unpacked: all its parts together, and each part that
# is not a sheet (shared strings, styles), which is read whole before any row.
MAX_UNPACKED_BYTES = 120 * 1024 * 1024
MAX_PART_BYTES = 32 * 1024 * 1024
MAX_PARTS = 1_000


def megabytes(size: int) -> str:
    return number_format(size // (1024 * 1024), force_grouping=True)


def count(number: int) -> str:
    """A limit as the page's language writes a number (150 000, 150,000)."""
    return number_format(number, force_grouping=True)


class LimitError(Exception):
    """A limit was reached; ``line`` is where, if the file has lines."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


class Budget:
    """What one import has read so far, across its files; refuses the row over a limit."""

    __slots__ = ("cells", "rows")

    def __init__(self):
        self.cells = 0
        self.rows = 0

    def take_row(self, width: int, line: int, blank: bool) -> None:
        self.cells += width or 1
        if self.cells > MAX_CELLS:
            raise LimitError(
                _(
                    "The files have more than %(count)s cells, empty ones included. Delete the "
                    "empty rows and columns below and to the right of the data, or import the "
                    "rows in parts."
                )
                % {"count": count(MAX_CELLS)},
                line,
            )
        if not blank:
            self.rows += 1
            if self.rows > MAX_ROWS:
                raise LimitError(
                    _(
                        "One import takes at most %(count)s rows, all files together. Import the "
                        "rows in parts: rows are matched on their key, so each part adds to the "
                        "ones before."
                    )
                    % {"count": count(MAX_ROWS)},
                    line,
                )


def max_file_bytes() -> int:
    """Every file of one import together, as given: the setting IMPORT_MAX_MEGABYTES, which
    nginx's and gunicorn's limits follow (docs/deployment.md, "Request limits"). The upload
    form and the engine (the command's way in) both check it."""
    return settings.IMPORT_MAX_MEGABYTES * 1024 * 1024


def too_large_message() -> str:
    return _("The files are too large: at most %(megabytes)s MB together.") % {
        "megabytes": settings.IMPORT_MAX_MEGABYTES
    }
