import datetime

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from agreements import selectors as agreement_selectors
from kokemus.access import Role, is_coordinator, role_required
from payroll import selectors as payroll_selectors
from supervision.selectors import experts_without_supervision

# How many rows each start-page list shows; the full lists are on their own pages.
DASHBOARD_ROWS = 10


@role_required(Role.COORDINATOR, Role.EVALUATION, Role.EXPERT)
def home(request):
    """The start page: what each role can do here, and the coordinator's day at a glance."""
    context = {"dashboard": coordinator_dashboard() if is_coordinator(request.user) else None}
    return render(request, "home.html", context)


def coordinator_dashboard() -> dict:
    """This month's figures and the lists a coordinator acts on, in a fixed number of queries."""
    today = timezone.localdate()
    return {
        "today": today,
        "month": agreement_selectors.month_figures(year=today.year, month=today.month),
        "upcoming": agreement_selectors.upcoming_assignments(today=today, limit=DASHBOARD_ROWS),
        "expiring": agreement_selectors.agreements_expiring(today=today)[:DASHBOARD_ROWS],
        "drafts": agreement_selectors.agreements_waiting_for_signature()[:DASHBOARD_ROWS],
        "unsupervised": experts_without_supervision(today=today)[:DASHBOARD_ROWS],
        "waiting_reports": payroll_selectors.waiting_count(),
        "near_limit": payroll_selectors.experts_near_limit(today)[:DASHBOARD_ROWS],
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
