"""A closed request keeps its requester's details for REQUEST_RETENTION_DAYS after its last day;
then apply_retention erases them, and the demand figures stay as they were."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from orders.models import Request, RequestStatus, StatusLink
from orders.selectors import request_figures
from orders.services import requests_erase, requests_past_retention
from tests.orders.factories import RequestFactory, StatusLinkFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)  # a year and a bit after the requests' day, 12.5.2025


def _request(status, **fields):
    return RequestFactory(status=status, description="Asiakkaamme Matti toivoo…", **fields)


def test_only_closed_requests_a_year_past_their_last_day_are_due():
    booked = _request(RequestStatus.BOOKED)
    _request(RequestStatus.OFFERED)  # still open: the coordinator is working on it
    _request(RequestStatus.DECLINED, date=datetime.date(2025, 6, 10))  # 356 days ago
    _request(RequestStatus.WITHDRAWN, end_date=datetime.date(2025, 6, 2))  # ends 364 days ago
    erased = _request(RequestStatus.DECLINED)
    requests_erase(Request.objects.filter(pk=erased.pk))

    assert list(requests_past_retention(days=365, today=TODAY)) == [booked]


@time_machine.travel(datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC), tick=False)
def test_apply_retention_erases_the_requester_and_keeps_the_figures(login, coordinator):
    order = _request(RequestStatus.DECLINED, decline_message="Hei Paula, valitettavasti…")
    StatusLinkFactory(request=order)
    figures_before = request_figures(2025, None)
    out = io.StringIO()

    call_command("apply_retention", stdout=out)
    assert "1 requests past 365 days (dry run" in out.getvalue()
    assert Request.objects.get().requester_email == "paula.pyytaja@example.fi"
    call_command("apply_retention", "--apply", stdout=out)

    order.refresh_from_db()
    assert order.requester_erased_at is not None
    for field in ("requester_first_name", "requester_last_name", "requester_email"):
        assert getattr(order, field) == ""
    assert (order.description, order.decline_message) == ("", "")
    assert order.requester_unit == "Kokkolan aikuissosiaalityö"
    assert not StatusLink.objects.exists()
    assert request_figures(2025, None) == figures_before
    page = login(coordinator).get(
        reverse("orders:request_detail", args=[order.pk]), headers={"accept-language": "en"}
    )
    text = page.content.decode()
    assert "were erased on 1.6.2026" in text and "Paula" not in text and "Matti" not in text
