"""Every write about requests and offers: one function per business action, in a transaction.

A request is called ``order`` here (orders.models). Answers to the offers of one request are
serialised by locking the request's row, so of two experts who accept the last place at the
same moment exactly one is booked and the other hears that it is filled.
"""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agreements.models import Assignment, AssignmentStatus
from agreements.rules import hours_error, uncovered_error, working_days
from agreements.selectors import covering_agreements_by_expert
from agreements.services import assignment_save, assignment_set_status
from kokemus.private_links import expiry_after
from orders import notices
from orders.matching import busy_expert_ids, suggestions
from orders.models import (
    ANSWERS,
    OPEN_STATUSES,
    REQUEST_TRANSITIONS,
    FormPost,
    Mode,
    Offer,
    OfferKind,
    OfferStatus,
    Request,
    RequestStatus,
    StatusLink,
)
from registry.models import Expert, Professional

# How far ahead the public form takes requests.
MOST_DAYS_AHEAD = 2 * 366
# Offers still waiting for the expert: closed when the request is filled or closed.
WAITING = [OfferStatus.PENDING, OfferStatus.VOLUNTEERED]
FORM_POST_WINDOW = datetime.timedelta(hours=1)


# --- The public form -----------------------------------------------------------------------


def request_errors(order: Request, today: datetime.date) -> dict[str, str]:
    """What the public form refuses, by the field at fault (empty: nothing)."""
    errors = {}
    if order.mode == Mode.ON_SITE and not order.municipality.strip():
        errors["municipality"] = _("Say in which municipality the assignment is.")
    if order.date is None:
        return errors  # the field says it is missing
    if order.date < today:
        errors["date"] = _("The date cannot be in the past.")
    elif (order.date - today).days > MOST_DAYS_AHEAD:
        errors["date"] = _("We take requests at most two years ahead.")
    if order.end_date and order.end_date < order.date:
        errors["end_date"] = _("The end date cannot be before the start date.")
    elif order.hours is not None:
        error = hours_error(order.hours, working_days(order.date, order.end_date))
        if error:
            errors["hours"] = error
    return errors


@transaction.atomic
def request_submit(
    *, fields: dict, language: str, now: datetime.datetime | None = None
) -> tuple[Request, StatusLink]:
    """Record a request sent through the public form; the requester gets a receipt with their
    private status link, the coordinators a notice."""
    now = now or timezone.now()
    order = Request(**fields, requester_language=language, received_at=now)
    errors = request_errors(order, timezone.localdate(now))
    if errors:
        raise ValidationError(errors)
    order.full_clean()
    order.save()
    link = _new_link(order)
    notices.request_received(order=order, link=link)
    notices.new_request(order=order)
    return order, link


