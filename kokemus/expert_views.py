"""The coordinator's expert pages that bring every app's data about experts together: the
list (with the agreement that covers each expert today), the expert's page (register,
agreements, assignments, supervision), fees, audit trail and the GDPR tools (subject access
export, erasure by anonymisation). Coordinators and admins only.

They live above the apps because they read all of them: the register (registry) is the
ground floor and imports none of the apps built on it. registry/views.py keeps the pages that
only edit the register (create, edit, consent); kokemus/urls.py serves both under
/kokemustoimijat/ in the "registry" namespace.
"""

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import selectors as agreement_selectors
from kokemus.access import Role, role_required
from kokemus.audit import record_view
from kokemus.lists import order_by_param, paginate, year_param
from kokemus.pdf import pdf_response, render_pdf
from kokemus.privacy import expert_anonymise, expert_data_export
from kokemus.privacy import expert_trail as audit_trail_of
from payroll import selectors as payroll_selectors
from registry import selectors as registry_selectors
from registry.filters import ExpertFilter
from registry.models import Expert
from supervision import selectors as supervision_selectors

SORTS = {
    "name": ("last_name", "first_name"),
    "kind": ("kind",),
    "municipality": ("municipality",),
    "trained": ("trained",),
    "status": ("status",),
    "covered": ("covered_today",),
}


@role_required(Role.COORDINATOR)
def expert_list(request):
    expert_filter = ExpertFilter(request.GET, queryset=agreement_selectors.experts_for_list())
    experts, sort = order_by_param(request, expert_filter.qs, allowed=SORTS, default="name")
    return render(
        request,
        "experts/expert_list.html",
        {"filter": expert_filter, "page_obj": paginate(request, experts), "sort": sort},
    )


@role_required(Role.COORDINATOR)
def expert_detail(request, pk: int):
    expert = get_object_or_404(registry_selectors.experts_with_consented_areas(), pk=pk)
    record_view(expert)  # a view of personal data goes into the audit trail
    today = timezone.localdate()
    attendances = list(supervision_selectors.attendances_of_expert(expert))
    days = agreement_selectors.work_days_of_expert(expert, since=today)
    upcoming, past = agreement_selectors.work_of_expert(
        expert, days, today, request.GET.get("page")
    )
    return render(
        request,
        "experts/expert_detail.html",
        {
            "expert": expert,
            "consent": registry_selectors.valid_consent(expert),
            "earlier_consents": registry_selectors.withdrawn_consents(expert),
            "agreements": agreement_selectors.agreements_of_expert(expert),
            "upcoming": upcoming,
            "past": past,
            "attendances": attendances,
            "attended": sum(1 for attendance in attendances if attendance.present),
        },
    )


@role_required(Role.COORDINATOR)
def expert_trail(request, pk: int):
    expert = get_object_or_404(Expert, pk=pk)
    return render(
        request,
        "experts/expert_trail.html",
        {"expert": expert, "page_obj": paginate(request, audit_trail_of(expert))},
    )


@role_required(Role.COORDINATOR)
def expert_fees(request, pk: int):
    """The expert's fees of a year as on their own fee page, for the coordinator who arranges
    the payment."""
    expert = get_object_or_404(Expert, pk=pk)
    record_view(expert)  # fee figures are personal data too
    year = year_param(request)
    context = {
        "expert": expert,
        "fees": payroll_selectors.fees_of_expert(expert, year),
        "year": year,
        "years": payroll_selectors.fee_years_of_expert(expert),
    }
    return render(request, "experts/expert_fees.html", context)


@role_required(Role.COORDINATOR)
def expert_data_json(request, pk: int):
    expert = get_object_or_404(Expert, pk=pk)
    data = expert_data_export(expert=expert, by=request.user)  # records the export
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="kokemustoimija-{expert.pk}.json"'
    return response


@role_required(Role.COORDINATOR)
def expert_data_pdf(request, pk: int):
    expert = get_object_or_404(Expert, pk=pk)
    data = expert_data_export(expert=expert, by=request.user)  # records the export
    pdf = render_pdf(
        "experts/expert_data_pdf.html",
        {
            "expert": expert,
            "data": data,
            "expert_rows": [
                (Expert._meta.get_field(name).verbose_name, value)
                for name, value in data["expert"].items()
            ],
            "today": timezone.localdate(),
        },
    )
    return pdf_response(pdf, f"kokemustoimija-{expert.pk}.pdf", inline=False)


@role_required(Role.COORDINATOR)
def expert_anonymise_view(request, pk: int):
    """GET: what erasure removes and keeps; POST: erase."""
    expert = get_object_or_404(Expert, pk=pk)
    if expert.anonymised_at:
        messages.info(request, _("This expert has already been anonymised."))
        return redirect("registry:expert_detail", pk=pk)
    if request.method == "POST":
        expert_anonymise(expert=expert, by=request.user)
        messages.success(
            request,
            _("The personal data was erased. The work done stays in the figures as %(expert)s.")
            % {"expert": expert},
        )
        return redirect("registry:expert_detail", pk=pk)
    return render(request, "experts/expert_anonymise.html", {"expert": expert})
