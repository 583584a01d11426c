"""The coordinator's fees of a month for the payroll run: every expert's done assignments per
agreement, on the page and as CSV, with hand-counted amounts."""

import csv
import datetime
import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from agreements.models import AssignmentStatus
from tests.agreements.conftest import EN
from tests.factories import AgreementFactory, ExpertFactory, ParticipationFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("agreements:monthly_fees")
CSV = reverse("agreements:monthly_fees_csv")
OCTOBER = {"year": 2025, "month": 10}


def worked(agreement, day, status=AssignmentStatus.DONE, hours="2.00", own_hours=None):
    return ParticipationFactory(
        agreement=agreement,
        hours=None if own_hours is None else Decimal(own_hours),
        assignment__date=day,
        assignment__hours=Decimal(hours),
        assignment__status=status,
    )


@pytest.fixture
def october(db):
    """Two experts' October 2025, and what must stay out of it.

    Aino Virtanen (20.50 €/h): done 2 h on 1.10. and 1.25 h own of 3 h on 31.10.:
        3.25 h, 66.63 € (66.625 rounds half up).
    Bertta Aho (30 €/h + 10 € per assignment): done 1.5 h on 15.10.: 1.5 h, 55.00 €.
    Not counted: a planned and a cancelled assignment in October, done ones on 30.9. and 1.11.
    """
    aino = AgreementFactory(
        number="TS-A", hourly_fee=Decimal("20.50"),
        expert=ExpertFactory(first_name="Aino", last_name="Virtanen"),
    )  # fmt: skip
    bertta = AgreementFactory(
        number="TS-B", hourly_fee=Decimal("30.00"), assignment_fee=Decimal("10.00"),
        expert=ExpertFactory(first_name="Bertta", last_name="Aho"),
    )  # fmt: skip
    worked(aino, datetime.date(2025, 10, 1))
    worked(aino, datetime.date(2025, 10, 31), hours="3.00", own_hours="1.25")
    worked(bertta, datetime.date(2025, 10, 15), hours="1.50")
    worked(aino, datetime.date(2025, 10, 20), status=AssignmentStatus.PLANNED)
    worked(bertta, datetime.date(2025, 10, 21), status=AssignmentStatus.CANCELLED)
    worked(aino, datetime.date(2025, 9, 30))
    worked(bertta, datetime.date(2025, 11, 1))
    return aino, bertta


class _Cells(HTMLParser):
    """The text of each body and footer row's cells."""

    def __init__(self):
        super().__init__()
        self.rows, self.in_body, self.cell = [], False, None

    def handle_starttag(self, tag, attrs):
        if tag in ("tbody", "tfoot"):
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(page: str) -> list[list[str]]:
    parser = _Cells()
    parser.feed(page)
    return parser.rows


def test_page_lists_each_expert_and_agreement_with_hand_counted_fees(login, coordinator, october):
    page = login(coordinator).get(PAGE, OCTOBER, headers=EN).content.decode()
    assert "<h1>Fees of October 2025</h1>" in page
    assert table_rows(page) == [
        ["Bertta Aho", "TS-B", "30.00", "10.00", "1", "1.50", "55.00"],
        ["Aino Virtanen", "TS-A", "20.50", "0.00", "2", "3.25", "66.63"],
        ["Total, 2 experts", "3", "4.75", "121.63"],
    ]
    aino_fees = reverse("registry:expert_fees", args=[october[0].expert_id])
    assert f'href="{aino_fees}?year=2025"' in page


def test_csv_holds_the_same_rows_for_finnish_excel(login, coordinator, october):
    response = login(coordinator).get(CSV, OCTOBER)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="palkkiot-2025-10.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Kokemustoimija"  # Finnish by default
    assert rows[1:] == [
        ["Bertta Aho", "TS-B", "30,00", "10,00", "1", "1,50", "55,00"],
        ["Aino Virtanen", "TS-A", "20,50", "0,00", "2", "3,25", "66,63"],
        ["Yhteensä", "", "", "", "3", "4,75", "121,63"],
    ]


def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv(login, coordinator):
    agreement = AgreementFactory(expert=ExpertFactory(first_name="=1+1", last_name="Kaava"))
    worked(agreement, datetime.date(2025, 10, 1))
    content = login(coordinator).get(CSV, OCTOBER).content.decode("utf-8-sig")
    assert content.splitlines()[1].startswith("'=1+1 Kaava;")


def test_an_anonymised_expert_is_paid_under_their_anonymous_name(login, coordinator):
    agreement = AgreementFactory(expert=ExpertFactory(anonymised_at=timezone.now()))
    worked(agreement, datetime.date(2025, 10, 1))
    page = login(coordinator).get(PAGE, OCTOBER, headers=EN).content.decode()
    assert f"Anonymised expert {agreement.expert_id}" in page


def test_without_a_month_it_shows_last_month_and_links_its_neighbours(login, coordinator):
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    page = login(coordinator).get(PAGE, headers=EN).content.decode()
    assert f"<h1>Fees of {last_month:%B %Y}</h1>" in page
    assert "No done assignments in this month." in page
    page = login(coordinator).get(PAGE, {"year": 2025, "month": 1}, headers=EN).content.decode()
    assert 'href="?year=2024&amp;month=12"' in page and 'href="?year=2025&amp;month=2"' in page


@pytest.mark.parametrize(
    "params",
    [
        {"year": "x", "month": "1"},
        {"year": "2025", "month": "13"},
        {"year": "1", "month": "1"},  # no month before it
        {"year": "9999", "month": "12"},  # no month after it
        {"year": "99999999999999999999", "month": "1"},
    ],
)
def test_a_bad_month_in_the_url_shows_last_month(login, coordinator, params):
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    client = login(coordinator)
    page = client.get(PAGE, params, headers=EN).content.decode()
    assert f"<h1>Fees of {last_month:%B %Y}</h1>" in page
    assert client.get(CSV, params).status_code == 200


def test_each_expert_on_the_page_or_in_the_csv_is_in_the_audit_trail(login, coordinator, october):
    client = login(coordinator)
    experts = sorted(agreement.expert_id for agreement in october)
    viewed = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, actor=coordinator, content_type__model="expert"
    )
    client.get(PAGE, OCTOBER)
    assert sorted(viewed.values_list("object_id", flat=True)) == experts
    client.get(CSV, OCTOBER)
    assert viewed.count() == 2 * len(experts)
    assert set(viewed.values_list("remote_addr", flat=True)) == {"127.0.0.1"}


def test_query_count_does_not_grow_with_experts(
    login, coordinator, october, django_assert_max_num_queries
):
    client = login(coordinator)
    client.get(PAGE, OCTOBER)  # session and permissions warm
    # session, user, their roles, the fees, and the audit entries in one insert
    with django_assert_max_num_queries(5) as few:
        client.get(PAGE, OCTOBER)
    for _ in range(5):
        worked(AgreementFactory(), datetime.date(2025, 10, 2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(PAGE, OCTOBER, headers=EN).content.decode()
    assert "Total, 7 experts" in page
