"""The coordinators' request queue and a request's page: suggestions, offers, open call."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement, AgreementStatus
from orders import services
from orders.models import Offer, OfferKind, OfferStatus, RequestStatus
from registry.models import ExperienceConsent, Expert, ExpertExperience
from tests.factories import ExpertFactory, ServiceAreaFactory
from tests.orders.conftest import EN, NOW, matching_expert
from tests.orders.factories import OfferFactory, RequestFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
DEADLINE = "2025-04-03T15:00"


def _page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- The queue ----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 30])
def test_the_queue_lists_newest_first_in_fixed_queries(
    login, coordinator, count, django_assert_max_num_queries
):
    for n in range(count):
        RequestFactory(
            audience=f"Yleisö {n:02}",
            received_at=NOW - datetime.timedelta(days=count - n),
        )
    client = login(coordinator)

    # session, user, groups, service areas (filter), count, page ids, rows
    with django_assert_max_num_queries(7):
        page = _page(client.get(reverse("orders:request_list"), headers=EN))

    assert page.count("Yleisö ") == min(count, 25)
    first_row = page[page.index("<tbody>") :].split("</tr>")[0]
    assert f"Yleisö {count - 1:02}" in first_row  # received last, listed first


def test_the_queue_filters_by_status_service_and_month(login, coordinator):
    division = ServiceAreaFactory(code="aikuiset", name="Aikuisten palvelut")
    service = ServiceAreaFactory(code="paihde", name="Päihdepalvelut", parent=division)
    RequestFactory(audience="Oikea", service_area=service, status=RequestStatus.OFFERED)
    RequestFactory(audience="Väärä tila", service_area=service)
    RequestFactory(audience="Väärä kuukausi", service_area=service, date=datetime.date(2025, 6, 2))
    RequestFactory(audience="Väärä palvelu", status=RequestStatus.OFFERED)
    query = {"status": "offered", "service_area": division.pk, "month": "2025-05"}

    page = _page(login(coordinator).get(reverse("orders:request_list"), query, headers=EN))

    assert "Oikea" in page
    for other in ("Väärä tila", "Väärä kuukausi", "Väärä palvelu"):
        assert other not in page


# --- A request's page ---------------------------------------------------------------------


@pytest.fixture
def order(mental_health):
    return RequestFactory(experience_area=mental_health)


def test_the_page_lists_suggestions_with_their_reasons(login, coordinator, order, mental_health):
    matching_expert("Anna", mental_health)
    matching_expert("Eeva", mental_health, municipality="Kannus")

    page = _page(
        login(coordinator).get(reverse("orders:request_detail", args=[order.pk]), headers=EN)
    )

    assert "Anna Kokemus" in page
    assert "Eeva Kokemus" in page  # in the list of anyone, not among the suggestions
    suggestions = page[
        page.index('id="suggestions"') : page.index("</table>", page.index('id="suggestions"'))
    ]
    assert "Anna Kokemus" in suggestions and "Eeva" not in suggestions
    assert "Agreement TS-ANNA covers 12.5.2025" in suggestions
    assert "Experience area Mental health, with consent" in suggestions
    assert "Fewest assignments in the request&#x27;s month first" in page


def _bulk_experts(count: int, area) -> None:
    """``count`` matching experts written in four inserts, so 1,000 take seconds."""
    division = ServiceAreaFactory()
    experts = Expert.objects.bulk_create(
        Expert(first_name=f"Kokeilija{n}", last_name="Joukko", municipality="Kokkola")
        for n in range(count)
    )
    Agreement.objects.bulk_create(
        Agreement(
            number=f"TS-JOUKKO-{e.pk}",
            expert=e,
            division=division,
            status=AgreementStatus.ACTIVE,
            signed_on=datetime.date(2024, 12, 1),
            valid_from=datetime.date(2025, 1, 1),
        )
        for e in experts
    )
    consents = ExperienceConsent.objects.bulk_create(
        ExperienceConsent(expert=e, purpose="Tehtävät", given_on=datetime.date(2025, 1, 1))
        for e in experts
    )
    ExpertExperience.objects.bulk_create(
        ExpertExperience(expert=c.expert, consent=c, area=area) for c in consents
    )


def _queries_of_the_page(client, order) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = _page(client.get(reverse("orders:request_detail", args=[order.pk]), headers=EN))
    return len(queries), page


def test_the_suggestion_page_runs_as_many_queries_for_10_as_for_1000_experts(
    login, coordinator, order, mental_health
):
    client = login(coordinator)
    _bulk_experts(10, mental_health)
    with_10, page_10 = _queries_of_the_page(client, order)
    _bulk_experts(990, mental_health)
    with_1000, page_1000 = _queries_of_the_page(client, order)

    assert with_10 == with_1000
    assert page_10.count('name="experts" value=') == 10
    assert page_1000.count('name="experts" value=') == 30  # the first 30 are listed…
    assert "970 more experts match; an open call reaches them all." in page_1000  # …and counted


# --- Offers and the open call through the page --------------------------------------------


def test_offering_to_a_suggested_and_to_another_expert(login, coordinator, order, mental_health):
    anna = matching_expert("Anna", mental_health)
    other = matching_expert("Oona")  # no consented area: not suggested, still offerable
    client = login(coordinator)

    response = client.post(
        reverse("orders:offer_create", args=[order.pk]),
        {"experts": [anna.pk, other.pk], "deadline": DEADLINE},
        headers=EN,
        follow=True,
    )

    assert "The request was offered to Anna Kokemus, Oona Kokemus." in _page(response)
    assert set(Offer.objects.values_list("expert_id", "status", "deadline")) == {
        (anna.pk, OfferStatus.PENDING, datetime.datetime(2025, 4, 3, 12, tzinfo=datetime.UTC)),
        (other.pk, OfferStatus.PENDING, datetime.datetime(2025, 4, 3, 12, tzinfo=datetime.UTC)),
    }


def test_an_offer_without_experts_or_to_an_uncovered_one_says_why(login, coordinator, order):
    outsider = ExpertFactory(first_name="Olli", last_name="Ulkona")
    client = login(coordinator)
    url = reverse("orders:offer_create", args=[order.pk])

    nobody = _page(client.post(url, {"deadline": DEADLINE}, headers=EN))
    uncovered = _page(
        client.post(url, {"experts": [outsider.pk], "deadline": DEADLINE}, headers=EN)
    )

    assert "Choose at least one expert." in nobody
    assert "Olli Ulkona has no signed agreement that covers 12.5.2025." in uncovered
    assert not Offer.objects.exists()


def test_an_open_call_and_the_choice_among_volunteers(login, coordinator, order, mental_health):
    anna = matching_expert("Anna", mental_health)
    bea = matching_expert("Bea", mental_health)
    client = login(coordinator)

    client.post(reverse("orders:open_call", args=[order.pk]), {"deadline": DEADLINE})
    services.offer_answer(offer=Offer.objects.get(expert=bea), answer=OfferStatus.VOLUNTEERED)
    page = _page(client.get(reverse("orders:request_detail", args=[order.pk]), headers=EN))
    volunteer = Offer.objects.get(expert=bea)
    response = client.post(
        reverse("orders:volunteers_book", args=[order.pk]), {"offers": [volunteer.pk]}
    )

    assert {o.kind for o in Offer.objects.all()} == {OfferKind.OPEN_CALL}
    assert f'id="volunteer-{volunteer.pk}"' in page
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == RequestStatus.BOOKED
    assert list(order.assignment.experts.all()) == [bea]
    assert Offer.objects.get(expert=anna).status == OfferStatus.FILLED


def test_declining_the_request_with_a_message(login, coordinator, order):
    response = login(coordinator).post(
        reverse("orders:request_decline", args=[order.pk]),
        {"message": "Ei vapaita kokemusasiantuntijoita toukokuussa."},
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.decline_message) == (
        RequestStatus.DECLINED,
        "Ei vapaita kokemusasiantuntijoita toukokuussa.",
    )


def test_the_page_shows_each_offer_and_its_answer(login, coordinator, order):
    OfferFactory(
        request=order,
        expert=matching_expert("Bea"),
        status=OfferStatus.DECLINED,
        reason="Lomalla",
        answered_at=NOW,
    )

    page = _page(
        login(coordinator).get(reverse("orders:request_detail", args=[order.pk]), headers=EN)
    )

    assert "Bea Kokemus" in page
    assert "declined, 1.4.2025 12:00" in page
    assert "Lomalla" in page
