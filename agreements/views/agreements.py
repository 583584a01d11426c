"""The coordinator's commission agreement pages: list, draft, edit, sign, end, PDF.

Views are thin: the rules and every write live in agreements.services; a refused save
re-renders the form with what the user typed and the service's message on the field at fault.
"""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import selectors, services
from agreements.filters.agreements import AgreementFilter
from agreements.forms.agreements import (
    AgreementEndForm,
    AgreementExpertForm,
    AgreementForm,
    AgreementSignForm,
)
from agreements.models import Agreement, AgreementStatus
from agreements.pdf import agreement_pdf_response
from kokemus.access import Role, role_required
from kokemus.forms import add_rule_errors, add_service_error
from kokemus.lists import order_by_param, paginate
from kokemus.translated_names import name_to_order_by
from registry.models import Expert

SORTS = {
    "number": ("number",),
    "expert": ("expert__last_name", "expert__first_name"),
    "division": (partial(name_to_order_by, "division__"),),
    "status": ("status",),
    "valid_from": ("valid_from",),
    "valid_until": ("valid_until",),
    "hourly_fee": ("hourly_fee",),
}


@role_required(Role.COORDINATOR)
def agreement_list(request):
    filterset = AgreementFilter(request.GET, queryset=selectors.agreement_list())
    agreements, sort = order_by_param(request, filterset.qs, allowed=SORTS, default="-valid_from")
    return render(
        request,
        "agreements/agreement_list.html",
        {"filter": filterset, "page_obj": paginate(request, agreements), "sort": sort},
    )


@role_required(Role.COORDINATOR)
def agreement_start(request):
    """A new agreement from the list: choose the expert, then draft it on their form."""
    form = AgreementExpertForm(request.GET if "expert" in request.GET else None)
    if form.is_valid():
        return redirect("agreements:agreement_create", expert_pk=form.cleaned_data["expert"].pk)
    return render(request, "agreements/agreement_start.html", {"form": form})


@role_required(Role.COORDINATOR)
def agreement_create(request, expert_pk: int):
    expert = get_object_or_404(Expert, pk=expert_pk, anonymised_at__isnull=True)
    if request.method == "POST":
        form = AgreementForm(request.POST)
        if form.is_valid():
            try:
                agreement = services.agreement_create(
                    expert=expert, fields=_draft_fields(form.cleaned_data)
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("The draft agreement %(number)s was saved.") % {"number": agreement.number},
                )
                return redirect("agreements:agreement_detail", pk=agreement.pk)
        else:
            add_rule_errors(
                form,
                services.agreement_validate,
                expert=expert,
                fields=_draft_fields(form.cleaned_data),
            )
    else:
        today = timezone.localdate()
        form = AgreementForm(
            initial={
                "number": selectors.next_agreement_number(today.year),
                "valid_from": today,
                "duties": _default_duties(),
            }
        )
    return render(request, "agreements/agreement_form.html", {"form": form, "expert": expert})


@role_required(Role.COORDINATOR)
def agreement_update(request, pk: int):
    agreement = _get_agreement(pk)
    if agreement.status != AgreementStatus.DRAFT:
        messages.warning(
            request,
            _("Only a draft can be edited: this agreement is %(status)s.")
            % {"status": agreement.get_status_display()},
        )
        return redirect("agreements:agreement_detail", pk=agreement.pk)
    if request.method == "POST":
        form = AgreementForm(request.POST, instance=agreement)
        if form.is_valid():
            try:
                services.agreement_update(
                    agreement=agreement,
                    fields=_draft_fields(form.cleaned_data),
                    expected_version=form.expected_version,
                )
            except ValidationError as error:
                add_service_error(form, error)
                agreement = _get_agreement(pk)  # the page shows what is stored, not the attempt
            else:
                messages.success(request, _("The agreement was saved."))
                return redirect("agreements:agreement_detail", pk=agreement.pk)
        else:
            add_rule_errors(
                form,
                services.agreement_validate,
                expert=agreement.expert,
                fields=_draft_fields(form.cleaned_data),
                agreement=agreement,
            )
    else:
        form = AgreementForm(instance=agreement)
    return render(
        request,
        "agreements/agreement_form.html",
        {"form": form, "expert": agreement.expert, "agreement": agreement},
    )


