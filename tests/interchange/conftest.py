"""Interchange files as organisations save them, built in the tests."""

import copy
import csv
import io
from pathlib import Path

import pytest

from interchange import formats

# The sample organisation's spreadsheets that the README imports (docs/samples/README.md).
SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples" / "spreadsheets"

# Valid rows against the migrated reference data (mental_health, mh_outpatient, client_support).
EXPERTS = [
    [
        "E1",
        "Aino",
        "Mäkelä",
        "aino@example.fi",
        "040 123",
        "Kokkola",
        "expert",
        "kyllä",
        "1.2.2020",
    ],
    ["E2", "Öljy", "Äijälä", "", "", "Kannus", "peer", "ei", ""],
]
AGREEMENTS = [
    ["A1", "E1", "mental_health", "15.12.2024", "1.1.2025", "31.12.2025", "25,50", "active"],
    ["A2", "E2", "mental_health", "2025-01-10", "2025-01-15", "", "20", "active"],
]
ASSIGNMENTS = [
    ["X1", "client_support", "mh_outpatient", "10.3.2025", "2,5", "done", "E1|E2", "Luento"],
    ["X2", "client_support", "mental_health", "2025-04-01", "1", "planned", "E1", "Raati"],
]


def with_cell(rows: list[list], index: int, column_index: int, value) -> list[list]:
    """A copy of ``rows`` with one cell replaced."""
    rows = copy.deepcopy(rows)
    rows[index][column_index] = value
    return rows


def csv_bytes(header, rows, *, delimiter=",", encoding="utf-8", bom=False) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    data = text.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def header(spec: formats.FileSpec, rows) -> list[str]:
    """The spec's columns; assignments.csv without the optional last columns (expert_hours,
    people_reached, reached_group) that no row gives (the files organisations had before they
    existed)."""
    names = spec.column_names
    if spec is formats.ASSIGNMENTS and rows:
        return names[: max(len(row) for row in rows)]
    return names


def files(experts=None, agreements=None, assignments=None, **options) -> list[tuple[str, bytes]]:
    """The three files of people and work, with the valid rows unless told otherwise."""
    tables = [
        (formats.EXPERTS, EXPERTS if experts is None else experts),
        (formats.AGREEMENTS, AGREEMENTS if agreements is None else agreements),
        (formats.ASSIGNMENTS, ASSIGNMENTS if assignments is None else assignments),
    ]
    return [(spec.name, csv_bytes(header(spec, rows), rows, **options)) for spec, rows in tables]


@pytest.fixture
def valid_files():
    return files()


IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def tasks_at_once(settings):
    """The worker's part runs within the request that enqueues it (django-tasks' immediate
    backend), so a test reads the finished job on the next page."""
    settings.TASKS = IMMEDIATE_TASKS
