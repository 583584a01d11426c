"""Work pairs: the coordinators' list and pages, the expert's own pairs, and the professional's
private plan page.

The professional's page needs no login on purpose (``login_not_required``): it is found only by
its long random token and shows that one pair. The expert's pairs are fetched through their own
queryset, so another expert's pair answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kokemus.access import Role, role_required
from kokemus.concurrency import stale_error
from kokemus.forms import add_service_error
from kokemus.lists import paginate
from pairs import selectors, services
from pairs.filters import PairFilter
from pairs.forms import PairForm, PlanFormSet, PlanVersionForm, TickForm
from pairs.models import DoneBy, WorkPair
from registry.models import Expert


def _tick(request, pair: WorkPair, by: DoneBy) -> bool:
    """Tick one of the pair's steps done, or undo it, as the posted form says."""
    form = TickForm(request.POST)
    if not form.is_valid():
        return False
    step = pair.steps.filter(pk=form.cleaned_data["step"]).first()
    if step is None:  # another pair's step, or gone: nothing to say about it
        return False
    services.step_set_done(step=step, done=form.cleaned_data["done"], by=by)
    return True


# --- Coordinators ---------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def pair_list(request):
    today = timezone.localdate()
    filterset = PairFilter(request.GET, queryset=selectors.pairs_for_list(today), today=today)
    return render(
        request,
        "pairs/pair_list.html",
        {"filter": filterset, "page_obj": paginate(request, filterset.qs), "today": today},
    )


@role_required(Role.COORDINATOR)
def pair_detail(request, pk: int):
    pair = selectors.pair_for_page(pk)
    today = timezone.localdate()
    steps = selectors.steps_of(pair)
    return render(
        request,
        "pairs/pair_detail.html",
        {
            "pair": pair,
            "steps": steps,
            "done": sum(1 for step in steps if step.done_on),
            "upcoming": selectors.upcoming_sessions(pair, today),
            "past": selectors.past_sessions(pair, today),
            "link": selectors.latest_link(pair),
            "now": timezone.now(),
            "active": pair.is_active(today),
        },
    )


@role_required(Role.COORDINATOR)
def pair_create(request):
    return _edit_pair(request, WorkPair())


@role_required(Role.COORDINATOR)
def pair_update(request, pk: int):
    return _edit_pair(request, selectors.pair_for_page(pk))


def _edit_pair(request, pair: WorkPair):
    # Read before the form changes the pair: a change of its people stops the working link.
    link = selectors.latest_link(pair) if pair.pk else None
    form = PairForm(request.POST or None, instance=pair)
    if request.method == "POST" and form.is_valid():
        try:
            services.pair_save(
                pair=form.instance,
                default_plan=form.cleaned_data.get("default_plan", False),
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_error(form, error)
            if pair.pk:  # the page's headings show what is stored, the form what was typed
                pair = selectors.pair_for_page(pair.pk)
        else:
            messages.success(request, _("The work pair was saved."))
            if _stopped(link):
                messages.warning(
                    request,
                    _(
                        "The pair's professional or expert changed, so the private link sent "
                        "earlier no longer works. Send the professional a new link if they "
                        "need one."
                    ),
                )
            return redirect("pairs:pair_detail", pk=form.instance.pk)
    return render(request, "pairs/pair_form.html", {"form": form, "pair": pair})


def _stopped(link) -> bool:
    """The link worked when the page was posted and no longer does."""
    if link is None or not link.is_usable(timezone.now()):
        return False
    link.refresh_from_db(fields=["revoked_at"])
    return link.revoked_at is not None


@role_required(Role.COORDINATOR)
def plan_edit(request, pk: int):
    pair = selectors.pair_for_page(pk)
    data = request.POST if request.method == "POST" else None  # an empty post is judged too
    version_form = PlanVersionForm(data, initial={"version": pair.version})
    formset = PlanFormSet(data, instance=pair, prefix="steps")
    if data is not None and all([version_form.is_valid(), formset.is_valid()]):
        try:
            services.plan_save(
                pair=pair, formset=formset, expected_version=version_form.expected_version
            )
        except ValidationError as error:
            add_service_error(version_form, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("pairs:pair_detail", pk=pk)
    elif data is not None and not version_form.is_valid():  # no version: from another page
        version_form.add_error(None, stale_error())
    return render(
        request,
        "pairs/plan_form.html",
        {"pair": pair, "formset": formset, "version_form": version_form},
    )


@role_required(Role.COORDINATOR)
@require_POST
def step_tick(request, pk: int):
    pair = selectors.pair_for_page(pk)
    if _tick(request, pair, DoneBy.COORDINATOR):
        messages.success(request, _("The plan was updated."))
    return redirect("pairs:pair_detail", pk=pk)


@role_required(Role.COORDINATOR)
@require_POST
def link_send(request, pk: int):
    pair = selectors.pair_for_page(pk)
    try:
        services.link_send(pair=pair)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("A private link to the plan was sent to %(email)s; any older link no longer works.")
            % {"email": pair.professional.email},
        )
    return redirect("pairs:pair_detail", pk=pk)


@role_required(Role.COORDINATOR)
@require_POST
def link_revoke(request, pk: int):
    pair = selectors.pair_for_page(pk)
    services.link_revoke(pair=pair)
    messages.success(request, _("The professional's link to the plan no longer works."))
    return redirect("pairs:pair_detail", pk=pk)


# --- The expert's own pairs -----------------------------------------------------------------


def expert_for_user(user) -> Expert:
    """The register entry linked to the logged-in expert (404 if the login has none)."""
    return get_object_or_404(Expert, user=user)


@role_required(Role.EXPERT)
def my_pair_list(request):
    expert = expert_for_user(request.user)
    today = timezone.localdate()
    return render(
        request,
        "pairs/my_pair_list.html",
        {"page_obj": paginate(request, selectors.pairs_of_expert(expert, today)), "today": today},
    )


@role_required(Role.EXPERT)
def my_pair_detail(request, pk: int):
    pair = selectors.pair_of_expert(expert_for_user(request.user), pk)
    today = timezone.localdate()
    return render(
        request,
        "pairs/my_pair_detail.html",
        {
            "pair": pair,
            "steps": selectors.steps_of(pair),
            "upcoming": selectors.upcoming_sessions(pair, today),
        },
    )


@role_required(Role.EXPERT)
@require_POST
def my_step_tick(request, pk: int):
    pair = selectors.pair_of_expert(expert_for_user(request.user), pk)
    if _tick(request, pair, DoneBy.EXPERT):
        messages.success(request, _("The plan was updated."))
    return redirect("my_pairs:pair_detail", pk=pk)


# --- The professional's private page --------------------------------------------------------


def _private(response):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
def plan(request, token: str):
    """The professional's view of the pair's plan: the expert by first name, the steps (which
    they may tick) and the coming pair supervision dates. An unknown, expired or revoked link
    looks the same."""
    link = selectors.link_by_token(token, timezone.now())
    if link is None:
        return _private(render(request, "pairs/plan_gone.html", status=404))
    pair = link.pair
    if request.method == "POST":
        if _tick(request, pair, DoneBy.PROFESSIONAL):
            messages.success(request, _("The plan was updated."))
        return _private(redirect("pair_link:plan", token=token))
    today = timezone.localdate()
    return _private(
        render(
            request,
            "pairs/plan.html",
            {
                "pair": pair,
                "link": link,
                "steps": selectors.steps_of(pair),
                "upcoming": selectors.upcoming_sessions(pair, today),
            },
        )
    )
