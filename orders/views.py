"""Requests: the public order form and status page, the coordinators' queue and request page,
and the expert's offer page.

The public views need no login on purpose (``login_not_required``). The status page is found
only by its long random token; the expert's offers only through their own queryset, so another
expert's offer answers 404.
"""

import datetime

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements.selectors import expert_choices
from kokemus.access import Role, role_required
from kokemus.lists import paginate_ids
from orders import selectors, services
from orders.filters import RequestFilter
from orders.forms import (
    HONEYPOT,
    AnswerForm,
    DeclineForm,
    OfferForm,
    OpenCallForm,
    RequestForm,
    VolunteersForm,
)
from orders.matching import ORDER_EXPLANATION, suggestions
from orders.models import OfferKind, OfferStatus, Request, RequestStatus
from registry.models import Expert

# How many suggestions the request page lists; the rest are counted (an open call reaches all).
SHOWN_SUGGESTIONS = 30


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: at the field it names, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# --- Public: the order form and the requester's status page ---------------------------------


def _refused(request, status: int):
    return render(request, "orders/refused.html", {"status": status}, status=status)


@login_not_required
def request_form(request):
    """The order form that needs no account. A post is refused (413, 429) before it is read
    when it is too large or its address has posted too often; a robot that fills the hidden
    field is thanked and nothing is saved."""
    if request.method != "POST":
        return render(request, "orders/request_form.html", {"form": RequestForm()})
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.REQUEST_FORM_MAX_BYTES:
        return _refused(request, 413)
    if not services.form_post_allowed(address=get_client_ip_address(request) or "unknown"):
        return _refused(request, 429)
    if request.POST.get(HONEYPOT):
        return redirect("ordering:thanks")
    form = RequestForm(request.POST)
    if form.is_valid():
        try:
            services.request_submit(fields=form.request_fields(), language=get_language())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("ordering:thanks")
    return render(request, "orders/request_form.html", {"form": form})


@login_not_required
def thanks(request):
    return render(request, "orders/thanks.html")


@login_not_required
def request_status(request, token: str):
    """What the requester sees: the request, its status and, once booked, the experts' first
    names and the practicalities. An unknown, expired or revoked link looks the same."""
    link = selectors.link_by_token(token, timezone.now())
    if link is None:
        response = render(request, "orders/status_gone.html", status=404)
    else:
        order = link.request
        booked = order.status == RequestStatus.BOOKED
        response = render(
            request,
            "orders/status.html",
            {
                "order": order,
                "link": link,
                "booked": booked,
                "first_names": selectors.booked_first_names(order) if booked else [],
            },
        )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Coordinators: the queue and a request's page -------------------------------------------


@role_required(Role.COORDINATOR)
def request_list(request):
    # Filtered and sorted without the offer counts: those are counted for the page's rows only.
    filterset = RequestFilter(request.GET, queryset=Request.objects.all())
    ordered = filterset.qs.order_by("-received_at", "-pk")
    page = paginate_ids(request, ordered, rows=selectors.requests_for_queue())
    return render(request, "orders/request_list.html", {"filter": filterset, "page_obj": page})


