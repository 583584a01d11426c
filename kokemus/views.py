from django.shortcuts import render

from kokemus.access import Role, role_required


@role_required(Role.COORDINATOR, Role.EVALUATION, Role.EXPERT)
def home(request):
    """The start page: what each role can do here."""
    return render(request, "home.html")
