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
from registry.models import Expert

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


def _median(values: list[int]) -> Decimal | None:
    """The median of whole days (a half where the count is even); None for no bookings."""
    return Decimal(str(statistics.median(values))).quantize(Decimal("0.01")) if values else None


def request_figures(year: int, division=None, *, today: datetime.date | None = None) -> dict:
    """The demand the evaluation group reads: requests received in each month of ``year``
    (Helsinki time) in ``division`` and its services (a ServiceArea or anything with its
    ``code``), how many were booked, how many declined or left unfilled, by service area
    and by type, and the median days from request to booking. Counts only: no names.

    One aggregate query per table (months, service areas, types) and one for the days to
    booking, whose median SQLite cannot compute: a year's booked requests are a few hundred
    pairs of dates.
    """
    today = today or timezone.localdate()
    requests = _year_requests(year, division)
    counts = _counts(today)
    by_month = {
        row["month"]: row
        for row in requests.annotate(month=ExtractMonth("received_at"))
        .values("month")
        .annotate(**counts)
        .order_by("month")
    }
    days = defaultdict(list)
    booked = requests.filter(status=RequestStatus.BOOKED, booked_at__isnull=False)
    for month, received_on, booked_on in booked.annotate(
        month=ExtractMonth("received_at"),
        received_on=TruncDate("received_at"),
        booked_on=TruncDate("booked_at"),
    ).values_list("month", "received_on", "booked_on"):
        days[month].append((booked_on - received_on).days)
    empty = {"received": 0, "booked": 0, "unfilled": 0}
    months = [
        {
            "month": f"{year}-{month:02}",
            **{key: by_month.get(month, empty)[key] for key in empty},
            "median_days": _median(days[month]),
        }
        for month in range(1, 13)
    ]
    return {
        "year": year,
        "months": months,
        "totals": {
            **{key: sum(row[key] for row in months) for key in empty},
            "median_days": _median([d for month_days in days.values() for d in month_days]),
        },
        "by_service_area": _by(requests, "service_area", counts),
        "by_type": _by(requests, "type", counts),
    }


def _by(requests: QuerySet[Request], relation: str, counts: dict) -> dict[str, dict]:
    """The counts per code of ``relation`` (service_area or type), with its name in the page's
    language, by code."""
    names = [f"{relation}__{name}" for name in ("code", "name", "name_sv", "name_en")]
    rows = requests.values(*names).annotate(**counts).order_by(names[0])
    return {
        row[names[0]]: {"name": in_active_language(*(row[name] for name in names[1:]))}
        | {key: row[key] for key in counts}
        for row in rows
    }
