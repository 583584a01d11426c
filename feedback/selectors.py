"""What the feedback pages, the coordinator's dashboard and the monthly report read."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Cast, ExtractMonth

from agreements.models import Assignment, AssignmentStatus, Participation
from feedback.models import HIGH_LOAD, FeedbackLink, ProfessionalFeedback, Reflection
from kokemus.private_links import find_usable_link


def reflections_for_list() -> QuerySet[Reflection]:
    """Every reflection with what a row of the coordinator's list shows."""
    return Reflection.objects.select_related(
        "participation__expert", "participation__assignment", "handled_by"
    )


def calls_for_attention() -> Q:
    """A reflection that asks for a talk or reports a high load, not yet handled."""
    return Q(handled_at__isnull=True) & (Q(wants_talk=True) | Q(load__gte=HIGH_LOAD))


def reflections_calling_for_attention() -> QuerySet[Reflection]:
    """The dashboard's list: the oldest first, as they have waited longest."""
    return reflections_for_list().filter(calls_for_attention()).order_by("created_at", "pk")


def reflections_of_assignment(assignment: Assignment) -> list[Reflection]:
    return list(
        Reflection.objects.filter(participation__assignment=assignment)
        .select_related("participation__expert", "handled_by")
        .order_by("participation__expert__last_name", "participation__expert__first_name", "pk")
    )


def links_of_assignment(assignment: Assignment) -> list[FeedbackLink]:
    """The assignment's feedback links, each with its professional and answer, if any."""
    return list(assignment.feedback_links.select_related("professional", "answer").order_by("pk"))


def link_by_token(token: str, now: datetime.datetime) -> FeedbackLink | None:
    """A working feedback link with what its page shows (None: unknown, expired, revoked)."""
    links = FeedbackLink.objects.select_related(
        "assignment__type", "assignment__service_area", "professional", "answer"
    )
    return find_usable_link(links, token, now)


# --- The monthly report's figures (reporting.selectors.feedback_figures) -----------------------


@dataclass
class FeedbackPeriod:
    """A month's counts, and the distinct experts each figure rests on."""

    reflections: int = 0
    load_sum: int = 0
    talks: int = 0
    reflecting_experts: set[int] = field(default_factory=set)
    answers: int = 0  # professionals' feedback
    rating_sum: int = 0
    rated_experts: set[int] = field(default_factory=set)  # on the rated assignments


def _month(assignment: str = "assignment") -> Cast:
    """The assignment's month as an integer on both databases."""
    return Cast(ExtractMonth(f"{assignment}__date"), IntegerField())


def feedback_counts(assignments: QuerySet[Assignment]) -> dict[int, FeedbackPeriod]:
    """Per month of the assignments' dates (one year's assignments): the reflections and
    professionals' feedback on those that are done. Four queries."""
    done = assignments.filter(status=AssignmentStatus.DONE).values("pk")
    reflections = Reflection.objects.filter(participation__assignment__in=done)
    answers = ProfessionalFeedback.objects.filter(assignment__in=done)
    rated = Participation.objects.filter(assignment__in=answers.values("assignment"))
    months: dict[int, FeedbackPeriod] = {}
    for row in (
        reflections.annotate(month=_month("participation__assignment"))
        .values("month")
        .annotate(
            reflections=Count("pk"),
            load_sum=Sum("load"),
            talks=Count("pk", filter=Q(wants_talk=True)),
        )
        .order_by()
    ):
        month = months.setdefault(row.pop("month"), FeedbackPeriod())
        vars(month).update(row)
    for row in (
        answers.annotate(month=_month())
        .values("month")
        .annotate(answers=Count("pk"), rating_sum=Sum("rating"))
        .order_by()
    ):
        month = months.setdefault(row.pop("month"), FeedbackPeriod())
        vars(month).update(row)
    experts = (
        (reflections, "participation__assignment", "participation__expert", "reflecting_experts"),
        (rated, "assignment", "expert", "rated_experts"),
    )
    for rows, assignment, expert, name in experts:
        pairs = rows.annotate(month=_month(assignment)).values_list("month", expert).distinct()
        for month, expert_id in pairs.order_by():
            getattr(months.setdefault(month, FeedbackPeriod()), name).add(expert_id)
    return months
