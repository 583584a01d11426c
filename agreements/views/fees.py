"""Every expert's fees of a month, for the payroll run: a page and its CSV."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.dates import MONTHS
from django.utils.text import capfirst

from agreements import selectors
from agreements.exports import fees_csv
from kokemus.access import Role, role_required
from kokemus.audit import record_views
from kokemus.lists import month_param, next_month, previous_month


@role_required(Role.COORDINATOR)
def monthly_fees(request):
    """Every expert's fees of one month, for the payroll run. Not paginated: the payroll reads
    the whole month, and it is one row per expert and agreement."""
    first = month_param(request)
    fees = selectors.fees_of_month(first)
    record_views(fees["experts"])  # fee figures are personal data
    context = {
        "fees": fees,
        "months": [(number, capfirst(name)) for number, name in MONTHS.items()],
        "previous": previous_month(first),
        "next": next_month(first),
    }
    return render(request, "agreements/monthly_fees.html", context)


@role_required(Role.COORDINATOR)
def monthly_fees_csv(request):
    """The same table as the page, for the payroll system: Finnish Excel's CSV."""
    fees = selectors.fees_of_month(month_param(request))
    record_views(fees["experts"])
    response = HttpResponse(fees_csv(fees), content_type="text/csv; charset=utf-8")
    name = f"palkkiot-{fees['month']:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
