"""The coordinator's pages that edit the register: an expert's details and consent.
Coordinators and admins only. The pages that show an expert with their agreements, work and
supervision read the apps above the register, so they live above them (kokemus.expert_views).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kokemus.access import Role, role_required
from kokemus.forms import add_service_error
from registry import selectors, services
from registry.forms import ConsentAreasForm, ConsentForm, ExpertForm
from registry.models import Expert


def _register_fields(cleaned_data: dict) -> dict:
    return {name: cleaned_data[name] for name in services.EXPERT_FIELDS}


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
