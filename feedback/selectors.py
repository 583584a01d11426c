"""What the feedback pages, the coordinator's dashboard and the monthly report read."""

import datetime
from dataclasses import dataclass

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
    """A month's (or the year's) counts; the distinct experts are what each figure rests on."""

    reflections: int = 0
    load_sum: int = 0
    talks: int = 0
    reflecting_experts: int = 0
    answers: int = 0  # professionals' feedback
    rating_sum: int = 0
    rated_experts: int = 0  # experts on the assignments the professionals rated


def _month(assignment: str = "assignment") -> Cast:
    """The assignment's month as an integer on both databases."""
    return Cast(ExtractMonth(f"{assignment}__date"), IntegerField())


def feedback_counts(
    assignments: QuerySet[Assignment],
) -> tuple[dict[int, FeedbackPeriod], FeedbackPeriod]:
    """Per month of the assignments' dates (one year's assignments), then for them all: the
    reflections and professionals' feedback on those that are done. Five queries."""
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
            reflecting_experts=Count("participation__expert", distinct=True),
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
    for row in (
        rated.annotate(month=_month())
        .values("month")
        .annotate(rated_experts=Count("expert", distinct=True))
        .order_by()
    ):
        months.setdefault(row.pop("month"), FeedbackPeriod()).rated_experts = row["rated_experts"]
    year = FeedbackPeriod(
        reflections=sum(m.reflections for m in months.values()),
        load_sum=sum(m.load_sum for m in months.values()),
        talks=sum(m.talks for m in months.values()),
        answers=sum(m.answers for m in months.values()),
        rating_sum=sum(m.rating_sum for m in months.values()),
        # an expert who reflected (or was rated) in two months counts once over the year
        reflecting_experts=reflections.aggregate(n=Count("participation__expert", distinct=True))[
            "n"
        ],
        rated_experts=rated.aggregate(n=Count("expert", distinct=True))["n"],
    )
    return months, year
