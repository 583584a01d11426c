"""factory_boy factories for requests, offers and status links."""

import datetime
from decimal import Decimal

import factory

from orders.models import Mode, Offer, Request, RequestStatus, StatusLink
from tests.factories import AssignmentTypeFactory, ExpertFactory, ServiceAreaFactory


class RequestFactory(factory.django.DjangoModelFactory):
    """A request for Monday 12.5.2025 at 10–12 in Kokkola, in Finnish, received 1.4.2025."""

    class Meta:
        model = Request

    type = factory.SubFactory(AssignmentTypeFactory)
    audience = "Sairaanhoitajaopiskelijat"
    service_area = factory.SubFactory(ServiceAreaFactory)
    date = datetime.date(2025, 5, 12)
    start_time = datetime.time(10)
    hours = Decimal("2.00")
    mode = Mode.ON_SITE
    place = "Mariankatu 16"
    municipality = "Kokkola"
    language = "fi"
    requester_first_name = "Paula"
    requester_last_name = "Pyytäjä"
    requester_unit = "Kokkolan aikuissosiaalityö"
    requester_email = "paula.pyytaja@example.fi"
    received_at = datetime.datetime(2025, 4, 1, 9, 0, tzinfo=datetime.UTC)


class StatusLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusLink

    request = factory.SubFactory(RequestFactory)
    token = factory.Sequence(lambda n: f"tilauslinkki-{n:04}-abcdefghijklmnopqrstuvwxyz")
    expires_at = datetime.datetime(2025, 6, 12, 0, 0, tzinfo=datetime.UTC)


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    request = factory.SubFactory(RequestFactory, status=RequestStatus.OFFERED)
    expert = factory.SubFactory(ExpertFactory)
    deadline = datetime.datetime(2025, 5, 5, 12, 0, tzinfo=datetime.UTC)
