"""An expert's own data: every read of the expert's pages goes through these querysets.

Views fetch objects through them (``get_object_or_404(assignments_for_expert(expert), pk=pk)``),
so another expert's id is a 404 by construction. Other people on a shared assignment or in a
group are read as first names only.
"""

import datetime
from decimal import Decimal

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.shortcuts import get_object_or_404

from agreements.fees import euros
from agreements.models import Agreement, Assignment, AssignmentStatus, Participation
from kokemus.money import cents
from payroll.selectors import fee_rows_for_expert
from registry.models import ExperienceConsent, Expert, ExpertExperience
from supervision.models import Attendance, GroupMembership, SupervisionGroup, SupervisionSession


def expert_for_user(user) -> Expert:
    """The register entry linked to the logged-in expert (404 if the login has none)."""
    return get_object_or_404(Expert, user=user)


def participations_for_expert(expert: Expert) -> QuerySet[Participation]:
    return Participation.objects.filter(expert=expert).select_related(
        "assignment__type",
        "assignment__service_area",
        "assignment__contact",
        "agreement",
    )


def assignments_for_expert(expert: Expert) -> QuerySet[Assignment]:
    return Assignment.objects.filter(participations__expert=expert).select_related(
        "type", "service_area", "contact"
    )


def co_worker_first_names(participation: Participation) -> list[str]:
    """The other experts on the same assignment, by first name only (SPEC)."""
    return list(
        Participation.objects.filter(assignment_id=participation.assignment_id)
        .exclude(expert_id=participation.expert_id)
        .order_by("expert__first_name", "pk")
        .values_list("expert__first_name", flat=True)
    )


def agreements_for_expert(expert: Expert) -> QuerySet[Agreement]:
    return Agreement.objects.filter(expert=expert).select_related("division")


def consents_for_expert(expert: Expert) -> QuerySet[ExperienceConsent]:
    return ExperienceConsent.objects.filter(expert=expert).prefetch_related(
        Prefetch(
            "experiences",
            queryset=ExpertExperience.objects.select_related("area").order_by("area__name"),
        )
    )


def groups_for_expert(expert: Expert) -> QuerySet[SupervisionGroup]:
    """The expert's groups with the other expert members' first names prefetched."""
    return (
        SupervisionGroup.objects.filter(memberships__expert=expert)
        .distinct()
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=GroupMembership.objects.filter(expert__isnull=False)
                .exclude(expert=expert)
                .select_related("expert")
                .only("group_id", "expert__first_name")
                .order_by("expert__first_name"),
                to_attr="other_expert_members",
            )
        )
    )


def sessions_for_expert(expert: Expert) -> QuerySet[SupervisionSession]:
    """Sessions of the expert's groups, each with ``i_attended`` (True, False or None)."""
    mine = Attendance.objects.filter(session=OuterRef("pk"), membership__expert=expert)
    return (
        SupervisionSession.objects.filter(group__memberships__expert=expert)
        .select_related("group")
        .annotate(
            attendance_recorded=Exists(mine),
            i_attended=Exists(mine.filter(present=True)),
        )
        .order_by("-date", "-pk")
    )


def fees_for_expert(expert: Expert, year: int) -> dict:
    """The expert's paid work of ``year`` per month and agreement, with the totals: approved
    hours reports (and done work nobody reported, such as imported history), the SPEC's fees as
    the report and the payroll runs count them (agreements.fees arithmetic). One statement."""
    rows = fee_rows_for_expert(expert, year)
    totals = {"assignments": 0, "hours": Decimal("0"), "fees": Decimal("0")}
    for row in rows:
        row["month_start"] = datetime.date(year, row["month"], 1)
        row["hours"], row["fees"] = cents(row.pop("hours_sum")), euros(row["fees"])
        totals["assignments"] += row["assignments"]
        totals["hours"] += row["hours"]
        totals["fees"] += row["fees"]
    return {"year": year, "rows": rows, "totals": totals}


def fee_years_for_expert(expert: Expert) -> list[int]:
    """Years in which the expert has done assignments or approved hours reports, newest first."""
    return sorted(
        {
            d.year
            for d in Assignment.objects.filter(
                Q(status=AssignmentStatus.DONE)
                | Q(participations__report_lines__status="approved"),
                participations__expert=expert,
            ).dates("date", "year")
        },
        reverse=True,
    )
