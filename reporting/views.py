"""The monthly follow-up report and its exports: figures only, for the evaluation group and the
coordinators. Nothing here names a person or links to a personal page, and the evaluation group
gets its figures without small counts (reporting/disclosure.py), on the page and in the files."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode

from kokemus.access import Role, role_required
from kokemus.lists import year_param
from registry.models import ServiceArea
from reporting import exports
from reporting.disclosure import shown_to, view_of
from reporting.selectors import MonthlyFigures, monthly_figures
from reporting.stored import report_file, report_for

DOWNLOADS = ("csv", "xlsx", "pdf")


def _division(request) -> ServiceArea | None:
    """The division filter by its code; an unknown code is a 404, never all figures."""
    code = request.GET.get("division", "")
    if not code:
        return None
    return get_object_or_404(ServiceArea, code=code, parent__isnull=True)


def _query(year: int, division: ServiceArea | None) -> str:
    params = {"year": year} | ({"division": division.code} if division else {})
    return urlencode(params)


def _figures(request, year: int, division: ServiceArea | None) -> MonthlyFigures:
    """The figures as the user may see them: the page and every file take them from here."""
    return shown_to(request.user, monthly_figures(year, division))


@role_required(Role.EVALUATION, Role.COORDINATOR)
def report(request):
    year, division = year_param(request), _division(request)
    figures = _figures(request, year, division)
    context = exports.report_context(figures) | {
        "division_choices": figures.all_divisions,
        "selected_division": division,
        "previous_query": _query(year - 1, division),
        "next_query": _query(year + 1, division),
        "downloads": [
            (name, f"{reverse('reporting:export', args=[name])}?{_query(year, division)}")
            for name in DOWNLOADS
        ],
    }
    return render(request, "reporting/report.html", context)


@role_required(Role.EVALUATION, Role.COORDINATOR)
def export(request, file_format: str):
    if file_format not in DOWNLOADS:
        raise Http404
    year, division = year_param(request), _division(request)
    # Stored per view and language, and served only while the data is as it was (stored.py).
    report = report_for(year, division, view_of(request.user), file_format)
    content = report_file(report, division)
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[file_format])
    name = exports.filename_of(year, division, file_format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