def client_key(address: str) -> str:
    """The client address as a keyed hash: it counts posts without keeping the address."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def form_post_allowed(*, address: str, now: datetime.datetime | None = None) -> bool:
    """Count a post of the public form from ``address``; False once that address has posted
    REQUEST_FORM_POSTS_PER_HOUR times within the last hour. Refused posts count too, up to
    twice the limit, so a flood stays refused for its hour without filling the table."""
    now = now or timezone.now()
    since = now - FORM_POST_WINDOW
    FormPost.objects.filter(posted_at__lt=since).delete()
    key = client_key(address)
    recent = FormPost.objects.filter(client=key, posted_at__gte=since).count()
    limit = settings.REQUEST_FORM_POSTS_PER_HOUR
    if recent < 2 * limit:
        FormPost.objects.create(client=key, posted_at=now)
    return recent < limit


# --- The requester's status link ------------------------------------------------------------


def _new_link(order: Request) -> StatusLink:
    """A link that works until REQUEST_LINK_DAYS after the last requested day."""
    expires_at = expiry_after(order.last_date, settings.REQUEST_LINK_DAYS)
    return StatusLink.objects.create(request=order, expires_at=expires_at)


@transaction.atomic
def status_link_revoke(*, order: Request, now: datetime.datetime | None = None) -> int:
    """Stop every status link of the request; how many were working."""
    return order.links.filter(revoked_at__isnull=True).update(revoked_at=now or timezone.now())


@transaction.atomic
def status_link_renew(*, order: Request) -> StatusLink:
    """Stop the old links and e-mail the requester a new one (e.g. the old one leaked)."""
    status_link_revoke(order=order)
    link = _new_link(order)
    notices.request_received(order=order, link=link)
    return link


# --- Offers ---------------------------------------------------------------------------------


def _locked(order: Request) -> Request:
    """The request's row, locked until the transaction ends (PostgreSQL; SQLite serialises
    writers anyway), read afresh."""
    return (
        Request.objects.select_for_update(of=("self",))
        .select_related("type", "service_area", "experience_area")
        .get(pk=order.pk)
    )


def _check_open(order: Request) -> None:
    if not order.is_open:
        raise ValidationError(
            _("The request is %(status)s: it takes no more offers.")
            % {"status": order.get_status_display()}
        )


def _starts_at(order: Request) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(order.date, order.start_time or datetime.time.min)
    )


def _check_deadline(order: Request, deadline: datetime.datetime, now: datetime.datetime) -> None:
    if deadline <= now:
        raise ValidationError({"deadline": _("The reply deadline must be in the future.")})
    if deadline > _starts_at(order):
        raise ValidationError(
            {"deadline": _("The reply deadline must be before the assignment begins.")}
        )


def _set_status(order: Request, status: str) -> None:
    if order.status == status:
        return
    if status not in REQUEST_TRANSITIONS[RequestStatus(order.status)]:
        raise ValidationError(
            _("A request that is %(old)s cannot be made %(new)s.")
            % {"old": order.get_status_display(), "new": RequestStatus(status).label}
        )
    order.status = status


@transaction.atomic
def offers_make(
    *,
    order: Request,
    experts: list[Expert],
    deadline: datetime.datetime,
    by=None,
    now: datetime.datetime | None = None,
) -> list[Offer]:
    """Offer the request to ``experts`` (any experts: the suggestions only advise), each
    answering by ``deadline``. Offering again to someone who declined or let the time pass asks
    them anew."""
    now = now or timezone.now()
    order = _locked(order)
    _check_open(order)
    _check_deadline(order, deadline, now)
    if not experts:
        raise ValidationError({"experts": _("Choose at least one expert.")})
    covering = covering_agreements_by_expert(expert_ids=[e.pk for e in experts], day=order.date)
    uncovered = [uncovered_error(e.full_name, order.date) for e in experts if e.pk not in covering]
    if uncovered:
        raise ValidationError({"experts": uncovered})
    earlier = {offer.expert_id: offer for offer in order.offers.filter(expert__in=experts)}
    refused = [
        _("%(expert)s is already booked on this request or volunteered for it.")
        % {"expert": expert.full_name}
        for expert in experts
        if expert.pk in earlier
        and earlier[expert.pk].status in (OfferStatus.ACCEPTED, OfferStatus.VOLUNTEERED)
    ]
    if refused:
        raise ValidationError({"experts": refused})
    offers = []
    for expert in experts:
        offer = earlier.get(expert.pk) or Offer(request=order, expert=expert)
        offer.kind, offer.status, offer.deadline = OfferKind.OFFER, OfferStatus.PENDING, deadline
        offer.reason, offer.answered_at, offer.created_by = "", None, by
        offer.save()
        offer.expert = expert
        offers.append(offer)
    _set_status(order, RequestStatus.OFFERED)
    order.save(update_fields=["status", "updated_at"])
    notices.offers_made(order=order, offers=offers)
    return offers


@transaction.atomic
def open_call_publish(
    *,
    order: Request,
    deadline: datetime.datetime,
    by=None,
    now: datetime.datetime | None = None,
) -> list[Offer]:
    """Publish the request to every matching expert not yet asked (those at their earnings
    limit left out); they volunteer and the coordinator chooses among them."""
    now = now or timezone.now()
    order = _locked(order)
    _check_open(order)
    _check_deadline(order, deadline, now)
    asked = set(order.offers.values_list("expert_id", flat=True))
    offers = [
        Offer(
            request=order,
            expert=suggestion.expert,
            kind=OfferKind.OPEN_CALL,
            deadline=deadline,
            created_by=by,
        )
        for suggestion in suggestions(order)
        if not suggestion.at_earnings_limit and suggestion.expert.pk not in asked
    ]
    if not offers:
        raise ValidationError(_("No matching expert is left to publish the request to."))
    Offer.objects.bulk_create(offers)
    order.open_call = True
    _set_status(order, RequestStatus.OFFERED)
    order.save(update_fields=["open_call", "status", "updated_at"])
    notices.offers_made(order=order, offers=offers)
    return offers


def _unanswerable(offer: Offer, now: datetime.datetime) -> str:
    """Why the expert can no longer answer the offer, in their words."""
    if offer.status == OfferStatus.FILLED:
        return _("The request has already been filled. Thank you all the same!")
    if offer.status != OfferStatus.PENDING:
        return _("You have already answered: %(answer)s.") % {"answer": offer.get_status_display()}
    if not offer.request.is_open:
        return _("The request is no longer open.")
    return _("The time to answer ended %(deadline)s.") % {
        "deadline": date_format(timezone.localtime(offer.deadline), "SHORT_DATETIME_FORMAT")
    }


@transaction.atomic
def offer_answer(
    *, offer: Offer, answer: str, reason: str = "", now: datetime.datetime | None = None
) -> Offer:
    """The expert answers: accepts (booked at once, while places are left), volunteers in an
    open call, or declines with an optional reason for the coordinator."""
    now = now or timezone.now()
    order = _locked(offer.request)
    offer = Offer.objects.select_related("expert__user", "created_by").get(pk=offer.pk)
    offer.request = order
    if answer not in ANSWERS[OfferKind(offer.kind)]:
        raise ValidationError(_("Choose one of the answers."))
    if not offer.is_answerable(now):
        raise ValidationError(_unanswerable(offer, now))
    if answer != OfferStatus.DECLINED and _booked_elsewhere(order, [offer.expert]):
        raise ValidationError(
            _(
                "You have been booked on another assignment at a time that overlaps this one "
                "since the offer was made. Decline it, or ask the coordinator."
            )
        )
    offer.answered_at = now
    if answer == OfferStatus.ACCEPTED:
        _book(order, [offer], by=offer.created_by, now=now)
        return offer
    offer.status = answer
    offer.reason = reason.strip() if answer == OfferStatus.DECLINED else ""
    offer.save(update_fields=["status", "reason", "answered_at"])
    return offer


@transaction.atomic
def volunteers_book(
    *, order: Request, offers: list[Offer], by=None, now: datetime.datetime | None = None
) -> Request:
    """The coordinator books some of the experts who volunteered in an open call."""
    now = now or timezone.now()
    order = _locked(order)
    _check_open(order)
    if not offers:
        raise ValidationError({"offers": _("Choose at least one volunteer.")})
    if any(o.request_id != order.pk or o.status != OfferStatus.VOLUNTEERED for o in offers):
        raise ValidationError({"offers": _("Choose among the experts who volunteered.")})
    busy = _booked_elsewhere(order, [offer.expert for offer in offers])
    if busy:
        raise ValidationError(
            {
                "offers": [
                    _("%(expert)s has since been booked at a time that overlaps this request.")
                    % {"expert": expert.full_name}
                    for expert in busy
                ]
            }
        )
    _book(order, offers, by=by, now=now)
    return order


def _booked_elsewhere(order: Request, experts: list[Expert]) -> list[Expert]:
    """Of ``experts``, those booked since they were asked at a time the request overlaps: an
    offer waits days for its answer, and a double booking must not slip in meanwhile."""
    busy = busy_expert_ids(order, Expert.objects.filter(pk__in=[e.pk for e in experts]))
    return [expert for expert in experts if expert.pk in busy]


def _book(order: Request, offers: list[Offer], *, by, now: datetime.datetime) -> None:
    """Put the offers' experts on the request's assignment (made at the first booking, with the
    requester as its contact professional); once it has all it needs, the request is booked,
    the experts still waiting hear it is filled and the requester hears who comes."""
    booked = order.offers.filter(status=OfferStatus.ACCEPTED).count()
    places = order.experts_needed - booked
    if len(offers) > places:
        raise ValidationError(
            {
                "offers": _("The request needs %(places)s more; you chose %(chosen)s.")
                % {"places": places, "chosen": len(offers)}
            }
        )
    assignment = order.assignment or _assignment_for(order)
    experts = list(assignment.experts.all()) if assignment.pk else []
    assignment_save(
        assignment=assignment, experts=experts + [offer.expert for offer in offers], by=by
    )
    for offer in offers:
        offer.status, offer.answered_at = OfferStatus.ACCEPTED, offer.answered_at or now
        offer.save(update_fields=["status", "answered_at"])
    order.assignment = assignment
    fields = ["assignment", "updated_at"]
    if booked + len(offers) == order.experts_needed:
        _set_status(order, RequestStatus.BOOKED)
        order.booked_at = now
        fields += ["status", "booked_at"]
        _close_offers(order, filled=True)
    order.save(update_fields=fields)
    if order.status == RequestStatus.BOOKED:
        notices.request_booked(order=order, now=now)


def _close_offers(order: Request, *, filled: bool) -> None:
    """Offers still waiting end (filled, or the request closed); their experts hear it, and so,
    once the request is filled, do those who declined, to close the loop."""
    status = OfferStatus.FILLED if filled else OfferStatus.CLOSED
    told = [OfferStatus.PENDING, OfferStatus.VOLUNTEERED]
    if filled:
        told.append(OfferStatus.DECLINED)
    offers = list(order.offers.filter(status__in=told).select_related("expert__user"))
    order.offers.filter(status__in=WAITING).update(status=status)
    notices.offers_closed(order=order, offers=offers, filled=filled)


def _assignment_for(order: Request) -> Assignment:
    """The assignment a request becomes, described in the organisation's language."""
    with translation.override(settings.LANGUAGE_CODE):
        place = (
            _("remote")
            if order.mode == Mode.REMOTE
            else ", ".join(part for part in (order.place, order.municipality) if part)
        )
        return Assignment(
            title=f"{order.type.name}: {order.audience}"[:200],
            type=order.type,
            service_area=order.service_area,
            date=order.date,
            end_date=order.end_date,
            start_time=order.start_time,
            hours=order.hours,
            location=place[:200],
            contact=_requester_as_professional(order),
            description=_description(order),
        )