@role_required(Role.COORDINATOR)
def agreement_detail(request, pk: int):
    return render(request, "agreements/agreement_detail.html", {"agreement": _get_agreement(pk)})


@role_required(Role.COORDINATOR)
def agreement_sign(request, pk: int):
    agreement = _get_agreement(pk)
    if request.method == "POST":
        form = AgreementSignForm(request.POST)
        if form.is_valid():
            try:
                services.agreement_sign(
                    agreement=agreement,
                    signed_on=form.cleaned_data["signed_on"],
                    expected_version=form.expected_version,
                )
            except ValidationError as error:
                add_service_error(form, error)
                agreement = _get_agreement(pk)
            else:
                messages.success(
                    request,
                    _("The agreement %(number)s is signed and in force.")
                    % {"number": agreement.number},
                )
                return redirect("agreements:agreement_detail", pk=agreement.pk)
    else:
        if agreement.status != AgreementStatus.DRAFT:
            return _refuse_status(request, agreement)
        form = AgreementSignForm(
            initial={"signed_on": timezone.localdate(), "version": agreement.version}
        )
    return render(
        request,
        "agreements/agreement_action.html",
        {"form": form, "agreement": agreement, "action": "sign"},
    )


@role_required(Role.COORDINATOR)
def agreement_end(request, pk: int):
    agreement = _get_agreement(pk)
    if request.method == "POST":
        form = AgreementEndForm(request.POST)
        if form.is_valid():
            try:
                _close(agreement, form)
            except ValidationError as error:
                add_service_error(form, error)
                agreement = _get_agreement(pk)
            else:
                messages.success(
                    request,
                    _("The agreement %(number)s is now %(status)s.")
                    % {"number": agreement.number, "status": agreement.get_status_display()},
                )
                return redirect("agreements:agreement_detail", pk=agreement.pk)
    else:
        if agreement.status != AgreementStatus.ACTIVE:
            return _refuse_status(request, agreement)
        form = AgreementEndForm(
            initial={
                "outcome": AgreementStatus.ENDED,
                "valid_until": agreement.valid_until or timezone.localdate(),
                "version": agreement.version,
            }
        )
    return render(
        request,
        "agreements/agreement_action.html",
        {"form": form, "agreement": agreement, "action": "end"},
    )


@role_required(Role.COORDINATOR)
def agreement_pdf(request, pk: int):
    return agreement_pdf_response(_get_agreement(pk))


def _close(agreement: Agreement, form: AgreementEndForm) -> None:
    last_day, version = form.cleaned_data["valid_until"], form.expected_version
    if form.cleaned_data["outcome"] == AgreementStatus.TERMINATED:
        services.agreement_terminate(
            agreement=agreement, terminated_on=last_day, expected_version=version
        )
    else:
        services.agreement_end(agreement=agreement, ended_on=last_day, expected_version=version)


def _get_agreement(pk: int) -> Agreement:
    return get_object_or_404(selectors.agreement_list(), pk=pk)


def _draft_fields(cleaned_data: dict) -> dict:
    """The draft's fields the form could read (all of them once it is valid)."""
    return {name: cleaned_data[name] for name in services.DRAFT_FIELDS if name in cleaned_data}


def _default_duties() -> str:
    return _(
        "The expert by experience takes part, as agreed case by case, in client work, service "
        "development, training and communication, drawing on their own lived experience."
    )


def _refuse_status(request, agreement: Agreement):
    messages.warning(
        request,
        _("This cannot be done to an agreement that is %(status)s.")
        % {"status": agreement.get_status_display()},
    )
    return redirect("agreements:agreement_detail", pk=agreement.pk)
