"""The expert's side: offers on My page, the offer page, accepting and declining."""

import datetime

import pytest
from django.urls import reverse

from agreements.models import Participation
from orders.models import Offer, OfferKind, OfferStatus, RequestStatus
from tests.factories import AgreementFactory
from tests.orders.conftest import EN, NOW
from tests.orders.factories import OfferFactory, RequestFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
LATER = NOW + datetime.timedelta(days=2)


@pytest.fixture
def alice(expert_alice):
    expert = expert_alice.expert
    AgreementFactory(expert=expert, number="TS-ALICE")
    return expert


@pytest.fixture
def offer(alice):
    return OfferFactory(
        expert=alice,
        request=RequestFactory(audience="Opiskelijaryhmä", status=RequestStatus.OFFERED),
        deadline=LATER,
    )


def test_my_page_lists_the_offers_waiting_for_my_answer(login, expert_alice, offer, expert_bob):
    OfferFactory(expert=offer.expert, request__audience="Vanhentunut", deadline=NOW)
    OfferFactory(
        expert=offer.expert,
        request__audience="Jo vastattu",
        deadline=LATER,
        status=OfferStatus.DECLINED,
    )
    OfferFactory(expert=expert_bob.expert, request__audience="Bobin", deadline=LATER)

    page = login(expert_alice).get(reverse("portal:my_page"), headers=EN).content.decode()

    assert '<h2 id="offers-heading" class="h4">Offers</h2>' in page
    assert reverse("offers:offer_detail", args=[offer.pk]) in page
    assert "Opiskelijaryhmä" in page
    for other in ("Vanhentunut", "Jo vastattu", "Bobin"):
        assert other not in page


def test_the_offer_page_shows_the_request_without_the_requester(login, expert_alice, offer):
    page = (
        login(expert_alice)
        .get(reverse("offers:offer_detail", args=[offer.pk]), headers=EN)
        .content.decode()
    )

    assert "Opiskelijaryhmä" in page
    assert 'id="answer-yes">Accept</button>' in page
    assert "paula.pyytaja@example.fi" not in page
    assert "Pyytäjä" not in page


def test_the_offer_page_in_fixed_queries(login, expert_alice, offer, django_assert_max_num_queries):
    client = login(expert_alice)

    # session, user, groups (role), expert, the offer with its request
    with django_assert_max_num_queries(5):
        response = client.get(reverse("offers:offer_detail", args=[offer.pk]))

    assert response.status_code == 200


def test_another_experts_offer_answers_404(login, expert_bob, offer):
    client = login(expert_bob)

    assert client.get(reverse("offers:offer_detail", args=[offer.pk])).status_code == 404
    response = client.post(reverse("offers:offer_answer", args=[offer.pk]), {"answer": "accepted"})
    assert response.status_code == 404
    assert Offer.objects.get().status == OfferStatus.PENDING


def test_accepting_books_me_and_takes_me_to_my_page(login, expert_alice, offer, alice):
    response = login(expert_alice).post(
        reverse("offers:offer_answer", args=[offer.pk]),
        {"answer": "accepted"},
        headers=EN,
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("portal:my_page")
    assert "Thank you! You are booked" in response.content.decode()
    participation = Participation.objects.get(expert=alice)
    assert participation.assignment.request.status == RequestStatus.BOOKED


def test_declining_with_a_reason(login, expert_alice, offer):
    login(expert_alice).post(
        reverse("offers:offer_answer", args=[offer.pk]),
        {"answer": "declined", "reason": "Olen silloin lomalla."},
    )

    offer.refresh_from_db()
    assert (offer.status, offer.reason) == (OfferStatus.DECLINED, "Olen silloin lomalla.")


def test_a_late_answer_is_refused_with_the_reason(login, expert_alice, offer, frozen_clock):
    frozen_clock.move_to(LATER)

    response = login(expert_alice).post(
        reverse("offers:offer_answer", args=[offer.pk]),
        {"answer": "accepted"},
        headers=EN,
        follow=True,
    )

    assert "The time to answer ended 3.4.2025 12:00." in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING


def test_an_open_call_is_volunteered_for(login, expert_alice, alice):
    offer = OfferFactory(expert=alice, kind=OfferKind.OPEN_CALL, deadline=LATER)
    client = login(expert_alice)

    page = client.get(reverse("offers:offer_detail", args=[offer.pk]), headers=EN).content.decode()
    client.post(reverse("offers:offer_answer", args=[offer.pk]), {"answer": "volunteered"})

    assert 'id="answer-yes">I can take it</button>' in page
    offer.refresh_from_db()
    assert offer.status == OfferStatus.VOLUNTEERED
