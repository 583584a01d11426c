"""The public order form and the requester's status page: no account, and nothing more."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Kind, Message
from orders import services
from orders.models import Offer, OfferStatus, Request, RequestStatus
from registry.models import AssignmentType, ServiceArea
from tests.orders.conftest import EN, NOW, matching_expert
from tests.orders.factories import RequestFactory, StatusLinkFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
FORM = reverse("ordering:form")


def _data(**changes) -> dict:
    return {
        "type": AssignmentType.objects.get(code="training").pk,
        "audience": "Sairaanhoitajaopiskelijat",
        "experience_area": "",
        "experience_wish": "Toipuminen päihteiden käytöstä",
        "language": "fi",
        "experts_needed": "1",
        "description": "",
        "service_area": ServiceArea.objects.filter(parent__isnull=True).first().pk,
        "date": "2025-05-12",
        "end_date": "",
        "start_time": "10:00",
        "hours": "2",
        "mode": "on_site",
        "place": "Mariankatu 16",
        "municipality": "Kokkola",
        "requester_first_name": "Paula",
        "requester_last_name": "Pyytäjä",
        "requester_title": "sosiaaliohjaaja",
        "requester_unit": "Aikuissosiaalityö",
        "requester_email": "paula.pyytaja@example.fi",
        "requester_phone": "040 111 2222",
        "website": "",
    } | changes


# --- The form -----------------------------------------------------------------------------


def test_anyone_can_open_the_form(client):
    response = client.get(FORM, headers=EN)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Order an expert by experience</h1>" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert '<div class="visually-hidden" aria-hidden="true">' in page  # the honeypot


def test_a_request_is_received_and_thanked_for(client):
    response = client.post(FORM, _data(hours="2,5"))  # in Finnish, with a decimal comma

    assert response.status_code == 302
    assert response["Location"] == reverse("ordering:thanks")
    order = Request.objects.get()
    assert (order.hours, order.requester_language, order.status) == (
        Decimal("2.50"),
        "fi",
        RequestStatus.RECEIVED,
    )
    assert Message.objects.filter(kind=Kind.REQUEST_RECEIVED, to=order.requester_email).exists()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_duration_takes_a_decimal_comma_in_every_language(client, language):
    response = client.post(FORM, _data(hours="1,5"), headers={"accept-language": language})

    assert response.status_code == 302
    assert Request.objects.get().hours == Decimal("1.50")


def test_bad_input_is_shown_at_its_field_and_nothing_is_saved(client):
    response = client.post(FORM, _data(date="2025-03-01", municipality=""), headers=EN)

    page = response.content.decode()
    assert response.status_code == 200
    assert "The date cannot be in the past." in page
    assert "Say in which municipality the assignment is." in page
    assert not Request.objects.exists()


def test_a_robot_that_fills_the_hidden_field_is_thanked_and_nothing_is_saved(client):
    response = client.post(FORM, _data(website="http://roskaa.example"))

    assert response.status_code == 302
    assert response["Location"] == reverse("ordering:thanks")
    assert not Request.objects.exists()
    assert not Message.objects.exists()


def test_a_post_without_the_csrf_token_is_refused():
    response = Client(enforce_csrf_checks=True).post(FORM, _data())

    assert response.status_code == 403
    assert not Request.objects.exists()


def test_a_post_over_the_size_limit_is_refused_unread(client, settings):
    settings.REQUEST_FORM_MAX_BYTES = 20_000

    response = client.post(FORM, _data(description="x" * 25_000), headers=EN)

    assert response.status_code == 413
    assert "The form was too long to be sent." in response.content.decode()
    assert not Request.objects.exists()


def test_each_text_has_its_own_limit(client):
    response = client.post(FORM, _data(description="x" * 2001), headers=EN)

    assert response.status_code == 200
    assert "Ensure this value has at most 2000 characters (it has 2001)." in (
        response.content.decode()
    )
    assert not Request.objects.exists()


def test_a_burst_of_100_posts_from_one_address_is_refused_after_the_limit(client, settings):
    settings.REQUEST_FORM_POSTS_PER_HOUR = 10
    address = {"REMOTE_ADDR": "198.51.100.7"}

    statuses = [client.post(FORM, _data(), headers=EN, **address).status_code for _n in range(100)]

    assert statuses == [302] * 10 + [429] * 90  # no 5xx anywhere
    assert Request.objects.count() == 10
    refused = client.post(FORM, _data(), headers=EN, **address)
    assert "Too many requests have been sent from your address" in refused.content.decode()
    other = client.post(FORM, _data(), headers=EN, REMOTE_ADDR="198.51.100.8")
    assert other.status_code == 302


def test_behind_a_proxy_the_limit_counts_the_address_axes_sees(client, settings):
    settings.REQUEST_FORM_POSTS_PER_HOUR = 1
    settings.AXES_IPWARE_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    first = client.post(FORM, _data(), HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy)
    second = client.post(FORM, _data(), HTTP_X_FORWARDED_FOR="203.0.113.2", **proxy)
    again = client.post(FORM, _data(), HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy)

    assert [first.status_code, second.status_code, again.status_code] == [302, 302, 429]


# --- The status page ----------------------------------------------------------------------


@pytest.fixture
def link(db):
    return StatusLinkFactory(request=RequestFactory(requester_phone="040 111 2222"))


def _status(client, link):
    return client.get(reverse("ordering:status", args=[link.token]), headers=EN)


def test_the_status_page_shows_the_request_and_its_status(client, link):
    response = _status(client, link)

    page = response.content.decode()
    assert response.status_code == 200
    assert '<span class="badge text-bg-primary" id="request-status">received</span>' in page
    assert "Sairaanhoitajaopiskelijat" in page
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex"


def test_the_status_page_costs_two_queries(client, link, django_assert_max_num_queries):
    # the link with its request (type, service area, assignment), the booked first names
    with django_assert_max_num_queries(2):
        response = _status(client, link)

    assert response.status_code == 200


def test_the_status_page_shows_nothing_else(client, link):
    other = RequestFactory(audience="Toisen yksikön asiakasraati")
    anna = matching_expert("Anna", email="anna.kokemus@example.fi")
    Offer.objects.create(
        request=link.request, expert=anna, deadline=NOW + datetime.timedelta(days=1)
    )

    page = _status(client, link).content.decode()

    for hidden in (
        other.audience,  # another request
        "Anna",  # an expert offered but not booked
        "040 111 2222",  # contact details, even the requester's own
        "paula.pyytaja@example.fi",
        'href="/tilaukset/',  # the coordinators' pages
        "Log out",
    ):
        assert hidden not in page


def test_once_booked_it_shows_the_first_name_and_practicalities_only(client, link):
    anna = matching_expert("Anna", last_name="Sukunimi", email="anna.s@example.fi", phone="050 9")
    services.offers_make(
        order=link.request, experts=[anna], deadline=NOW + datetime.timedelta(days=1)
    )
    services.offer_answer(offer=Offer.objects.get(), answer=OfferStatus.ACCEPTED)

    page = _status(client, link).content.decode()

    assert '<dd class="col-sm-8" id="booked-names">Anna</dd>' in page
    assert "Mariankatu 16, Kokkola" in page
    for hidden in ("Sukunimi", "anna.s@example.fi", "050 9", "TS-ANNA"):
        assert hidden not in page


@pytest.mark.parametrize(
    "change",
    [
        {"expires_at": NOW},
        {"revoked_at": NOW - datetime.timedelta(minutes=1)},
        {"token": "toinen-tunnus"},
    ],
    ids=["expired", "revoked", "unknown"],
)
def test_an_expired_revoked_or_unknown_link_shows_nothing(client, link, change):
    token = link.token
    for name, value in change.items():
        setattr(link, name, value)
    link.save()

    response = client.get(reverse("ordering:status", args=[token]), headers=EN)

    page = response.content.decode()
    assert response.status_code == 404
    assert "This link no longer works" in page
    assert "Sairaanhoitajaopiskelijat" not in page


def test_a_link_works_until_its_last_day_and_then_stops(client, frozen_clock):
    order, link = services.request_submit(
        fields={
            name: getattr(RequestFactory.build(), name)
            for name in ("audience", "date", "start_time", "hours", "mode", "place")
        }
        | {
            "type": AssignmentType.objects.get(code="training"),
            "service_area": ServiceArea.objects.first(),
            "municipality": "Kokkola",
            "requester_first_name": "Paula",
            "requester_last_name": "Pyytäjä",
            "requester_unit": "Aikuissosiaalityö",
            "requester_email": "paula@example.fi",
        },
        language="fi",
    )
    frozen_clock.move_to(datetime.datetime(2025, 6, 11, 20, 59, tzinfo=datetime.UTC))
    assert _status(client, link).status_code == 200  # 11.6. at 23.59 in Helsinki
    frozen_clock.move_to(datetime.datetime(2025, 6, 11, 21, 0, tzinfo=datetime.UTC))
    assert _status(client, link).status_code == 404


def test_the_coordinator_revokes_the_link(login, coordinator, link):
    client = login(coordinator)

    response = client.post(reverse("orders:link_revoke", args=[link.request.pk]))

    assert response.status_code == 302
    client.logout()
    assert _status(client, link).status_code == 404


def test_the_coordinator_sends_a_new_link_and_the_old_one_stops(login, coordinator, link):
    client = login(coordinator)

    client.post(reverse("orders:link_renew", args=[link.request.pk]))

    new = link.request.links.exclude(pk=link.pk).get()
    client.logout()
    assert _status(client, link).status_code == 404
    assert _status(client, new).status_code == 200
    assert Message.objects.filter(kind=Kind.REQUEST_RECEIVED, text__contains=new.token).exists()
