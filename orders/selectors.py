"""Reads about requests and offers that views, notices and the report share."""

import datetime
import statistics
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractMonth, TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from agreements.models import Participation
from kokemus.private_links import find_usable_link
from kokemus.translated_names import in_active_language
from orders.models import (
    OPEN_STATUSES,
    Offer,
    OfferStatus,
    Request,
    RequestStatus,
    StatusLink,
)
from registry.models import AssignmentType, Expert, ServiceArea

# --- The coordinators' queue and a request's page -------------------------------------------


def requests_for_queue() -> QuerySet[Request]:
    """Requests newest first with what a queue row shows, counts of offers included."""
    return (
        Request.objects.select_related("type", "service_area__parent")
        .annotate(
            accepted=Count("offers", filter=Q(offers__status=OfferStatus.ACCEPTED)),
            waiting=Count(
                "offers",
                filter=Q(offers__status__in=[OfferStatus.PENDING, OfferStatus.VOLUNTEERED]),
            ),
        )
        .order_by("-received_at", "-pk")
    )


def request_for_page(pk: int) -> Request:
    """One request with its offers and their experts (404 if none)."""
    offers = Offer.objects.select_related("expert").order_by("created_at", "pk")
    queryset = Request.objects.select_related(
        "type", "service_area__parent", "experience_area", "assignment"
    ).prefetch_related(Prefetch("offers", queryset=offers, to_attr="listed_offers"))
    return get_object_or_404(queryset, pk=pk)


def latest_link(order: Request) -> StatusLink | None:
    return order.links.order_by("-created_at", "-pk").first()


