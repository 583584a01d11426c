"""The coordinator's supervision pages: groups, their sessions with attendance, coverage."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kokemus.access import Role, role_required
from kokemus.forms import add_service_error
from kokemus.lists import order_by_param, paginate
from supervision import selectors, services
from supervision.filters import GroupFilter
from supervision.forms import (
    AddMemberForm,
    GroupForm,
    MembershipForm,
    SeriesForm,
    SessionForm,
    VersionedEndForm,
)
from supervision.models import Seniority, SessionSeries, SupervisionGroup, SupervisionSession

SORTABLE = {
    "name": ("name",),
    "kind": ("kind", "name"),
    "supervisor": ("supervisor__last_name", "supervisor__first_name"),
    "last_session": ("last_session_on",),
}


@role_required(Role.COORDINATOR)
def group_list(request):
    filterset = GroupFilter(request.GET, queryset=selectors.groups_for_list())
    groups, sort = order_by_param(request, filterset.qs, allowed=SORTABLE, default="name")
    return render(
        request,
        "supervision/group_list.html",
        {"filter": filterset, "page_obj": paginate(request, groups), "sort": sort},
    )


@role_required(Role.COORDINATOR)
def group_detail(request, pk: int):
    group = selectors.group_for_page(pk)
    seniority = request.GET.get("seniority", "")
    if seniority not in SENIORITY_FILTERS:
        seniority = ""
    return render(
        request,
        "supervision/group_detail.html",
        {
            "group": group,
            "members": selectors.members_with_attendance(group, seniority=seniority),
            "seniority": seniority,
            "seniority_counts": selectors.seniority_counts(group),
            "series_list": selectors.series_of_group(group),
            "sessions": paginate(request, selectors.sessions_of_group(group)),
            "attendance_rate": selectors.attendance_rate(group),
            "today": timezone.localdate(),
        },
    )


# The group page's member filter: ?seniority=new, experienced or unmarked.
SENIORITY_FILTERS = {*Seniority.values, selectors.UNMARKED}


@role_required(Role.COORDINATOR)
def group_create(request):
    return _edit_group(request, SupervisionGroup())


@role_required(Role.COORDINATOR)
def group_update(request, pk: int):
    return _edit_group(request, selectors.group_for_page(pk))


def _edit_group(request, group: SupervisionGroup):
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_save(
                group=form.instance,
                experts=form.cleaned_data["experts"],
                professionals=form.cleaned_data["professionals"],
                today=timezone.localdate(),
                expected_version=form.expected_version,
                new_supervisor=form.cleaned_data["new_supervisor"],
                supervisor_experience=form.experience_to_record(),
            )
        except ValidationError as error:
            add_service_error(form, error)
            if group.pk:  # the page's headings show what is stored, the form what was typed
                group = selectors.group_for_page(group.pk)
        else:
            messages.success(request, _("The supervision group was saved."))
            return redirect("supervision:group_detail", pk=form.instance.pk)
    return render(request, "supervision/group_form.html", {"form": form, "group": group})


@role_required(Role.COORDINATOR)
def session_create(request, group_pk: int):
    group = selectors.group_for_page(group_pk)
    return _edit_session(request, SupervisionSession(group=group))


@role_required(Role.COORDINATOR)
def session_update(request, pk: int):
    return _edit_session(request, selectors.session_for_page(pk))


def _edit_session(request, session: SupervisionSession):
    form = SessionForm(
        request.POST or None, instance=session, members=selectors.session_members(session)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(
                session=form.instance,
                topics=form.cleaned_data["topics"],
                member_ids=form.member_ids(),
                present_ids=[member.pk for member in form.cleaned_data["present"]],
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_error(form, error)
            if session.pk:  # the page's headings show what is stored, the form what was typed
                session = selectors.session_for_page(session.pk)
        else:
            messages.success(request, _("The supervision session was saved."))
            return redirect("supervision:group_detail", pk=session.group_id)
    return render(
        request,
        "supervision/session_form.html",
        {
            "form": form,
            "session": session,
            "group": session.group,
            "proposals": selectors.proposals_of_session(session) if session.pk else [],
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def proposal_take_up(request, pk: int):
    """Mark a topic proposal taken up (or not) on the session's page."""
    proposal = selectors.proposal_for_page(pk)
    services.proposal_take_up(proposal=proposal, taken_up=request.POST.get("taken_up") != "0")
    messages.success(request, _("The topic proposal was marked."))
    return redirect("supervision:session_update", pk=proposal.session_id)


