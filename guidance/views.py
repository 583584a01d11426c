"""Kokemusohjaus periods: coordinators see and edit every period and enter referrals; a guide
(expert) sees and records only their own, from their My page, on a phone as well.

Every period is fetched through ``visible_periods`` (guidance.selectors), so another guide's
id answers 404 by construction. The evaluation group reads only the report's figures.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from guidance import selectors, services
from guidance.forms import EndForm, MeetingFields, ReferralForm, StartForm
from guidance.models import Meeting, Period, PeriodStatus
from guidance.services import GUIDANCE_TYPE
from kokemus.access import Role, role_required
from kokemus.forms import add_service_error
from kokemus.lists import paginate_ids
from orders.models import Request

BOTH = (Role.EXPERT, Role.COORDINATOR)


@role_required(*BOTH)
def period_list(request):
    visible = selectors.visible_periods(request.user)
    periods = visible.order_by("-referred_on", "-pk")
    status = request.GET.get("status", "")
    if status in PeriodStatus.values:
        periods = periods.filter(status=status)
    # Meetings are counted for the page's rows only, not for every period before the sort.
    page = paginate_ids(request, periods, rows=selectors.periods_for_list(visible))
    return render(
        request,
        "guidance/period_list.html",
        {"page_obj": page, "status": status, "statuses": PeriodStatus},
    )


@role_required(*BOTH)
def period_detail(request, pk: int):
    period = selectors.period_for_page(request.user, pk)
    return render(request, "guidance/period_detail.html", {"period": period})


# --- The coordinator's referrals ------------------------------------------------------------


@role_required(Role.COORDINATOR)
def period_create(request):
    return _referral_page(request, Period(referred_on=timezone.localdate()))


@role_required(Role.COORDINATOR)
def period_from_request(request, request_pk: int):
    """A referral from a request for kokemusohjaus: its service area and day come along."""
    guidance_requests = Request.objects.filter(type__code=GUIDANCE_TYPE)
    order = get_object_or_404(guidance_requests, pk=request_pk)
    period = Period(
        request=order,
        service_area=order.service_area,
        referred_on=timezone.localdate(order.received_at),
    )
    return _referral_page(request, period, order=order)


@role_required(Role.COORDINATOR)
def period_update(request, pk: int):
    return _referral_page(request, get_object_or_404(Period, pk=pk))


def _referral_page(request, period: Period, *, order: Request | None = None):
    form = ReferralForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_save(
                period=form.instance, by=request.user, expected_version=form.expected_version
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The referral was saved."))
            return redirect("guidance:period_detail", pk=period.pk)
    return render(
        request, "guidance/referral_form.html", {"form": form, "period": period, "order": order}
    )


# --- The guide's (and the coordinator's) records ---------------------------------------------


def _period(request, pk: int) -> Period:
    return get_object_or_404(selectors.visible_periods(request.user).select_related("guide"), pk=pk)


def _step_page(request, period: Period, form, title: str, **extra):
    context = {"period": period, "form": form, "title": title} | extra
    return render(request, "guidance/step_form.html", context)


@role_required(*BOTH)
def period_start(request, pk: int):
    period = _period(request, pk)
    if period.status != PeriodStatus.REFERRED:
        return redirect("guidance:period_detail", pk=pk)
    initial = {"version": period.version, "date": timezone.localdate()}
    form = StartForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_start(
                period=period,
                meeting=form.fill(Meeting()),
                goals=form.goals,
                by=request.user,
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The start meeting and the goals were saved."))
            return redirect("guidance:period_detail", pk=pk)
    return _step_page(request, period, form, _("Start meeting"))


@role_required(*BOTH)
def meeting_create(request, pk: int):
    period = _period(request, pk)
    initial = {"version": period.version, "date": timezone.localdate()}
    return _meeting_page(request, period, Meeting(), initial)


@role_required(*BOTH)
def meeting_update(request, pk: int):
    visible = Q(period__in=selectors.visible_periods(request.user))
    meeting = get_object_or_404(
        Meeting.objects.filter(visible).select_related("period__guide", "assignment"), pk=pk
    )
    initial = MeetingFields.initial_from(meeting, meeting.period.version)
    return _meeting_page(request, meeting.period, meeting, initial)


def _meeting_page(request, period: Period, meeting: Meeting, initial: dict):
    if period.status != PeriodStatus.ONGOING:
        messages.info(request, _("Meetings are recorded while the period is ongoing."))
        return redirect("guidance:period_detail", pk=period.pk)
    form = MeetingFields(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_save(
                period=period,
                meeting=form.fill(meeting),
                by=request.user,
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect("guidance:period_detail", pk=period.pk)
    return _step_page(request, period, form, _("Meeting"))


@role_required(*BOTH)
def period_end(request, pk: int):
    period = _period(request, pk)
    if period.status != PeriodStatus.ONGOING:
        return redirect("guidance:period_detail", pk=pk)
    goals = list(period.goals.order_by("position"))
    initial = {"version": period.version, "ended_on": timezone.localdate()}
    form = EndForm(request.POST or None, initial=initial, goals=goals)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_end(
                period=period,
                ended_on=form.cleaned_data["ended_on"],
                outcomes=form.outcomes,
                closing_note=form.cleaned_data["closing_note"],
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The period was ended."))
            return redirect("guidance:period_detail", pk=pk)
    return _step_page(request, period, form, _("End of the period"))