def usable_link(order: Request, now: datetime.datetime) -> StatusLink | None:
    """The request's newest status link that still works, for the requester's e-mails."""
    return (
        order.links.filter(revoked_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at", "-pk")
        .first()
    )


# --- The requester's status page ------------------------------------------------------------


def link_by_token(token: str, now: datetime.datetime) -> StatusLink | None:
    """The working status link with this token and its request; None for an unknown, expired
    or revoked one alike, so the page tells a guesser nothing."""
    queryset = StatusLink.objects.select_related(
        "request__type", "request__service_area__parent", "request__assignment"
    )
    return find_usable_link(queryset, token, now)


def booked_first_names(order: Request) -> list[str]:
    """The experts on the request's assignment, by first name only: all the requester sees."""
    if order.assignment_id is None:
        return []
    return list(
        Participation.objects.filter(assignment_id=order.assignment_id)
        .order_by("expert__first_name", "pk")
        .values_list("expert__first_name", flat=True)
    )


# --- The expert's offers --------------------------------------------------------------------


def offers_for_expert(expert: Expert) -> QuerySet[Offer]:
    return Offer.objects.filter(expert=expert).select_related(
        "request__type", "request__service_area__parent", "request__experience_area"
    )


def open_offers_for_expert(expert: Expert, now: datetime.datetime) -> QuerySet[Offer]:
    """What My page lists: offers waiting for the expert's answer, and open calls they
    volunteered for that the coordinator has not yet decided."""
    waiting = Q(status=OfferStatus.PENDING, deadline__gt=now) | Q(status=OfferStatus.VOLUNTEERED)
    return (
        offers_for_expert(expert)
        .filter(waiting, request__status__in=OPEN_STATUSES)
        .order_by("deadline", "pk")
    )


# --- The monthly report's demand figures ----------------------------------------------------


def _year_requests(year: int, division) -> QuerySet[Request]:
    requests = Request.objects.filter(received_at__year=year)
    if division is not None:  # a ServiceArea or the report's label of one: by its code
        code = division.code
        requests = requests.filter(Q(service_area__code=code) | Q(service_area__parent__code=code))
    return requests


def _counts(today: datetime.date) -> dict:
    """Received, booked, and declined or unfilled (declined, or still open after its date)."""
    unfilled = Q(status=RequestStatus.DECLINED) | Q(status__in=OPEN_STATUSES, date__lt=today)
    return {
        "received": Count("pk"),
        "booked": Count("pk", filter=Q(status=RequestStatus.BOOKED)),
        "unfilled": Count("pk", filter=unfilled),
    }


def _median(days: dict[int, int]) -> Decimal | None:
    """The median of whole days, each with how many bookings took it (a half where the count is
    even); None for no bookings."""
    values = [day for day, count in sorted(days.items()) for _ in range(count)]
    return Decimal(str(statistics.median(values))).quantize(Decimal("0.01")) if values else None


NAMES = ("code", "name", "name_sv", "name_en")
COUNTS = ("received", "booked", "unfilled")


def _counted_groups(requests: QuerySet[Request], today: datetime.date) -> list[dict]:
    """The counts per month, service area and type: one grouped query whose rows (at most
    12 × areas × types) add up to every table's. Grouped by the ids, not the names, which
    costs the database a third less at a county's ten years (bench/profile_pages.py)."""
    return list(
        requests.annotate(month=ExtractMonth("received_at"))
        .values("month", "service_area", "type")
        .annotate(**_counts(today))
        .order_by()
    )


def _days_to_booking(requests: QuerySet[Request]) -> dict[int, dict[int, int]]:
    """Per month, how many booked requests took each number of days (Helsinki dates): one
    query of a few hundred rows however many were booked (SQLite has no median of its own)."""
    rows = (
        requests.filter(status=RequestStatus.BOOKED, booked_at__isnull=False)
        .annotate(
            month=ExtractMonth("received_at"),
            days=TruncDate("booked_at") - TruncDate("received_at"),
        )
        .values("month", "days")
        .annotate(count=Count("pk"))
        .order_by()
    )
    by_month = defaultdict(lambda: defaultdict(int))
    for row in rows:
        by_month[row["month"]][row["days"].days] += row["count"]
    return by_month


def _sum(groups: list[dict]) -> dict[str, int]:
    return {key: sum(group[key] for group in groups) for key in COUNTS}


def _sum_by(groups: list[dict], relation: str, model) -> dict[str, dict]:
    """The counts per code of ``relation`` (service_area or type, a ``model``), with its name in
    the page's language, by code."""
    by_pk = defaultdict(list)
    for group in groups:
        by_pk[group[relation]].append(group)
    named = model.objects.filter(pk__in=list(by_pk)).values_list("pk", *NAMES)
    return {
        code: {"name": in_active_language(*names)} | _sum(by_pk[pk])
        for pk, code, *names in sorted(named, key=lambda row: row[1])
    }


def request_figures(year: int, division=None, *, today: datetime.date | None = None) -> dict:
    """The demand the evaluation group reads: requests received in each month of ``year``
    (Helsinki time) in ``division`` and its services (a ServiceArea or anything with its
    ``code``), how many were booked, how many declined or left unfilled, by service area
    and by type, and the median days from request to booking. Counts only: no person's data.

    Two queries, each of a few hundred rows however many requests the year has (the counts
    per month, service area and type, and the days to booking per month), and two for the
    names of the areas and types counted.
    """
    requests = _year_requests(year, division)
    groups = _counted_groups(requests, today or timezone.localdate())
    days = _days_to_booking(requests)
    year_days = defaultdict(int)
    for month_days in days.values():
        for day, count in month_days.items():
            year_days[day] += count
    return {
        "year": year,
        "months": [
            {
                "month": f"{year}-{month:02}",
                **_sum([group for group in groups if group["month"] == month]),
                "median_days": _median(days[month]),
            }
            for month in range(1, 13)
        ],
        "totals": _sum(groups) | {"median_days": _median(year_days)},
        "by_service_area": _sum_by(groups, "service_area", ServiceArea),
        "by_type": _sum_by(groups, "type", AssignmentType),
    }
