"""The report's files served from the database, never stale (docs/performance.md "Load test").

A file is kept per report (year, division, view, language, format) with the data version it
was made from (reporting.models.DataVersion, raised by the database on every change to what the
figures read) and the day it was made (the file says so). A download serves the stored file
when both are still current and otherwise renders it and stores it, so it always shows the
figures as they are. The worker renders this year's downloaded reports again soon after the
data changes (reporting.tasks), so most downloads find them ready.

The version is read before the figures: a file stored under a version holds at least that
version's data, never older. So a download may take any file stored under the version it
found on arrival or a newer one: a render that began after it arrived. Downloads of one report
that arrive while it is being rendered wait for that render and check again, rather than each
render it once more (under writes every few seconds a server would otherwise render the same
PDF for each of them in turn, docs/performance.md "Load test").
"""

import datetime
import threading
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import get_language, override

from registry.models import ServiceArea
from reporting import exports
from reporting.disclosure import shown_in
from reporting.models import DataVersion, StoredReport, View
from reporting.months import raise_pending_versions
from reporting.selectors import monthly_figures

# The worker renders these for this year whenever the data changes, downloaded or not.
ALWAYS_READY = [
    ("", View.EVALUATION, "fi", "pdf"),
    ("", View.COORDINATOR, "fi", "pdf"),
]
# A report nobody downloaded for this long is no longer kept.
KEPT_DAYS = 30


@dataclass(frozen=True)
class Report:
    year: int
    division: str  # a division's code, "" for the whole organisation
    view: str
    language: str
    file_format: str

    def fields(self) -> dict:
        return {
            "year": self.year,
            "division": self.division,
            "view": self.view,
            "language": self.language,
            "file_format": self.file_format,
        }


def report_for(year: int, division: ServiceArea | None, view: View, file_format: str) -> Report:
    """The report as asked for, in the language of the request."""
    return Report(year, division.code if division else "", view, get_language(), file_format)


def current_version() -> int:
    """The figures' data version as committed (and as this transaction changed it)."""
    raise_pending_versions()
    number = DataVersion.objects.filter(pk=1).values_list("number", flat=True).first()
    return number or 0


class _RenderLocks:
    """A lock per report: one render of it at a time in this server process."""

    def __init__(self):
        self._guard = threading.Lock()
        self._locks: dict[Report, threading.Lock] = {}

    def __call__(self, report: Report) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(report, threading.Lock())


_render_lock = _RenderLocks()


def _stored(report: Report, version: int) -> bytes | None:
    """The stored file made today from the data at ``version`` or newer, if any."""
    content = (
        StoredReport.objects.filter(
            **report.fields(), version__gte=version, made_on=timezone.localdate()
        )
        .values_list("content", flat=True)
        .first()
    )
    return None if content is None else bytes(content)


def report_file(report: Report, division: ServiceArea | None) -> bytes:
    """The report's file (``division``: the one its code names), stored if current,
    otherwise rendered now and stored."""
    arrived_at = current_version()
    content = _stored(report, arrived_at)
    if content is None:
        with _render_lock(report):
            content = _stored(report, arrived_at)  # a render that began while this one waited
            if content is None:
                version, today = current_version(), timezone.localdate()
                content = render_and_store(report, division, version, today)
    return content


def render_and_store(
    report: Report, division: ServiceArea | None, version: int, today: datetime.date
) -> bytes:
    with override(report.language):
        figures = shown_in(View(report.view), monthly_figures(report.year, division))
        content = exports.render(figures, report.file_format)
    StoredReport.objects.bulk_create(
        [StoredReport(**report.fields(), version=version, made_on=today, content=content)],
        update_conflicts=True,
        unique_fields=["year", "division", "view", "language", "file_format"],
        update_fields=["version", "made_on", "content", "rendered_at"],
    )
    return content


def _division(code: str) -> ServiceArea | None:
    if not code:
        return None
    return ServiceArea.objects.filter(code=code, parent__isnull=True).first()


def refresh_this_year() -> int:
    """Render again each of this year's reports that is not current: those downloaded
    before, and ALWAYS_READY. Forget reports nobody downloaded for KEPT_DAYS. The number
    rendered."""
    version, today = current_version(), timezone.localdate()
    StoredReport.objects.filter(
        rendered_at__lt=timezone.now() - datetime.timedelta(days=KEPT_DAYS)
    ).delete()
    stored = StoredReport.objects.filter(year=today.year)
    wanted = {Report(today.year, *key) for key in ALWAYS_READY} | {
        Report(**fields)
        for fields in stored.values("year", "division", "view", "language", "file_format")
    }
    current = {
        Report(**fields)
        for fields in stored.filter(version=version, made_on=today).values(
            "year", "division", "view", "language", "file_format"
        )
    }
    rendered = 0
    for report in sorted(wanted - current, key=lambda r: (r.division, r.view, r.language)):
        division = _division(report.division)
        if report.division and division is None:
            continue  # a division since removed or renamed
        render_and_store(report, division, version, today)
        rendered += 1
    return rendered
