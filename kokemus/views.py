import datetime

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from agreements import selectors as agreement_selectors
from feedback import selectors as feedback_selectors
from kokemus.access import Role, has_role, is_coordinator, role_required
from payroll import selectors as payroll_selectors
from reporting.selectors import monthly_figures
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
    """This month's and this year's figures from the monthly follow-up itself (its kept months,
    reporting/months.py): aggregates only, no person in them."""
    today = timezone.localdate()
    report = monthly_figures(today.year)
    figures = {"today": today, "small_count": settings.SMALL_COUNT_THRESHOLD}
    for name, period in (("month", report.months[today.month - 1]), ("year", report.totals)):
        experts = period.active_experts
        figures[name] = {
            "assignments": period.assignments,
            "hours": period.hours,
            "new_agreements": period.new_agreements,
            # SPEC "Small counts", by the report's threshold (reporting/disclosure.py)
            "hours_shown": experts == 0 or experts >= settings.SMALL_COUNT_THRESHOLD,
        }
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
