"""What only the expert's own pages read: the expert behind the login, and the people they
work with, who are read as first names only.

The expert's consents and work (assignments, agreements, supervision; fees in payroll) are
read through the ``*_of_expert`` selectors of those apps, which the coordinator's
page about the expert and the GDPR export share. Each starts from the expert, so a view that
fetches through them (``get_object_or_404(agreements_of_expert(expert), pk=pk)``) answers
another expert's id with 404 by construction.
"""

from django.shortcuts import get_object_or_404

from agreements.models import Participation
from registry.models import Expert


def expert_for_user(user) -> Expert:
    """The register entry linked to the logged-in expert (404 if the login has none)."""
    return get_object_or_404(Expert, user=user)


def co_worker_first_names(participation: Participation) -> list[str]:
    """The other experts on the same assignment, by first name only (SPEC)."""
    return list(
        Participation.objects.filter(assignment_id=participation.assignment_id)
        .exclude(expert_id=participation.expert_id)
        .order_by("expert__first_name", "pk")
        .values_list("expert__first_name", flat=True)
    )
