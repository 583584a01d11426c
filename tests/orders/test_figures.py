"""The demand figures of the monthly report: requests received, booked, declined or unfilled,
by service area and by type, and the median days from request to booking."""

import datetime
import io
import json
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import RequestStatus
from orders.selectors import request_figures
from tests.factories import AssignmentTypeFactory, ServiceAreaFactory
from tests.orders.conftest import EN
from tests.orders.factories import RequestFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 6, 15)
HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")


def _at(day: int, month: int, hour: int = 12) -> datetime.datetime:
    """A moment of 2025 in Helsinki."""
    return datetime.datetime(2025, month, day, hour, tzinfo=HELSINKI)


@pytest.fixture
def areas():
    division = ServiceAreaFactory(code="aikuiset", name="Aikuisten palvelut")
    return {
        "division": division,
        "service": ServiceAreaFactory(code="paihde", name="Päihdepalvelut", parent=division),
        "other": ServiceAreaFactory(code="lapset", name="Lasten palvelut"),
    }


@pytest.fixture
def year(areas):
    """Counted by hand: March 4 received (2 booked after 2 and 5 days, 1 declined, 1 still
    open with its date in April: unfilled); May 2 received (1 booked after 1 day, 1 open with
    a date to come); one withdrawn in May counts as received only."""
    lecture = AssignmentTypeFactory(code="training", name="Koulutus")
    panel = AssignmentTypeFactory(code="client_panel", name="Asiakasraati")
    service, other = areas["service"], areas["other"]
    booked = RequestStatus.BOOKED

    def request(received, status=RequestStatus.RECEIVED, booked_at=None):
        return RequestFactory(
            received_at=received,
            status=status,
            booked_at=booked_at,
            type=lecture,
            service_area=service,
            date=datetime.date(2025, 4, 1),
        )

    request(_at(3, 3), booked, _at(5, 3))  # 2 days
    request(_at(10, 3, 23), booked, _at(15, 3, 9))  # 23.00 on the 10th to the 15th: 5 days
    RequestFactory(
        received_at=_at(20, 3), status=RequestStatus.DECLINED, type=panel, service_area=other
    )
    request(_at(31, 3, 23))  # 20.00 UTC, in Helsinki's March: open, dated 1.4.: unfilled
    request(_at(2, 5), booked, _at(3, 5))  # 1 day
    RequestFactory(received_at=_at(6, 5), date=datetime.date(2025, 7, 1), type=lecture)
    RequestFactory(received_at=_at(7, 5), status=RequestStatus.WITHDRAWN, type=lecture)
    RequestFactory(received_at=datetime.datetime(2024, 12, 31, 22, 30, tzinfo=datetime.UTC))
    # ^ 22.30 on 31.12.2024 UTC is 0.30 on 1.1.2025 in Helsinki: January of 2025


def test_the_months_count_received_booked_and_declined_or_unfilled(year):
    figures = request_figures(2025, today=TODAY)

    by_month = {m["month"]: m for m in figures["months"]}
    assert [by_month[m]["received"] for m in ("2025-01", "2025-03", "2025-05")] == [1, 4, 3]
    assert by_month["2025-03"] | {} == {
        "month": "2025-03",
        "received": 4,
        "booked": 2,
        "unfilled": 2,
        "median_days": Decimal("3.50"),
    }
    assert (by_month["2025-05"]["booked"], by_month["2025-05"]["unfilled"]) == (1, 0)
    assert by_month["2025-02"] == {
        "month": "2025-02",
        "received": 0,
        "booked": 0,
        "unfilled": 0,
        "median_days": None,
    }
    assert figures["totals"] == {
        "received": 8,
        "booked": 3,
        "unfilled": 3,  # March's two and January's, whose date (12.5.) has passed
        "median_days": Decimal("2.00"),
    }


def test_by_service_area_and_by_type(year):
    figures = request_figures(2025, today=TODAY)

    assert figures["by_service_area"]["paihde"] == {
        "name": "Päihdepalvelut",
        "received": 4,
        "booked": 3,
        "unfilled": 1,
    }
    assert figures["by_service_area"]["lapset"] == {
        "name": "Lasten palvelut",
        "received": 1,
        "booked": 0,
        "unfilled": 1,
    }
    assert figures["by_type"]["client_panel"]["received"] == 1
    assert figures["by_type"]["training"]["received"] == 6


def test_a_division_counts_its_services_too(year, areas):
    figures = request_figures(2025, areas["division"], today=TODAY)

    assert figures["totals"]["received"] == 4
    assert set(figures["by_service_area"]) == {"paihde"}


@pytest.mark.parametrize("count", [1, 20])
def test_the_figures_cost_four_queries_however_many_requests(count):
    for n in range(count):
        RequestFactory(received_at=_at(1 + n, 3), status=RequestStatus.BOOKED, booked_at=_at(25, 3))

    with CaptureQueriesContext(connection) as queries:
        figures = request_figures(2025, today=TODAY)

    assert figures["totals"]["booked"] == count
    # Counts per month, area and type; days to booking per month; the areas' and types' names.
    assert len(queries) == 4


@time_machine.travel(datetime.datetime(2025, 6, 15, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_the_report_page_and_its_csv_show_the_demand_and_no_names(client, evaluation_member, year):
    client.force_login(evaluation_member)

    page = client.get(reverse("reporting:report"), {"year": 2025}, headers=EN).content.decode()
    csv = client.get(reverse("reporting:export", args=["csv"]), {"year": 2025}, headers=EN)

    for slug in ("requests", "requests_by_service_area", "requests_by_type"):
        assert f'id="table-{slug}"' in page
    assert '<th scope="row" class="report-stub">Median days from request to booking</th>' in page
    assert "Päihdepalvelut" in page
    text = csv.content.decode("utf-8-sig")
    assert "Requests received;1;0;4;0;3;0;0;0;0;0;0;0;8" in text
    assert "Median days from request to booking;–;–;3,50;–;1,00;" in text
    assert "Declined or unfilled;1;0;2;0;0;0;0;0;0;0;0;0;3" in text
    for name in ("Paula", "Pyytäjä", "paula.pyytaja@example.fi", "aikuissosiaalityö"):
        assert name not in page
        assert name not in text


@time_machine.travel(datetime.datetime(2025, 6, 15, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_the_commands_json_has_the_demand(year, areas):
    def report(*args) -> dict:
        out = io.StringIO()
        call_command("monthly_report", "--year", "2025", *args, stdout=out)
        return json.loads(out.getvalue())

    data = report()
    march, february = data["months"][2]["requests"], data["months"][1]["requests"]
    assert march == {"received": 4, "booked": 2, "unfilled": 2, "median_days": "3.50"}
    assert february == {"received": 0, "booked": 0, "unfilled": 0, "median_days": None}
    totals = data["totals"]["requests"]
    assert (totals["received"], totals["booked"], totals["median_days"]) == (8, 3, "2.00")
    assert totals["by_service_area"]["paihde"] == {"received": 4, "booked": 3, "unfilled": 1}
    assert totals["by_type"]["training"]["received"] == 6
    division = report("--division", areas["division"].code)["totals"]["requests"]
    assert division["received"] == 4
    assert set(division["by_service_area"]) == {"paihde"}
