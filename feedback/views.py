"""Feedback pages: the expert's reflection (portal), the coordinators' reflection list and an
assignment's feedback, and the contact professional's form behind a private link.

The expert's reflection is fetched through their own done participations, so another expert's
assignment (or their own planned one) answers 404. The professional's form needs no login on
purpose (``login_not_required``) and is found only by its long random token.
"""

from contextlib import suppress

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements.models import Assignment, AssignmentStatus, Participation
from feedback import selectors, services
from feedback.forms import ProfessionalFeedbackForm, ReflectionFilter, ReflectionForm
from feedback.models import Reflection
from kokemus.access import Role, role_required
from kokemus.lists import paginate_ids
from registry.models import Expert

# --- The expert: their reflection on a done assignment -------------------------------------


def _own_done_participation(request, assignment_pk: int) -> Participation:
    expert = get_object_or_404(Expert, user=request.user)
    participations = Participation.objects.filter(
        expert=expert, assignment__status=AssignmentStatus.DONE
    ).select_related("assignment__type", "assignment__service_area")
    return get_object_or_404(participations, assignment_id=assignment_pk)


@role_required(Role.EXPERT)
def reflection_form(request, pk: int):
    participation = _own_done_participation(request, pk)
    reflection = Reflection.objects.filter(participation=participation).first()
    editable = services.reflection_editable(reflection, timezone.now())
    form = ReflectionForm(
        request.POST if request.method == "POST" and editable else None, instance=reflection
    )
    if request.method == "POST" and editable and form.is_valid():
        try:
            services.reflection_save(participation=participation, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: your reflection was saved."))
            return redirect("reflections:reflection_form", pk=pk)
    return render(
        request,
        "feedback/reflection_form.html",
        {
            "assignment": participation.assignment,
            "reflection": reflection,
            "form": form,
            "editable": editable,
            "edit_days": services.REFLECTION_EDIT_DAYS,
        },
    )


# --- Coordinators: the reflections, an assignment's feedback ----------------------------------


@role_required(Role.COORDINATOR)
def reflection_list(request):
    filterset = ReflectionFilter(request.GET, queryset=Reflection.objects.all())
    ordered = filterset.qs.order_by("-created_at", "-pk")
    page = paginate_ids(request, ordered, rows=selectors.reflections_for_list())
    return render(request, "feedback/reflection_list.html", {"filter": filterset, "page_obj": page})


@role_required(Role.COORDINATOR)
@require_POST
def reflection_handle(request, pk: int):
    reflection = get_object_or_404(Reflection, pk=pk)
    if services.reflection_handle(reflection=reflection, by=request.user):
        messages.success(request, _("The reflection was marked handled."))
    else:
        messages.info(request, _("The reflection had already been marked handled."))
    back = request.POST.get("next", "")  # the page it was marked on: the list or the start
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts=set()):
        return HttpResponseRedirect(back)
    return redirect("feedback:reflection_list")


@role_required(Role.COORDINATOR)
def assignment_feedback(request, pk: int):
    assignment = get_object_or_404(Assignment, pk=pk)
    now = timezone.now()
    links = selectors.links_of_assignment(assignment)
    return render(
        request,
        "feedback/assignment_feedback.html",
        {
            "assignment": assignment,
            "reflections": selectors.reflections_of_assignment(assignment),
            "links": links,
            "now": now,
            # a link still waiting for its answer can be stopped
            "waiting_link": any(
                link.is_usable(now) and not hasattr(link, "answer") for link in links
            ),
        },
    )


@role_required(Role.COORDINATOR)
@require_POST
def links_revoke(request, pk: int):
    assignment = get_object_or_404(Assignment, pk=pk)
    services.links_revoke(assignment=assignment)
    messages.success(request, _("The professional's feedback link no longer works."))
    return redirect("feedback:assignment_feedback", pk=pk)


# --- The professional: one answer through a private link -------------------------------------


def _private(response):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
def professional_form(request, token: str):
    """One form, one answer; then thanks. An unknown, expired or revoked link looks the same."""
    link = selectors.link_by_token(token, timezone.now())
    if link is None:
        return _private(render(request, "feedback/link_gone.html", status=404))
    answered = hasattr(link, "answer")
    form = ProfessionalFeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not answered and form.is_valid():
        # answered meanwhile (a double click): refused, and the thanks below all the same
        with suppress(ValidationError):
            services.professional_feedback_give(link=link, **form.cleaned_data)
        return redirect("professional_feedback:form", token=token)
    context = {"link": link, "assignment": link.assignment, "form": form, "answered": answered}
    return _private(render(request, "feedback/professional_form.html", context))
