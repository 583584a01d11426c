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
from agreements.selectors import done_participations_with_fees
from kokemus.money import cents
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


def upcoming_work(today: datetime.date) -> Q:
    """Participations in work still to do: planned, from today on (or begun and still
    running). Today's assignment that is already done, or a cancelled one, is not upcoming."""
    return Q(
        Q(assignment__date__gte=today) | Q(assignment__end_date__gte=today),
        assignment__status=AssignmentStatus.PLANNED,
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


def _done_participations(expert: Expert, year: int) -> QuerySet[Participation]:
    return done_participations_with_fees().filter(expert=expert, assignment__date__year=year)


def fees_for_expert(expert: Expert, year: int) -> dict:
    """The expert's done assignments of ``year``, one line each under its month, with each
    month's and the year's totals: the fee statement.

    Hours and fees as agreements.fees defines them, per participation in whole cents; the
    totals add up the lines as printed (exact: cents are integers). One query.
    """
    participations = (
        _done_participations(expert, year)
        .select_related("assignment__type", "agreement")
        .order_by("assignment__date", "assignment__start_time", "assignment_id", "pk")
    )
    months = {}
    for participation in participations:
        participation.fee = euros(participation.fee_cents)
        participation.worked = cents(participation.worked)
        first = participation.assignment.date.replace(day=1)
        month = months.setdefault(first, {"month_start": first, "lines": []})
        month["lines"].append(participation)
    for month in months.values():
        month["totals"] = _fee_totals(month["lines"])
    lines = [line for month in months.values() for line in month["lines"]]
    agreements = {line.agreement_id: line.agreement for line in lines}
    return {
        "year": year,
        "months": list(months.values()),
        "totals": _fee_totals(lines),
        "agreements": sorted(agreements.values(), key=lambda agreement: agreement.number),
    }


def _fee_totals(lines: list[Participation]) -> dict:
    return {
        "assignments": len(lines),
        "hours": sum((line.worked for line in lines), Decimal("0.00")),
        "fees": sum((line.fee for line in lines), Decimal("0.00")),
    }


def fee_years_for_expert(expert: Expert) -> list[int]:
    """Years in which the expert has done assignments, newest first."""
    return sorted(
        {
            d.year
            for d in Assignment.objects.filter(
                participations__expert=expert, status=AssignmentStatus.DONE
            ).dates("date", "year")
        },
        reverse=True,
    )
