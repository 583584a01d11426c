import datetime

from django.conf import settings
from django.shortcuts import render

from kokemus.access import Role, role_required


@role_required(Role.COORDINATOR, Role.EVALUATION, Role.EXPERT)
def home(request):
    """The start page: what each role can do here."""
    return render(request, "home.html")


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