def _description(order: Request) -> str:
    lines = [
        _("From request %(number)s of %(unit)s.")
        % {"number": order.pk, "unit": order.requester_unit},
        _("Audience: %(audience)s") % {"audience": order.audience},
    ]
    if order.experience_wish:
        lines.append(_("Experience wished for: %(wish)s") % {"wish": order.experience_wish})
    if order.description:
        lines.append(order.description)
    return "\n".join(lines)


def _requester_as_professional(order: Request) -> Professional:
    """The requester as a professional of the register, found by e-mail or added."""
    email = order.requester_email.strip()
    professional = Professional.objects.filter(email__iexact=email).order_by("pk").first()
    if professional is None:
        professional = Professional(
            first_name=order.requester_first_name,
            last_name=order.requester_last_name,
            title=order.requester_title,
            email=email,
            phone=order.requester_phone,
            service_area=order.service_area,
        )
        professional.full_clean()
        professional.save()
    return professional


# --- Closing a request ----------------------------------------------------------------------


@transaction.atomic
def request_decline(
    *, order: Request, message: str = "", now: datetime.datetime | None = None
) -> Request:
    """No expert can take the request: the requester hears it, with the coordinator's words."""
    order = _locked(order)
    _set_status(order, RequestStatus.DECLINED)
    order.decline_message = message.strip()
    _close(order, now or timezone.now())
    notices.request_declined(order=order, now=now or timezone.now())
    return order