def _default_deadline(order) -> datetime.datetime:
    """Two days from now on the hour, but before the request's day begins."""
    now = timezone.localtime()
    deadline = (now + datetime.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    starts = timezone.make_aware(datetime.datetime.combine(order.date, datetime.time(8)))
    return min(deadline, starts)


@role_required(Role.COORDINATOR)
def request_detail(request, pk: int, forms: dict | None = None):
    order = selectors.request_for_page(pk)
    offers = order.listed_offers
    context = {
        "order": order,
        "offers": offers,
        "link": selectors.latest_link(order),
        "now": timezone.now(),
        "decline_form": DeclineForm(),
    }
    if order.is_open:
        offered = {offer.expert_id: offer for offer in offers}
        found = suggestions(order)
        deadline = {"deadline": _default_deadline(order)}
        context |= {
            "suggestions": [(s, offered.get(s.expert.pk)) for s in found[:SHOWN_SUGGESTIONS]],
            "more_suggestions": max(len(found) - SHOWN_SUGGESTIONS, 0),
            "order_explanation": ORDER_EXPLANATION,
            "expert_choices": expert_choices(),
            "offer_form": OfferForm(initial=deadline),
            "open_call_form": OpenCallForm(initial=deadline),
            "volunteers": [o for o in offers if o.status == OfferStatus.VOLUNTEERED],
        }
    context |= forms or {}
    return render(request, "orders/request_detail.html", context)


@role_required(Role.COORDINATOR)
@require_POST
def offer_create(request, pk: int):
    order = selectors.request_for_page(pk)
    form = OfferForm(request.POST)
    if form.is_valid():
        try:
            offers = services.offers_make(
                order=order,
                experts=list(form.cleaned_data["experts"]),
                deadline=form.cleaned_data["deadline"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The request was offered to %(names)s.")
                % {"names": ", ".join(offer.expert.full_name for offer in offers)},
            )
            return redirect("orders:request_detail", pk=pk)
    return request_detail(request, pk, forms={"offer_form": form})


@role_required(Role.COORDINATOR)
@require_POST
def open_call(request, pk: int):
    order = selectors.request_for_page(pk)
    form = OpenCallForm(request.POST)
    if form.is_valid():
        try:
            offers = services.open_call_publish(
                order=order, deadline=form.cleaned_data["deadline"], by=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The request was published to %(count)s matching experts.")
                % {"count": len(offers)},
            )
            return redirect("orders:request_detail", pk=pk)
    return request_detail(request, pk, forms={"open_call_form": form})


@role_required(Role.COORDINATOR)
@require_POST
def volunteers_book(request, pk: int):
    order = selectors.request_for_page(pk)
    form = VolunteersForm(request.POST, order=order)
    if form.is_valid():
        try:
            services.volunteers_book(
                order=order, offers=list(form.cleaned_data["offers"]), by=request.user
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The chosen volunteers were booked."))
    else:
        messages.error(request, _("Choose at least one volunteer."))
    return redirect("orders:request_detail", pk=pk)


@role_required(Role.COORDINATOR)
@require_POST
def request_decline(request, pk: int):
    order = selectors.request_for_page(pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.request_decline(order=order, message=form.cleaned_data["message"])
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The request was declined and the requester told."))
            return redirect("orders:request_detail", pk=pk)
    return request_detail(request, pk, forms={"decline_form": form})


@role_required(Role.COORDINATOR)
@require_POST
def request_withdraw(request, pk: int):
    order = selectors.request_for_page(pk)
    try:
        services.request_withdraw(order=order)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The request was marked withdrawn."))
    return redirect("orders:request_detail", pk=pk)


@role_required(Role.COORDINATOR)
@require_POST
def link_revoke(request, pk: int):
    order = selectors.request_for_page(pk)
    services.status_link_revoke(order=order)
    messages.success(request, _("The requester's status link no longer works."))
    return redirect("orders:request_detail", pk=pk)


@role_required(Role.COORDINATOR)
@require_POST
def link_renew(request, pk: int):
    order = selectors.request_for_page(pk)
    if order.requester_erased_at:
        messages.error(request, _("The requester's details were erased: no link can be sent."))
        return redirect("orders:request_detail", pk=pk)
    services.status_link_renew(order=order)
    messages.success(
        request,
        _("A new status link was sent to %(email)s; the old one no longer works.")
        % {"email": order.requester_email},
    )
    return redirect("orders:request_detail", pk=pk)


# --- Experts: an offer and the answer to it -------------------------------------------------


def _own_offer(request, pk: int):
    expert = get_object_or_404(Expert, user=request.user)
    return get_object_or_404(selectors.offers_for_expert(expert), pk=pk)


def _offer_page(request, offer, form=None, status=200):
    return render(
        request,
        "orders/offer_detail.html",
        {
            "offer": offer,
            "order": offer.request,
            "open_call": offer.kind == OfferKind.OPEN_CALL,
            "answerable": offer.is_answerable(timezone.now()),
            "form": form or AnswerForm(),
        },
        status=status,
    )


@role_required(Role.EXPERT)
def offer_detail(request, pk: int):
    return _offer_page(request, _own_offer(request, pk))


@role_required(Role.EXPERT)
@require_POST
def offer_answer(request, pk: int):
    offer = _own_offer(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _offer_page(request, offer, form)
    answer = form.cleaned_data["answer"]
    try:
        services.offer_answer(offer=offer, answer=answer, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("offers:offer_detail", pk=pk)
    messages.success(
        request,
        {
            OfferStatus.ACCEPTED: _("Thank you! You are booked: the assignment is on your page."),
            OfferStatus.VOLUNTEERED: _(
                "Thank you for volunteering! The coordinator lets you know whom they chose."
            ),
            OfferStatus.DECLINED: _("Thank you for answering. The coordinator sees your answer."),
        }[answer],
    )
    if answer == OfferStatus.ACCEPTED:
        return redirect("portal:my_page")
    return redirect("offers:offer_detail", pk=pk)
