"""The coordinator's expert pages: list, detail, create and edit, consent, and the GDPR tools
(audit trail, subject access export, erasure by anonymisation). Coordinators and admins only.
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kokemus.access import Role, role_required
from kokemus.audit import expert_trail as audit_trail_of
from kokemus.audit import record_view
from kokemus.forms import add_service_error
from kokemus.lists import order_by_param, paginate, year_param
from kokemus.pdf import pdf_response, render_pdf
from portal.selectors import fee_years_for_expert, fees_for_expert
from registry import selectors, services
from registry.filters import ExpertFilter
from registry.forms import ConsentAreasForm, ConsentForm, ExpertForm
from registry.models import Expert
from registry.privacy import expert_anonymise, expert_data_export

SORTS = {
    "name": ("last_name", "first_name"),
    "kind": ("kind",),
    "municipality": ("municipality",),
    "trained": ("trained",),
    "status": ("status",),
    "covered": ("covered_today",),
}


def _register_fields(cleaned_data: dict) -> dict:
    return {name: cleaned_data[name] for name in services.EXPERT_FIELDS}


@role_required(Role.COORDINATOR)
def expert_list(request):
    expert_filter = ExpertFilter(request.GET, queryset=selectors.experts_for_list())
    experts, sort = order_by_param(request, expert_filter.qs, allowed=SORTS, default="name")
    return render(
        request,
        "registry/expert_list.html",
        {"filter": expert_filter, "page_obj": paginate(request, experts), "sort": sort},
    )


@role_required(Role.COORDINATOR)
def expert_detail(request, pk: int):
    expert = get_object_or_404(selectors.experts_with_consented_areas(), pk=pk)
    record_view(expert)  # a view of personal data goes into the audit trail
    today = timezone.localdate()
    attendances = list(selectors.attendances_of_expert(expert))
    return render(
        request,
        "registry/expert_detail.html",
        {
            "expert": expert,
            "consent": selectors.valid_consent(expert),
            "earlier_consents": selectors.withdrawn_consents(expert),
            "agreements": selectors.agreements_of_expert(expert),
            "upcoming": selectors.upcoming_participations(expert, today),
            "past": paginate(request, selectors.past_participations(expert, today)),
            "attendances": attendances,
            "attended": sum(1 for attendance in attendances if attendance.present),
        },
    )


@role_required(Role.COORDINATOR)
def expert_create(request):
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            expert = services.expert_create(fields=_register_fields(form.cleaned_data))
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("%(expert)s was added to the register.") % {"expert": expert}
            )
            return redirect("registry:expert_detail", pk=expert.pk)
    return render(request, "registry/expert_form.html", {"form": form, "expert": None})


@role_required(Role.COORDINATOR)
def expert_update(request, pk: int):
    expert = get_object_or_404(Expert, pk=pk)
    if expert.anonymised_at:
        messages.error(request, _("This expert has been anonymised and can no longer be edited."))
        return redirect("registry:expert_detail", pk=pk)
    form = ExpertForm(request.POST or None, instance=Expert.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_update(
                expert=expert,
                fields=_register_fields(form.cleaned_data),
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("The details of %(expert)s were saved.") % {"expert": expert}
            )
            return redirect("registry:expert_detail", pk=expert.pk)
    return render(request, "registry/expert_form.html", {"form": form, "expert": expert})


@role_required(Role.COORDINATOR)
def expert_consent(request, pk: int):
    """Record a consent with its experience areas, or change the areas of the valid one."""
    expert = get_object_or_404(Expert, pk=pk, anonymised_at__isnull=True)
    consent = selectors.valid_consent(expert)
    data = request.POST if request.method == "POST" else None
    if consent:
        form = ConsentAreasForm(
            data, initial={"areas": list(consent.experiences.values_list("area_id", flat=True))}
        )
    else:
        form = ConsentForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            if consent:
                services.consent_areas_update(consent=consent, areas=form.cleaned_data["areas"])
            else:
                services.consent_record(expert=expert, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The experience areas and consent were saved."))
            return redirect("registry:expert_detail", pk=expert.pk)
    return render(
        request,
        "registry/expert_consent.html",
        {"form": form, "expert": expert, "consent": consent},
    )


@role_required(Role.COORDINATOR)
@require_POST
def expert_consent_withdraw(request, pk: int):
    expert = get_object_or_404(Expert, pk=pk)
    consent = selectors.valid_consent(expert)
    if consent is None:
        messages.error(request, _("This expert has no valid consent to withdraw."))
    else:
        services.consent_withdraw(consent=consent, by=request.user)
        messages.success(request, _("The consent was withdrawn and the experience areas deleted."))
    return redirect("registry:expert_detail", pk=expert.pk)


@role_required(Role.COORDINATOR)
def expert_trail(request, pk: int):
    expert = get_object_or_404(Expert, pk=pk)
    return render(
        request,
        "registry/expert_trail.html",
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
        "fees": fees_for_expert(expert, year),
        "year": year,
        "years": fee_years_for_expert(expert),
    }
    return render(request, "registry/expert_fees.html", context)


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
        "registry/expert_data_pdf.html",
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
    return render(request, "registry/expert_anonymise.html", {"expert": expert})
