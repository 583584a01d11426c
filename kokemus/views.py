import datetime

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from agreements import selectors as agreement_selectors
from feedback import selectors as feedback_selectors
from kokemus.access import Role, has_role, is_coordinator, role_required
from kokemus.lists import next_month
from payroll import selectors as payroll_selectors
from supervision.selectors import supervision_due

# How many rows each start-page list shows; the full lists are on their own pages.
DASHBOARD_ROWS = 10


@role_required(Role.COORDINATOR, Role.EVALUATION, Role.EXPERT)
def home(request):
    """The start page: what each role can do here, the coordinator's day at a glance and the
    evaluation group's key figures."""
    coordinator = is_coordinator(request.user)
    context = {
        "dashboard": coordinator_dashboard() if coordinator else None,
        "key_figures": evaluation_figures()
        if not coordinator and has_role(request.user, Role.EVALUATION)
        else None,
    }
    return render(request, "home.html", context)


def evaluation_figures() -> dict:
    """This month's and this year's figures as the monthly follow-up counts them: aggregates
    only, no person in them; four queries."""
    today = timezone.localdate()
    month_start, year_start = today.replace(day=1), today.replace(month=1, day=1)
    periods = {
        "month": (month_start, next_month(month_start)),
        "year": (year_start, year_start.replace(year=today.year + 1)),
    }
    figures = {"today": today}
    for name, (first, after) in periods.items():
        work = agreement_selectors.period_work(first=first, after=after)
        experts = work["experts"]
        period = {
            "assignments": work["assignments"],
            "hours": work["hours"],
            "new_agreements": agreement_selectors.new_agreements(first=first, after=after),
        }
        # SPEC "Small counts", by the report's threshold (reporting/disclosure.py)
        period["hours_shown"] = experts == 0 or experts >= settings.SMALL_COUNT_THRESHOLD
        figures[name] = period
    figures["small_count"] = settings.SMALL_COUNT_THRESHOLD
    return figures


def coordinator_dashboard() -> dict:
    """This month's figures and the lists a coordinator acts on, in a fixed number of queries."""
    today = timezone.localdate()
    return {
        "today": today,
        "month": agreement_selectors.month_figures(year=today.year, month=today.month),
        "upcoming": agreement_selectors.upcoming_assignments(today=today, limit=DASHBOARD_ROWS),
        "expiring": agreement_selectors.agreements_expiring(today=today)[:DASHBOARD_ROWS],
        "drafts": agreement_selectors.agreements_waiting_for_signature()[:DASHBOARD_ROWS],
        "unsupervised": supervision_due(today=today)[:DASHBOARD_ROWS],
        "waiting_reports": payroll_selectors.waiting_count(),
        "near_limit": payroll_selectors.experts_near_limit(today)[:DASHBOARD_ROWS],
        # experts who asked for a talk or reported a high load, until a coordinator has seen to it
        "reflections": feedback_selectors.reflections_calling_for_attention()[:DASHBOARD_ROWS],
    }


# The day the statement's assessment was made; update it with each new assessment.
ACCESSIBILITY_ASSESSED_ON = datetime.date(2026, 11, 26)


def accessibility_statement(request):
    """The accessibility statement (saavutettavuusseloste) the law requires; public."""
    context = {
        "organisation_name": settings.ORGANISATION_NAME,
        "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
        "assessed_on": ACCESSIBILITY_ASSESSED_ON,
    }
    return render(request, "accessibility_statement.html", context)
