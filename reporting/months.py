"""The report's months, kept as counted and counted again only when a change reaches them
(docs/performance.md "Kept months").

The database raises a month's version (reporting.models.MonthVersion) whenever a change reaches
that month, and the version "*" for a change that may reach any month (triggers: migration
0006). A month's counts are kept (MonthFigures) with the two versions they were counted at, and
used while both are still current: never stale. A year's report counts again only the months
whose version moved, usually the current one, instead of the whole year's rows.

The versions are read before the counts: counts kept under a version hold at least that
version's data, never older.
"""

import json
from collections.abc import Callable

from django.db import connection

from registry.models import ServiceArea
from reporting.models import MonthFigures, MonthVersion

EVERYTHING = "*"
MONTHS = range(1, 13)
CountMonths = Callable[[int, ServiceArea | None, list[int]], dict[int, dict]]


def raise_pending_versions() -> None:
    """On PostgreSQL inside a transaction that wrote (a test, a script): raise the versions for
    those writes now, instead of at commit, and let later writes raise them again."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(
                "SET CONSTRAINTS reporting_raise_data_version IMMEDIATE;"
                "SET CONSTRAINTS reporting_raise_data_version DEFERRED;"
                "SELECT set_config('kokemus.report_data_raised', '', true)"
            )


def _month_key(year: int, month: int) -> str:
    return f"{year:04}-{month:02}"


def counted_months(year: int, division: ServiceArea | None, count: CountMonths) -> dict[int, dict]:
    """Each month's counts of ``year`` (``division``: one division's), kept ones where still
    current; ``count(year, division, months)`` counts the others, which are then kept."""
    raise_pending_versions()
    keys = {_month_key(year, number): number for number in MONTHS}
    versions = dict(
        MonthVersion.objects.filter(month__in=[*keys, EVERYTHING]).values_list("month", "number")
    )
    current = {number: versions.get(key, 0) for key, number in keys.items()}
    everything = versions.get(EVERYTHING, 0)
    division_code = division.code if division else ""
    kept = {
        month.month: month
        for month in MonthFigures.objects.filter(year=year, division=division_code)
        if (month.version, month.everything_version) == (current[month.month], everything)
    }
    counts = {number: json.loads(month.counts) for number, month in kept.items()}
    stale = [number for number in MONTHS if number not in kept]
    if stale:
        counts |= count(year, division, stale)
        MonthFigures.objects.bulk_create(
            [
                MonthFigures(
                    year=year,
                    month=number,
                    division=division_code,
                    version=current[number],
                    everything_version=everything,
                    counts=json.dumps(counts[number]),
                )
                for number in stale
            ],
            update_conflicts=True,
            unique_fields=["year", "month", "division"],
            update_fields=["version", "everything_version", "counts"],
        )
    return counts