@role_required(Role.COORDINATOR)
def series_create(request, group_pk: int):
    group = selectors.group_for_page(group_pk)
    return _edit_series(request, SessionSeries(group=group))


@role_required(Role.COORDINATOR)
def series_update(request, pk: int):
    return _edit_series(request, selectors.series_for_page(pk))


def _edit_series(request, series: SessionSeries):
    form = SeriesForm(request.POST or None, instance=series)
    if request.method == "POST" and form.is_valid():
        try:
            services.series_save(
                series=form.instance,
                today=timezone.localdate(),
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_error(form, error)
            if series.pk:  # the page's headings show what is stored, the form what was typed
                series = selectors.series_for_page(series.pk)
        else:
            messages.success(
                request, _("The series was saved and the members were sent the dates.")
            )
            return redirect("supervision:group_detail", pk=series.group_id)
    return render(
        request,
        "supervision/series_form.html",
        {"form": form, "series": series, "group": series.group},
    )


@role_required(Role.COORDINATOR)
@require_POST
def series_end(request, pk: int):
    """End a series today: its coming sessions nobody has recorded attendance for go."""
    series = selectors.series_for_page(pk)
    form = VersionedEndForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("The page was out of date. Reload it and try again."))
        services.series_end(
            series=series,
            today=timezone.localdate(),
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The series was ended; its coming sessions were removed."))
    return redirect("supervision:group_detail", pk=series.group_id)


@role_required(Role.COORDINATOR)
def membership_update(request, pk: int):
    membership = selectors.membership_for_page(pk)
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(
                membership=form.instance, expected_version=form.expected_version
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The member was saved."))
            return redirect("supervision:group_detail", pk=membership.group_id)
    return render(
        request,
        "supervision/membership_form.html",
        {"form": form, "membership": membership, "group": membership.group},
    )


@role_required(Role.COORDINATOR)
def coverage(request):
    """Each working expert against their frequency target, the overdue first; ?show=all
    lists those within their target too."""
    show_all = request.GET.get("show") == "all"
    experts = selectors.supervision_due(today=timezone.localdate(), overdue_only=not show_all)
    page = paginate(request, experts)
    selectors.with_current_groups(page.object_list)
    return render(
        request,
        "supervision/coverage.html",
        {
            "page_obj": page,
            "show_all": show_all,
            "default_days": settings.SUPERVISION_TARGET_DAYS,
            "groups": AddMemberForm().fields["group"].queryset,
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def coverage_add_member(request):
    """Offer an expert without supervision a place: add them to a group from the coverage
    page, and come back to it."""
    form = AddMemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a group for the expert."))
    else:
        expert, group = form.cleaned_data["expert"], form.cleaned_data["group"]
        try:
            services.membership_add(group=group, expert=expert, today=timezone.localdate())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s is now a member of %(group)s.")
                % {"name": expert.full_name, "group": group.name},
            )
    return redirect(reverse("supervision:coverage") + _page_query(request))


def _page_query(request) -> str:
    """Back to the page of the list the form was on."""
    page = request.POST.get("page", "")
    query = f"page={page}" if page.isdigit() else ""
    if request.POST.get("show") == "all":
        query = "&".join(filter(None, ["show=all", query]))
    return f"?{query}" if query else ""
