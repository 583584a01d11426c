"""The coordinator's assignment pages: list, detail, create, edit, copy and status changes."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements import selectors, services
from agreements.filters.assignments import AssignmentFilter
from agreements.forms.assignments import (
    AssignmentForm,
    AssignmentStatusForm,
    ParticipantFormSet,
    expert_row_choices,
)
from agreements.forms.reach import reach_values
from agreements.models import ASSIGNMENT_TRANSITIONS, Assignment, AssignmentStatus
from agreements.selectors import TimeWindow
from agreements.signals import assignment_saved
from kokemus.access import Role, role_required
from kokemus.forms import add_rule_errors, add_service_error
from kokemus.lists import order_by_param, paginate_ids
from kokemus.translated_names import name_to_order_by
from registry.models import Expert

SORTABLE = {
    "date": ("date", "start_time"),
    "title": ("title",),
    "type": (partial(name_to_order_by, "type__"),),
    "service_area": (partial(name_to_order_by, "service_area__"),),
    "status": ("status",),
}
# The fields a copy takes over; the new assignment starts as planned.
COPIED_FIELDS = [
    "title",
    "type",
    "service_area",
    "date",
    "end_date",
    "start_time",
    "hours",
    "location",
    "contact",
    "description",
]


# Upcoming work soonest first, so the list opens on today; past work newest first.
DEFAULT_SORT = {
    TimeWindow.UPCOMING: "date",
    TimeWindow.PAST: "-date",
    TimeWindow.ALL: "-date",
}


@role_required(Role.COORDINATOR)
def assignment_list(request):
    # Filter and sort the bare assignments; only the page's 25 rows get the list's joins.
    filterset = AssignmentFilter(request.GET, queryset=Assignment.objects.all())
    window = _time_window(request)
    assignments = selectors.assignments_in_window(
        filterset.qs, window=window, today=timezone.localdate()
    )
    assignments, sort = order_by_param(
        request, assignments, allowed=SORTABLE, default=DEFAULT_SORT[window]
    )
    page = paginate_ids(request, assignments, rows=selectors.assignments_for_list())
    return render(
        request,
        "agreements/assignment_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "sort": sort,
            "window": window,
            "windows": TimeWindow,
        },
    )


def _time_window(request) -> TimeWindow:
    """?when= names the window; without it the list opens on upcoming work, or on the whole of
    a chosen month (a month is a time window of its own)."""
    try:
        return TimeWindow(request.GET.get("when"))
    except ValueError:
        return TimeWindow.ALL if request.GET.get("month") else TimeWindow.UPCOMING


@role_required(Role.COORDINATOR)
def assignment_detail(request, pk: int):
    return _detail_page(request, selectors.assignment_for_page(pk))


def _detail_page(request, assignment: Assignment, done_form: AssignmentStatusForm | None = None):
    """The assignment with its status buttons. Marking done a type that records reach is a
    small form of its own (``done_form``: refused input comes back in it)."""
    transitions = _transitions(assignment)
    if done_form is None and AssignmentStatus.DONE in dict(transitions):
        done_form = AssignmentStatusForm(
            assignment=assignment,
            initial={"status": AssignmentStatus.DONE, "version": assignment.version},
        )
    if done_form is not None and not done_form.asks_reach:
        done_form = None  # a plain button like the others
    return render(
        request,
        "agreements/assignment_detail.html",
        {
            "assignment": assignment,
            "transitions": [t for t in transitions if not (done_form and t[0] == "done")],
            "done_form": done_form,
        },
    )


@role_required(Role.COORDINATOR)
def assignment_create(request):
    return _edit(request, Assignment(), initial_experts=[])


@role_required(Role.COORDINATOR)
def assignment_update(request, pk: int):
    assignment = get_object_or_404(Assignment, pk=pk)
    initial = [
        {"expert": p.expert_id, "hours": p.hours} for p in assignment.participations.order_by("pk")
    ]
    return _edit(request, assignment, initial_experts=initial)


@role_required(Role.COORDINATOR)
def assignment_copy(request, pk: int):
    """A new assignment prefilled from an existing one: same experts, fields and hours."""
    source = get_object_or_404(Assignment, pk=pk)
    initial = {field: _initial_value(getattr(source, field)) for field in COPIED_FIELDS}
    experts = [
        {"expert": p.expert_id, "hours": p.hours} for p in source.participations.order_by("pk")
    ]
    return _edit(request, Assignment(), initial_experts=experts, initial=initial, source=source)


@role_required(Role.COORDINATOR)
@require_POST
def assignment_status(request, pk: int):
    assignment = get_object_or_404(Assignment.objects.select_related("type"), pk=pk)
    form = AssignmentStatusForm(request.POST, assignment=assignment)
    if not form.is_valid():
        if form.asks_reach and "status" not in form.errors:
            return _detail_page(request, selectors.assignment_for_page(pk), done_form=form)
        messages.error(request, _("Choose a valid status."))
        return redirect("assignments:assignment_detail", pk=pk)
    try:
        services.assignment_set_status(
            assignment=assignment,
            status=form.cleaned_data["status"],
            expected_version=form.expected_version,
            **reach_values(form),
        )
    except ValidationError as error:
        if form.asks_reach and hasattr(error, "error_dict"):
            add_service_error(form, error)
            return _detail_page(request, selectors.assignment_for_page(pk), done_form=form)
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The assignment is now %(status)s.") % {"status": assignment.get_status_display()},
        )
    return redirect("assignments:assignment_detail", pk=pk)


def _initial_value(value):
    return value.pk if isinstance(value, Model) else value


def _transitions(assignment: Assignment) -> list[tuple[str, str]]:
    """The status buttons on the detail page: (new status, button text)."""
    labels = {
        AssignmentStatus.DONE: _("Mark done"),
        AssignmentStatus.CANCELLED: _("Cancel the assignment"),
        AssignmentStatus.PLANNED: _("Return to planned"),
    }
    allowed = set(ASSIGNMENT_TRANSITIONS[AssignmentStatus(assignment.status)])
    if services.is_in_future(assignment):
        allowed.discard(AssignmentStatus.DONE)
    return [(status.value, labels[status]) for status in AssignmentStatus if status in allowed]


def _edit(request, assignment: Assignment, *, initial_experts, initial=None, source=None):
    """Show and save the assignment form with its expert rows; a refusal keeps all input."""
    experts = selectors.expert_choices(keep=[row["expert"] for row in initial_experts])
    choices = expert_row_choices(experts)
    formset_kwargs = {"prefix": "experts", "form_kwargs": {"expert_choices": choices}}
    if request.method == "POST":
        form = AssignmentForm(request.POST, instance=assignment)
        formset = ParticipantFormSet(request.POST, **formset_kwargs)
        if all([form.is_valid(), formset.is_valid()]):  # both judged, every error at once
            saved = _save(request, form, formset)
            if saved:
                messages.success(request, _("The assignment was saved."))
                _warn_of_experts_without_email(request, saved)
                # apps built on this one warn (payroll: earnings limits), never block
                for _receiver, warnings in assignment_saved.send(Assignment, assignment=saved):
                    for warning in warnings:
                        messages.warning(request, warning)
                return redirect("assignments:assignment_detail", pk=saved.pk)
        else:
            _add_rule_errors(form, formset)
    else:
        form = AssignmentForm(instance=assignment, initial=initial)
        formset = ParticipantFormSet(initial=initial_experts, **formset_kwargs)
    return render(
        request,
        "agreements/assignment_form.html",
        {"form": form, "formset": formset, "assignment": assignment, "source": source},
    )


def _add_rule_errors(form: AssignmentForm, formset) -> None:
    """The service's rules on what the form and the expert rows could read: an expert without
    an agreement is said together with a missing title, not after it is fixed."""
    data, unread = form.cleaned_data, form.errors.keys()
    own_hours = formset.own_hours()
    experts = _experts(own_hours)
    if not experts and any("expert" in row.errors for row in formset):
        experts = None  # the rows name experts, whom the rows' own messages are about
    add_rule_errors(
        form,
        services.assignment_validate,
        formsets={"experts": formset},
        date=data.get("date"),
        end_date=data.get("end_date"),
        # the hours of a span whose end could not be read cannot be judged either
        hours=None if "end_date" in unread else data.get("hours"),
        experts=experts,
        own_hours=None if "end_date" in unread else own_hours,
    )


def _experts(own_hours: dict[int, object]) -> list[Expert]:
    """The experts of the rows, in the rows' order."""
    experts = list(Expert.objects.filter(pk__in=own_hours))
    experts.sort(key=lambda expert: list(own_hours).index(expert.pk))
    return experts


def _save(request, form: AssignmentForm, formset) -> Assignment | None:
    own_hours = formset.own_hours()
    experts = _experts(own_hours)
    try:
        return services.assignment_save(
            assignment=form.instance,
            experts=experts,
            by=request.user,
            expected_version=form.expected_version,
            own_hours=own_hours,
        )
    except ValidationError as error:
        # The experts' messages (each names its expert) go above the expert rows.
        add_service_error(form, error, formsets={"experts": formset})
        return None


def _warn_of_experts_without_email(request, assignment: Assignment) -> None:
    """E-mail is how a booking reaches an expert: say at once whom it cannot reach."""
    names = [
        p.expert.full_name
        for p in assignment.participations.select_related("expert")
        if not p.expert.email.strip()
    ]
    if names:
        messages.warning(
            request,
            _("%(names)s has no e-mail address and will not be notified: tell them yourself.")
            % {"names": ", ".join(names)},
        )
