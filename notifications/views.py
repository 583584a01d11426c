from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kokemus.access import Role, has_role, role_required
from notifications import services
from notifications.forms import PreferenceForm


@role_required(Role.EXPERT, Role.COORDINATOR)
def preferences(request):
    """Which optional e-mail messages the user gets, in which language, how early."""
    preference = services.preference_for(request.user)
    roles = {
        "expert": has_role(request.user, Role.EXPERT),
        "coordinator": has_role(request.user, Role.COORDINATOR),
    }
    if request.method == "POST":
        form = PreferenceForm(request.POST, **roles)
        if form.is_valid():
            services.preference_save(
                user=request.user,
                language=form.cleaned_data["language"],
                reminder_days=form.cleaned_data.get("reminder_days", preference.reminder_days),
                turned_off=form.turned_off(),
                digest=form.cleaned_data.get("digest", False),
            )
            messages.success(request, _("Your choices of messages were saved."))
            return redirect("notifications:preferences")
    else:
        form = PreferenceForm(
            initial={
                "language": preference.language,
                "reminder_days": preference.reminder_days,
                "wanted": [kind for kind in services.optional_kinds() if preference.wants(kind)],
                "digest": preference.digest,
            },
            **roles,
        )
    return render(request, "notifications/preferences.html", {"form": form})
