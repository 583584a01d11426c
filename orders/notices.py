"""Who hears of what happens to requests and offers, by e-mail (notifications app).

The requester has no login: their messages go to the address they gave, in the language of
the form they used, and link only to their private status page. Experts hear of offers made to
them and of offers that end; coordinators of new requests and of offers left unanswered.
"""

import datetime

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from notifications.models import Kind, Preference
from notifications.outbox import (
    Notice,
    Recipient,
    coordinator_recipients,
    expert_recipients,
    record,
    without_recorded,
)
from orders import selectors
from orders.models import Offer, OfferKind, OfferStatus, Request, RequestStatus, StatusLink


def _requester(order: Request) -> Recipient:
    return Recipient(
        order.requester_email.strip(),
        order.requester_first_name,
        None,
        Preference(language=order.requester_language),
    )


def _status_url(link: StatusLink | None) -> str:
    return reverse("ordering:status", args=[link.token]) if link else ""


def request_received(*, order: Request, link: StatusLink) -> None:
    """The requester's receipt with their private status link (again when a link is renewed)."""
    record(
        [
            Notice(
                event=f"request_received:request-{order.pk}:link-{link.pk}",
                kind=Kind.REQUEST_RECEIVED,
                to=_requester(order),
                template="request_received",
                context={"order": order, "status_url": _status_url(link), "link": link},
            )
        ]
    )


def new_request(*, order: Request) -> None:
    url = reverse("orders:request_detail", args=[order.pk])
    record(
        [
            Notice(
                event=f"new_request:request-{order.pk}",
                kind=Kind.NEW_REQUEST,
                to=to,
                template="new_request",
                context={"order": order, "url": url},
            )
            for to in coordinator_recipients()
        ]
    )


def offers_made(*, order: Request, offers: list[Offer]) -> None:
    """Each expert hears of the offer (or open call) made to them, with the time to answer."""
    recipients = expert_recipients([offer.expert for offer in offers])
    record(
        [
            Notice(
                event=f"offer:offer-{offer.pk}:{offer.deadline:%Y%m%dT%H%M%S}",
                kind=Kind.OFFER,
                to=recipients[offer.expert_id],
                template="offer",
                context={
                    "order": order,
                    "offer": offer,
                    "open_call": offer.kind == OfferKind.OPEN_CALL,
                    "url": reverse("offers:offer_detail", args=[offer.pk]),
                },
            )
            for offer in offers
            if offer.expert_id in recipients
        ]
    )


def offers_closed(*, order: Request, offers: list[Offer], filled: bool) -> None:
    """The experts whose offers ended hear that the request was filled, or closed."""
    recipients = expert_recipients([offer.expert for offer in offers])
    record(
        [
            Notice(
                event=f"offer_closed:offer-{offer.pk}:{offer.deadline:%Y%m%dT%H%M%S}",
                kind=Kind.OFFER_CLOSED,
                to=recipients[offer.expert_id],
                template="offer_closed",
                context={
                    "order": order,
                    "filled": filled,
                    "declined": offer.status == OfferStatus.DECLINED,
                },
            )
            for offer in offers
            if offer.expert_id in recipients
        ]
    )


def request_booked(*, order: Request, now: datetime.datetime) -> None:
    """The requester hears who comes (first names) and the practicalities."""
    record(
        [
            Notice(
                event=f"request_booked:request-{order.pk}:{order.booked_at:%Y%m%dT%H%M%S}",
                kind=Kind.REQUEST_BOOKED,
                to=_requester(order),
                template="request_booked",
                context={
                    "order": order,
                    "assignment": order.assignment,
                    "first_names": selectors.booked_first_names(order),
                    "status_url": _status_url(selectors.usable_link(order, now)),
                },
            )
        ]
    )


def request_declined(*, order: Request, now: datetime.datetime) -> None:
    record(
        [
            Notice(
                event=f"request_declined:request-{order.pk}",
                kind=Kind.REQUEST_DECLINED,
                to=_requester(order),
                template="request_declined",
                context={
                    "order": order,
                    "status_url": _status_url(selectors.usable_link(order, now)),
                },
            )
        ]
    )


# --- Periodic: offers left unanswered -------------------------------------------------------


def plan_unanswered_offers(*, now: datetime.datetime | None = None) -> int:
    """Coordinators hear once per round of offers of each request that is not yet booked and
    has no offer left waiting within its time: everyone answered, or the deadline passed.
    Two queries, however many requests are open."""
    now = now or timezone.now()
    waiting = Q(offers__status=OfferStatus.PENDING, offers__deadline__gt=now)
    rounds = list(
        Request.objects.filter(status=RequestStatus.OFFERED)
        .annotate(
            latest=Max("offers__deadline"),
            waiting=Count("offers", filter=waiting),
            accepted=Count("offers", filter=Q(offers__status=OfferStatus.ACCEPTED)),
            volunteered=Count("offers", filter=Q(offers__status=OfferStatus.VOLUNTEERED)),
        )
        .filter(waiting=0, latest__isnull=False)
        .select_related("type")
    )
    if not rounds:
        return 0
    coordinators = coordinator_recipients()
    notices = [
        Notice(
            event=f"offers_unanswered:request-{order.pk}:{order.latest:%Y%m%dT%H%M%S}",
            kind=Kind.OFFERS_UNANSWERED,
            to=to,
            template="offers_unanswered",
            context={"order": order, "url": reverse("orders:request_detail", args=[order.pk])},
        )
        for order in rounds
        for to in coordinators
    ]
    return record(without_recorded(notices))
