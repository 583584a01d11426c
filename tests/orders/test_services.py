"""Requests and offers through their services: submit, offer, answer, book, close, alert."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from agreements.models import AssignmentStatus
from notifications.models import Kind, Message
from orders import services
from orders.models import Offer, OfferKind, OfferStatus, Request, RequestStatus, StatusLink
from orders.notices import plan_unanswered_offers
from payroll.models import EarningsLimit, LimitBasis
from registry.models import Professional
from tests.factories import (
    ExpertFactory,
    ParticipationFactory,
    ProfessionalFactory,
    ServiceAreaFactory,
)
from tests.orders.conftest import NOW, matching_expert
from tests.orders.factories import RequestFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

DEADLINE = datetime.datetime(2025, 4, 3, 12, 0, tzinfo=datetime.UTC)


def _fields(**changes) -> dict:
    """What the public form sends, as a RequestFactory request would have it."""
    template = RequestFactory.build(
        type=RequestFactory._meta.declarations["type"].get_factory()(),
        service_area=ServiceAreaFactory(),
    )
    names = [
        f.name
        for f in Request._meta.fields
        if f.editable
        and f.name not in ("id", "status", "open_call", "decline_message")
        and f.name not in ("assignment", "received_at", "booked_at", "closed_at")
    ]
    return {name: getattr(template, name) for name in names} | changes


def _messages(kind) -> list[tuple[str, str]]:
    return sorted(Message.objects.filter(kind=kind).values_list("to", "subject"))


# --- Submitting ---------------------------------------------------------------------------


def test_a_submitted_request_is_received_with_a_receipt_and_a_status_link(coordinator):
    order, link = services.request_submit(fields=_fields(), language="sv")

    assert order.status == RequestStatus.RECEIVED
    assert order.received_at == NOW
    assert link.request == order and len(link.token) >= 40
    # 12.5.2025 + 30 days: the link works through 11.6.2025 (Helsinki)
    assert link.last_day == datetime.date(2025, 6, 11)
    [receipt] = Message.objects.filter(kind=Kind.REQUEST_RECEIVED)
    assert (receipt.to, receipt.language) == ("paula.pyytaja@example.fi", "sv")
    assert f"/tilaa/tila/{link.token}/" in receipt.text
    assert receipt.subject.startswith("Vi har tagit emot din beställning")
    assert _messages(Kind.NEW_REQUEST) == [
        ("koordinaattori@example.fi", receipt_subject_of_new(order))
    ]


def receipt_subject_of_new(order) -> str:
    return f"Uusi tilaus: {order.type.name} 12.5.2025"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": datetime.date(2025, 3, 31)}, "date", "The date cannot be in the past."),
        ({"date": datetime.date(2027, 5, 1)}, "date", "We take requests at most two years ahead."),
        ({"hours": Decimal(25)}, "hours", "One day has at most 24 hours."),
        ({"end_date": datetime.date(2025, 5, 11)}, "end_date", "The end date cannot be before"),
        ({"municipality": " "}, "municipality", "Say in which municipality"),
    ],
)
def test_submit_refuses_bad_input_at_its_field(changes, field, message):
    with pytest.raises(ValidationError) as refused:
        services.request_submit(fields=_fields(**changes), language="fi")

    assert refused.value.message_dict[field][0].startswith(message)
    assert not Request.objects.exists()
    assert not Message.objects.exists()


def test_a_remote_request_needs_no_municipality():
    order, _link = services.request_submit(
        fields=_fields(mode="remote", municipality="", place=""), language="fi"
    )

    assert order.mode == "remote"


# --- Offering and answering ---------------------------------------------------------------


@pytest.fixture
def order(db):
    return RequestFactory()


@pytest.fixture
def anna(db):
    return matching_expert("Anna")


@pytest.fixture
def bea(db):
    return matching_expert("Bea")


def test_offering_to_two_experts_tells_each_of_them(order, anna, bea, coordinator):
    offers = services.offers_make(
        order=order, experts=[anna, bea], deadline=DEADLINE, by=coordinator
    )

    order.refresh_from_db()
    assert order.status == RequestStatus.OFFERED
    assert {(o.expert, o.status, o.kind) for o in offers} == {
        (anna, OfferStatus.PENDING, OfferKind.OFFER),
        (bea, OfferStatus.PENDING, OfferKind.OFFER),
    }
    sent = Message.objects.filter(kind=Kind.OFFER)
    assert sorted(sent.values_list("to", flat=True)) == sorted([anna.email, bea.email])
    assert "3.4.2025 15.00" in sent.first().text  # the deadline in Helsinki time


def test_an_offer_needs_a_covering_agreement(order):
    outsider = ExpertFactory(first_name="Olli", last_name="Ulkona")

    with pytest.raises(ValidationError) as refused:
        services.offers_make(order=order, experts=[outsider], deadline=DEADLINE)

    assert refused.value.message_dict["experts"] == [
        "Olli Ulkona has no signed agreement that covers 12.5.2025."
    ]
    assert not Offer.objects.exists()


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        (NOW, "The reply deadline must be in the future."),
        (
            datetime.datetime(2025, 5, 12, 7, 1, tzinfo=datetime.UTC),  # 10.01 in Helsinki
            "The reply deadline must be before the assignment begins.",
        ),
    ],
)
def test_the_deadline_is_between_now_and_the_start(order, anna, deadline, message):
    with pytest.raises(ValidationError) as refused:
        services.offers_make(order=order, experts=[anna], deadline=deadline)

    assert refused.value.message_dict["deadline"] == [message]


def test_accepting_books_the_expert_with_the_requester_as_contact(order, anna, bea, coordinator):
    services.offers_make(order=order, experts=[anna, bea], deadline=DEADLINE, by=coordinator)
    offer = Offer.objects.get(expert=anna)

    services.offer_answer(offer=offer, answer=OfferStatus.ACCEPTED)

    order.refresh_from_db()
    assignment = order.assignment
    assert (order.status, order.booked_at) == (RequestStatus.BOOKED, NOW)
    assert list(assignment.experts.all()) == [anna]
    assert (assignment.date, assignment.start_time, assignment.hours) == (
        datetime.date(2025, 5, 12),
        datetime.time(10),
        Decimal("2.00"),
    )
    assert assignment.location == "Mariankatu 16, Kokkola"
    assert assignment.created_by == coordinator
    contact = assignment.contact
    assert (contact.first_name, contact.last_name, contact.email) == (
        "Paula",
        "Pyytäjä",
        "paula.pyytaja@example.fi",
    )
    assert Offer.objects.get(expert=bea).status == OfferStatus.FILLED
    assert _messages(Kind.BOOKED)[0][0] == anna.email
    assert [to for to, _subject in _messages(Kind.OFFER_CLOSED)] == [bea.email]
    [told] = Message.objects.filter(kind=Kind.REQUEST_BOOKED)
    assert told.to == "paula.pyytaja@example.fi"
    assert "Tulossa: Anna" in told.text


def test_a_known_professional_is_reused_by_email(order, anna):
    known = ProfessionalFactory(email="PAULA.pyytaja@example.fi")
    services.offers_make(order=order, experts=[anna], deadline=DEADLINE)

    services.offer_answer(offer=Offer.objects.get(), answer=OfferStatus.ACCEPTED)

    order.refresh_from_db()
    assert order.assignment.contact == known
    assert Professional.objects.count() == 1


def test_the_first_n_to_accept_are_booked_and_the_next_hears_it_is_filled(order, anna, bea):
    order.experts_needed = 2
    order.save()
    cilla = matching_expert("Cilla")
    services.offers_make(order=order, experts=[anna, bea, cilla], deadline=DEADLINE)

    services.offer_answer(offer=Offer.objects.get(expert=bea), answer=OfferStatus.ACCEPTED)
    order.refresh_from_db()
    assert order.status == RequestStatus.OFFERED  # one of two: still looking
    assert not Message.objects.filter(kind=Kind.REQUEST_BOOKED).exists()
    services.offer_answer(offer=Offer.objects.get(expert=anna), answer=OfferStatus.ACCEPTED)
    with pytest.raises(ValidationError) as refused:
        services.offer_answer(offer=Offer.objects.get(expert=cilla), answer=OfferStatus.ACCEPTED)

    order.refresh_from_db()
    assert order.status == RequestStatus.BOOKED
    assert sorted(e.first_name for e in order.assignment.experts.all()) == ["Anna", "Bea"]
    assert refused.value.messages == [
        "The request has already been filled. Thank you all the same!"
    ]
    assert Offer.objects.get(expert=cilla).status == OfferStatus.FILLED
    [told] = Message.objects.filter(kind=Kind.REQUEST_BOOKED)
    assert "Tulossa: Anna, Bea" in told.text


def test_a_decline_keeps_its_reason_and_the_decliner_hears_when_filled(order, anna, bea):
    services.offers_make(order=order, experts=[anna, bea], deadline=DEADLINE)

    services.offer_answer(
        offer=Offer.objects.get(expert=bea), answer=OfferStatus.DECLINED, reason=" Lomalla "
    )
    services.offer_answer(offer=Offer.objects.get(expert=anna), answer=OfferStatus.ACCEPTED)

    declined = Offer.objects.get(expert=bea)
    assert (declined.status, declined.reason, declined.answered_at) == (
        OfferStatus.DECLINED,
        "Lomalla",
        NOW,
    )
    [closed] = Message.objects.filter(kind=Kind.OFFER_CLOSED)
    assert closed.to == bea.email
    assert "kiitos vastauksestasi" in closed.text.lower()


def test_an_offer_cannot_be_answered_after_its_deadline(order, anna, frozen_clock):
    services.offers_make(order=order, experts=[anna], deadline=DEADLINE)
    frozen_clock.move_to(DEADLINE)

    with pytest.raises(ValidationError) as refused:
        services.offer_answer(offer=Offer.objects.get(), answer=OfferStatus.ACCEPTED)

    assert refused.value.messages == ["The time to answer ended 3.4.2025 15:00."]
    assert Offer.objects.get().status == OfferStatus.PENDING
    order.refresh_from_db()
    assert order.assignment is None


def test_an_expert_booked_elsewhere_meanwhile_can_still_be_offered_again_after_declining(
    order, anna
):
    services.offers_make(order=order, experts=[anna], deadline=DEADLINE)
    services.offer_answer(offer=Offer.objects.get(), answer=OfferStatus.DECLINED)

    [again] = services.offers_make(
        order=order, experts=[anna], deadline=DEADLINE + datetime.timedelta(days=1)
    )

    assert (again.status, again.reason, again.answered_at) == (OfferStatus.PENDING, "", None)
    assert Offer.objects.count() == 1
    assert Message.objects.filter(kind=Kind.OFFER).count() == 2  # a new deadline, a new notice


# --- Open call ----------------------------------------------------------------------------


def test_an_open_call_reaches_every_match_not_yet_asked_and_not_at_the_limit(order, anna, bea):
    cilla = matching_expert("Cilla")
    matching_expert("Eeva", municipality="Kannus")  # out of reach: not a match
    services.offers_make(order=order, experts=[anna], deadline=DEADLINE)
    EarningsLimit.objects.create(  # 10 € left: the request's fee would pass it
        expert=cilla,
        monthly_limit=Decimal("10.00"),
        basis=LimitBasis.OTHER_BENEFIT,
        consent_given_on=datetime.date(2025, 1, 1),
    )

    offers = services.open_call_publish(order=order, deadline=DEADLINE)

    order.refresh_from_db()
    assert order.open_call is True
    assert [(o.expert, o.kind) for o in offers] == [(bea, OfferKind.OPEN_CALL)]
    [sent] = Message.objects.filter(kind=Kind.OFFER, to=bea.email)
    assert sent.subject.startswith("Avoin haku")


def test_volunteers_are_chosen_by_the_coordinator(order, anna, bea, coordinator):
    services.open_call_publish(order=order, deadline=DEADLINE, by=coordinator)
    for expert in (anna, bea):
        services.offer_answer(
            offer=Offer.objects.get(expert=expert), answer=OfferStatus.VOLUNTEERED
        )
    volunteers = list(Offer.objects.filter(status=OfferStatus.VOLUNTEERED))

    with pytest.raises(ValidationError) as too_many:
        services.volunteers_book(order=order, offers=volunteers, by=coordinator)
    services.volunteers_book(
        order=order, offers=[o for o in volunteers if o.expert == bea], by=coordinator
    )

    assert too_many.value.message_dict["offers"] == ["The request needs 1 more; you chose 2."]
    order.refresh_from_db()
    assert order.status == RequestStatus.BOOKED
    assert list(order.assignment.experts.all()) == [bea]
    assert Offer.objects.get(expert=anna).status == OfferStatus.FILLED


def test_an_open_call_offer_is_volunteered_for_not_accepted(order, anna):
    services.open_call_publish(order=order, deadline=DEADLINE)

    with pytest.raises(ValidationError) as refused:
        services.offer_answer(offer=Offer.objects.get(), answer=OfferStatus.ACCEPTED)

    assert refused.value.messages == ["Choose one of the answers."]


def _booked_meanwhile(expert) -> None:
    """A booking of ``expert`` at 10.30 on the request's day (12.5.2025, 10–12), made after
    the offer went out."""
    ParticipationFactory(
        expert=expert,
        agreement=expert.agreements.get(),
        assignment__date=datetime.date(2025, 5, 12),
        assignment__start_time=datetime.time(10, 30),
    )


def test_an_expert_booked_meanwhile_cannot_accept_but_can_decline(order, anna):
    services.offers_make(order=order, experts=[anna], deadline=DEADLINE)
    _booked_meanwhile(anna)
    offer = Offer.objects.get()

    with pytest.raises(ValidationError) as refused:
        services.offer_answer(offer=offer, answer=OfferStatus.ACCEPTED)

    assert "overlaps this one" in refused.value.messages[0]
    order.refresh_from_db()
    assert order.assignment is None
    services.offer_answer(offer=offer, answer=OfferStatus.DECLINED)
    assert Offer.objects.get().status == OfferStatus.DECLINED


def test_a_volunteer_booked_meanwhile_is_not_booked(order, anna, bea):
    services.open_call_publish(order=order, deadline=DEADLINE)
    for offer in Offer.objects.all():
        services.offer_answer(offer=offer, answer=OfferStatus.VOLUNTEERED)
    _booked_meanwhile(bea)

    with pytest.raises(ValidationError) as refused:
        services.volunteers_book(order=order, offers=list(Offer.objects.all()))

    assert refused.value.message_dict["offers"] == [
        "Bea Kokemus has since been booked at a time that overlaps this request."
    ]
    order.refresh_from_db()
    assert order.assignment is None


def test_an_open_call_with_nobody_to_reach_is_refused(order):
    with pytest.raises(ValidationError) as refused:
        services.open_call_publish(order=order, deadline=DEADLINE)

    assert refused.value.messages == ["No matching expert is left to publish the request to."]
    order.refresh_from_db()
    assert (order.status, order.open_call) == (RequestStatus.RECEIVED, False)


# --- Closing ------------------------------------------------------------------------------


def test_declining_tells_the_requester_and_closes_the_offers(order, anna):
    services.offers_make(order=order, experts=[anna], deadline=DEADLINE)

    services.request_decline(order=order, message="Kysy ensi kuussa uudelleen.")

    order.refresh_from_db()
    assert (order.status, order.closed_at) == (RequestStatus.DECLINED, NOW)
    assert Offer.objects.get().status == OfferStatus.CLOSED
    [told] = Message.objects.filter(kind=Kind.REQUEST_DECLINED)
    assert "Kysy ensi kuussa uudelleen." in told.text
    assert Message.objects.filter(kind=Kind.OFFER_CLOSED, to=anna.email).exists()
    with pytest.raises(ValidationError):
        services.offers_make(order=order, experts=[anna], deadline=DEADLINE)


def test_withdrawing_a_booked_request_cancels_its_assignment(order, anna):
    services.offers_make(order=order, experts=[anna], deadline=DEADLINE)
    services.offer_answer(offer=Offer.objects.get(), answer=OfferStatus.ACCEPTED)

    services.request_withdraw(order=order)

    order.refresh_from_db()
    assert order.status == RequestStatus.WITHDRAWN
    assert order.assignment.status == AssignmentStatus.CANCELLED
    assert Message.objects.filter(kind=Kind.CANCELLED, to=anna.email).exists()


def test_a_declined_request_cannot_be_withdrawn():
    order = RequestFactory(status=RequestStatus.DECLINED)

    with pytest.raises(ValidationError) as refused:
        services.request_withdraw(order=order)

    assert refused.value.messages == ["A request that is declined cannot be made withdrawn."]


# --- The coordinator's alert --------------------------------------------------------------


def test_coordinators_hear_once_when_no_offer_is_left_waiting(
    order, anna, bea, coordinator, frozen_clock
):
    services.offers_make(order=order, experts=[anna, bea], deadline=DEADLINE)
    services.offer_answer(offer=Offer.objects.get(expert=anna), answer=OfferStatus.DECLINED)
    assert plan_unanswered_offers() == 0  # Bea may still answer

    frozen_clock.move_to(DEADLINE + datetime.timedelta(minutes=1))
    assert plan_unanswered_offers() == 1
    assert plan_unanswered_offers() == 0  # once per round of offers

    [alert] = Message.objects.filter(kind=Kind.OFFERS_UNANSWERED)
    assert alert.to == coordinator.email
    assert f"/tilaukset/{order.pk}/" in alert.text


def test_no_alert_for_a_booked_request(order, anna, bea, coordinator, frozen_clock):
    services.offers_make(order=order, experts=[anna, bea], deadline=DEADLINE)
    services.offer_answer(offer=Offer.objects.get(expert=anna), answer=OfferStatus.ACCEPTED)
    frozen_clock.move_to(DEADLINE + datetime.timedelta(minutes=1))

    assert plan_unanswered_offers() == 0


# --- Status links and the form's rate limit -----------------------------------------------


def test_a_renewed_link_replaces_the_old_one_and_is_sent_again():
    order, old = services.request_submit(fields=_fields(), language="fi")

    new = services.status_link_renew(order=order)

    old.refresh_from_db()
    assert old.revoked_at == NOW
    assert new.revoked_at is None and new.token != old.token
    receipts = Message.objects.filter(kind=Kind.REQUEST_RECEIVED).order_by("pk")
    assert [new.token in m.text for m in receipts] == [False, True]


def test_revoking_stops_every_working_link():
    order, link = services.request_submit(fields=_fields(), language="fi")

    assert services.status_link_revoke(order=order) == 1
    assert services.status_link_revoke(order=order) == 0
    assert StatusLink.objects.get().revoked_at == NOW


def test_the_form_allows_ten_posts_an_hour_from_one_address(frozen_clock, settings):
    settings.REQUEST_FORM_POSTS_PER_HOUR = 10
    answers = [services.form_post_allowed(address="192.0.2.1") for _post in range(12)]
    other = services.form_post_allowed(address="192.0.2.2")
    frozen_clock.shift(datetime.timedelta(minutes=61))
    later = services.form_post_allowed(address="192.0.2.1")

    assert answers == [True] * 10 + [False] * 2
    assert other is True
    assert later is True


def test_the_rate_limit_keeps_no_address():
    services.form_post_allowed(address="192.0.2.1")

    from orders.models import FormPost

    [post] = FormPost.objects.all()
    assert "192.0.2.1" not in post.client
    assert len(post.client) == 64
