"""The expert's own pages (My page) and the coordinator's invitation and feed revocation.

Every object is fetched through a queryset of the expert's own (the ``*_of_expert`` selectors),
so another expert's id answers 404 by construction.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.formats import number_format
from django.utils.http import quote_etag, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements import selectors as agreement_selectors
from agreements.models import AssignmentStatus
from agreements.pdf import agreement_pdf_response
from agreements.services import is_in_future
from guidance.selectors import open_periods_of_expert
from kokemus.access import Role, role_required
from kokemus.forms import add_service_error
from kokemus.lists import paginate, year_param
from kokemus.pdf import pdf_response, render_pdf
from orders.selectors import open_offers_for_expert
from payroll import selectors as payroll_selectors
from payroll import services as payroll_services
from payroll.forms import ReportLineForm
from portal import selectors, services
from portal.calendar import feed_etag, feed_events, kept_calendar
from portal.forms import CONTACT_FIELDS, ContactDetailsForm, WithdrawForm
from portal.models import CalendarToken
from registry import selectors as registry_selectors
from registry.models import Expert
from registry.services import consent_withdraw, expert_update
from supervision import selectors as supervision_selectors
from supervision import services as supervision_services
from supervision.forms import ProposalForm


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@role_required(Role.EXPERT)
def my_page(request):
    expert = selectors.expert_for_user(request.user)
    today = timezone.localdate()
    since = payroll_selectors.reminders_since(today)
    days = agreement_selectors.work_days_of_expert(expert, since=since)
    upcoming, past = agreement_selectors.work_of_expert(
        expert, days, today, request.GET.get("page")
    )
    token = CalendarToken.objects.filter(expert=expert).first()
    feed_url = (
        request.build_absolute_uri(reverse("portal:calendar_feed", args=[token.token]))
        if token
        else None
    )
    return render(
        request,
        "portal/my_page.html",
        {
            "expert": expert,
            "upcoming": upcoming,
            "past": past,
            "today": today,
            "feed_url": feed_url,
            "offers": open_offers_for_expert(expert, timezone.now()),  # orders: the Offers section
            "periods": open_periods_of_expert(expert),  # guidance: the Kokemusohjaus section
            "earnings": payroll_selectors.earnings_position(expert, today),
            "to_report": payroll_selectors.unreported_among(days, today),
        },
    )


@role_required(Role.EXPERT)
def assignment_detail(request, pk: int):
    expert = selectors.expert_for_user(request.user)
    participation = get_object_or_404(
        agreement_selectors.participations_of_expert(expert), assignment_id=pk
    )
    line = payroll_selectors.current_line_of(participation)
    form = ReportLineForm(
        initial=ReportLineForm.initial_from(line, participation),
        has_receipt=bool(line and line.receipt),
        completes=payroll_selectors.report_asks_reach(participation),
    )
    return _assignment_page(request, participation, form, line=line)


def _assignment_page(request, participation, form, withdraw_form=None, *, line=None):
    assignment = participation.assignment
    planned = assignment.status == AssignmentStatus.PLANNED
    reportable = assignment.status != AssignmentStatus.CANCELLED and not is_in_future(assignment)
    return render(
        request,
        "portal/assignment_detail.html",
        {
            "participation": participation,
            "assignment": assignment,
            "co_workers": selectors.co_worker_first_names(participation),
            "line": line,
            "form": form,
            "can_report": reportable and (line is None or line.is_editable_by_expert),
            "can_withdraw": planned and assignment.date >= timezone.localdate(),
            "withdraw_form": withdraw_form or WithdrawForm(),
        },
    )


@role_required(Role.EXPERT)
@require_POST
def assignment_report(request, pk: int):
    """The expert reports (or corrects) their own hours, kilometres and costs; refused input
    re-displays with what was typed and the message on its field."""
    expert = selectors.expert_for_user(request.user)
    participation = get_object_or_404(
        agreement_selectors.participations_of_expert(expert), assignment_id=pk
    )
    line = payroll_selectors.current_line_of(participation)
    form = ReportLineForm(
        request.POST,
        request.FILES,
        has_receipt=bool(line and line.receipt),
        completes=payroll_selectors.report_asks_reach(participation),
    )
    if not form.is_valid():
        return _assignment_page(request, participation, form, line=line)
    try:
        payroll_services.line_submit(
            participation=participation, by=request.user, **form.service_kwargs()
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            add_service_error(form, error)
            return _assignment_page(request, participation, form, line=line)
        # Not about a field (the assignment was cancelled meanwhile, or the line approved).
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("Your report of %(hours)s hours was sent to the coordinator. Thank you!")
            % {"hours": number_format(form.cleaned_data["hours"])},
        )
    return redirect("portal:assignment_detail", pk=pk)


@role_required(Role.EXPERT)
@require_POST
def assignment_withdraw(request, pk: int):
    """Takes the expert off a coming assignment, with an optional reason for the coordinator."""
    expert = selectors.expert_for_user(request.user)
    participation = get_object_or_404(
        agreement_selectors.participations_of_expert(expert), assignment_id=pk
    )
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        report_form = ReportLineForm(completes=payroll_selectors.report_asks_reach(participation))
        return _assignment_page(request, participation, report_form, form)
    try:
        services.participation_withdraw(
            participation=participation, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("portal:assignment_detail", pk=pk)
    messages.success(
        request,
        _("You withdrew from %(title)s. The coordinator has been told.")
        % {"title": participation.assignment.title},
    )
    return redirect("portal:my_page")


@role_required(Role.EXPERT)
def agreement_list(request):
    expert = selectors.expert_for_user(request.user)
    agreements = agreement_selectors.agreements_of_expert(expert)
    return render(request, "portal/agreement_list.html", {"agreements": agreements})


@role_required(Role.EXPERT)
def agreement_pdf(request, pk: int):
    expert = selectors.expert_for_user(request.user)
    agreement = get_object_or_404(agreement_selectors.agreements_of_expert(expert), pk=pk)
    return agreement_pdf_response(agreement)


@role_required(Role.EXPERT)
def supervision(request):
    expert = selectors.expert_for_user(request.user)
    return render(
        request,
        "portal/supervision.html",
        {
            "groups": supervision_selectors.groups_of_expert(expert),
            "sessions": paginate(request, supervision_selectors.sessions_of_expert(expert)),
            "coming": supervision_selectors.coming_sessions_of_expert(
                expert, today=timezone.localdate()
            )[:COMING_SESSIONS],
        },
    )


# How many coming sessions the supervision page offers for topic proposals.
COMING_SESSIONS = 6


@role_required(Role.EXPERT)
def session_topics(request, pk: int):
    """Propose a topic for a coming session of one's own group and read the others'
    proposals (first names only). Another group's or a past session answers 404."""
    expert = selectors.expert_for_user(request.user)
    session = get_object_or_404(
        supervision_selectors.coming_sessions_of_expert(expert, today=timezone.localdate()),
        pk=pk,
    )
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            supervision_services.proposal_add(
                session=session, expert=expert, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Thank you: your topic proposal was saved."))
            return redirect("portal:session_topics", pk=session.pk)
    return render(
        request,
        "portal/session_topics.html",
        {
            "session": session,
            "form": form,
            "proposals": supervision_selectors.proposals_for_members(session),
            "expert": expert,
        },
    )


@role_required(Role.EXPERT)
def contact_details(request):
    expert = selectors.expert_for_user(request.user)
    form = ContactDetailsForm(request.POST or None, instance=expert)
    if request.method == "POST" and form.is_valid():
        try:
            expert_update(
                expert=expert,
                fields={name: form.cleaned_data[name] for name in CONTACT_FIELDS},
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your contact details were saved."))
            return redirect("portal:contact_details")
    return render(
        request,
        "portal/contact_details.html",
        {"form": form, "consents": registry_selectors.consents_of_expert(expert)},
    )


@role_required(Role.EXPERT)
@require_POST
def consent_withdraw_view(request, pk: int):
    expert = selectors.expert_for_user(request.user)
    consent = get_object_or_404(registry_selectors.consents_of_expert(expert), pk=pk)
    try:
        consent_withdraw(consent=consent, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("You withdrew your consent. Your experience areas were deleted.")
        )
    return redirect("portal:contact_details")


@role_required(Role.EXPERT)
def fees(request):
    expert = selectors.expert_for_user(request.user)
    year = year_param(request)
    years = payroll_selectors.fee_years_of_expert(expert)
    return render(
        request,
        "portal/fees.html",
        {
            "fees": payroll_selectors.fees_of_expert(expert, year),
            "year": year,
            "years": years,
            "runs": payroll_selectors.runs_paying(expert),
        },
    )


@role_required(Role.EXPERT)
def fee_statement_pdf(request):
    expert = selectors.expert_for_user(request.user)
    year = year_param(request)
    pdf = render_pdf(
        "portal/fee_statement_pdf.html",
        {
            "expert": expert,
            "fees": payroll_selectors.fees_of_expert(expert, year),
            "today": timezone.localdate(),
        },
    )
    return pdf_response(pdf, f"palkkioselvitys-{year}.pdf")


@role_required(Role.EXPERT)
@require_POST
def calendar_regenerate(request):
    expert = selectors.expert_for_user(request.user)
    services.calendar_token_regenerate(expert=expert)
    messages.success(
        request, _("Your calendar address is ready. Any earlier address no longer works.")
    )
    return redirect("portal:my_page")


@role_required(Role.EXPERT)
@require_POST
def calendar_revoke_own(request):
    expert = selectors.expert_for_user(request.user)
    services.calendar_token_revoke(expert=expert)
    messages.success(request, _("Your calendar address no longer works."))
    return redirect("portal:my_page")


@login_not_required
def calendar_feed(request, token: str):
    """Public by design: the long random token in the URL is the only key.

    A poll that sends the ETag of unchanged events gets 304 without the calendar being built.
    """
    calendar_token = (
        CalendarToken.objects.select_related("expert").filter(token=token).first()
        if token
        else None
    )
    if calendar_token is None:
        raise Http404
    expert = calendar_token.expert
    name = _("Kokemus: %(name)s") % {"name": expert.first_name}
    events = feed_events(expert, today=timezone.localdate())
    etag = quote_etag(feed_etag(name, events))
    response = get_conditional_response(request, etag=etag)  # 304 (or 412), else None
    if response is None:
        response = HttpResponse(
            kept_calendar(events, name=name, etag=etag),
            content_type="text/calendar; charset=utf-8",
        )
        response["Content-Disposition"] = 'inline; filename="kokemus.ics"'
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"  # always ask; 304 if nothing changed
    return response


def _redirect_next(request):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)  # not redirect(): "0000-01" would be a view name
    return redirect("home")


@role_required(Role.COORDINATOR)
@require_POST
def calendar_revoke(request, expert_pk: int):
    expert = get_object_or_404(Expert, pk=expert_pk)
    if services.calendar_token_revoke(expert=expert):
        messages.success(
            request,
            _("The calendar address of %(expert)s no longer works.") % {"expert": expert.full_name},
        )
    else:
        messages.info(
            request, _("%(expert)s has no calendar address.") % {"expert": expert.full_name}
        )
    return _redirect_next(request)


@role_required(Role.COORDINATOR)
def invite(request, expert_pk: int):
    """GET: a confirmation page; POST: create the login and send the set-password e-mail."""
    expert = get_object_or_404(Expert, pk=expert_pk)
    if request.method == "POST":
        try:
            user = services.expert_invite(expert=expert, request=request)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("%(expert)s can now log in as %(username)s: we sent a link to %(email)s.")
                % {"expert": expert.full_name, "username": user.username, "email": user.email},
            )
        return _redirect_next(request)
    return render(
        request,
        "portal/invite.html",
        {"expert": expert, "next": request.GET.get("next", "")},
    )