@transaction.atomic
def request_withdraw(*, order: Request, now: datetime.datetime | None = None) -> Request:
    """The requester called it off (a coordinator records it): offers end, and the
    assignment, if booked already, is cancelled, which tells its experts."""
    order = _locked(order)
    _set_status(order, RequestStatus.WITHDRAWN)
    _close(order, now or timezone.now())
    return order


def _close(order: Request, now: datetime.datetime) -> None:
    order.closed_at = now
    order.save(update_fields=["status", "decline_message", "closed_at", "updated_at"])
    _close_offers(order, filled=False)
    assignment = order.assignment
    if assignment is not None and assignment.status == AssignmentStatus.PLANNED:
        assignment_set_status(assignment=assignment, status=AssignmentStatus.CANCELLED)


# --- Retention ------------------------------------------------------------------------------

# What a request says of its requester or of anyone: erased once it is past retention. The
# request's type, service area, dates and outcome stay, for the demand figures.
REQUESTER_FIELDS = (
    "requester_first_name",
    "requester_last_name",
    "requester_title",
    "requester_email",
    "requester_phone",
    "experience_wish",
    "description",
    "decline_message",
)


def requests_past_retention(*, days: int, today: datetime.date | None = None):
    """Closed requests whose last day was more than ``days`` days ago, not yet erased."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=days)
    return Request.objects.filter(
        Q(end_date__isnull=True, date__lt=cutoff) | Q(end_date__lt=cutoff),
        requester_erased_at__isnull=True,
    ).exclude(status__in=OPEN_STATUSES)


@transaction.atomic
def requests_erase(requests, *, now: datetime.datetime | None = None) -> int:
    """Erase the requesters' details (and what they wrote) of ``requests``; their status links
    stop working. How many requests were erased."""
    pks = list(requests.values_list("pk", flat=True))
    StatusLink.objects.filter(request__in=pks).delete()
    return Request.objects.filter(pk__in=pks).update(
        **dict.fromkeys(REQUESTER_FIELDS, ""), requester_erased_at=now or timezone.now()
    )
