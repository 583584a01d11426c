"""One fee, one name: the report, the payroll page ("fees by month") and the expert's fee
statement give the same fee for the same work (agreements.fees) and label it alike, in every
language and every file."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from agreements.models import AssignmentStatus
from tests.factories import AgreementFactory, AssignmentFactory, ParticipationFactory

pytestmark = pytest.mark.django_db

LABELS = {
    "fi": "Tehtyjen tehtävien palkkiot (€)",
    "sv": "Arvoden för utförda uppdrag (€)",
    "en": "Fees of done assignments (€)",
}
MARCH = {"year": 2025, "month": 3}


@pytest.fixture
def alices_march(expert_alice):
    """12.34 €/h and 35 € per assignment. Done: 1.25 h → 15.425 € → 15.43 + 35 = 50.43; the
    expert's own 0.75 h of 3 → 9.255 € → 9.26 + 35 = 44.26. Planned: 2 h, no fee yet."""
    agreement = AgreementFactory(
        expert=expert_alice.expert,
        valid_from=datetime.date(2025, 1, 1),
        hourly_fee=Decimal("12.34"),
        assignment_fee=Decimal("35.00"),
    )
    for day, hours, own, status in [
        (10, "1.25", None, AssignmentStatus.DONE),
        (11, "3.00", "0.75", AssignmentStatus.DONE),
        (12, "2.00", None, AssignmentStatus.PLANNED),
    ]:
        ParticipationFactory(
            agreement=agreement,
            hours=Decimal(own) if own else None,
            assignment=AssignmentFactory(
                date=datetime.date(2025, 3, day), hours=Decimal(hours), status=status
            ),
        )
    return expert_alice


def _text(content: bytes) -> str:
    """A PDF's text with every run of white space as one space (a header may wrap)."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_report_payroll_page_and_fee_statement_give_the_same_fee(client, coordinator, alices_march):
    out = io.StringIO()
    call_command("monthly_report", "--year", "2025", stdout=out)
    assert json.loads(out.getvalue())["months"][2]["fees"] == "94.69"

    client.force_login(coordinator)
    payroll = client.get(reverse("agreements:monthly_fees_csv"), MARCH).content
    assert _csv_rows(payroll)[-1][-1] == "94,69"  # the totals row

    client.force_login(alices_march)
    statement = client.get(reverse("portal:fee_statement_pdf"), {"year": 2025}).content
    assert "94,69" in _text(statement)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_fee_has_one_label_in_every_page_and_file(
    client, coordinator, evaluation_member, alices_march, language
):
    label, headers = LABELS[language], {"accept-language": language}

    def get(name: str, params: dict, *args) -> bytes:
        response = client.get(reverse(name, args=args), params, headers=headers)
        assert response.status_code == 200
        return response.content

    client.force_login(evaluation_member)
    assert f">{label}<" in get("reporting:report", {"year": 2025}).decode()
    csv_labels = [row[:1] for row in _csv_rows(get("reporting:export", {"year": 2025}, "csv"))]
    assert [label] in csv_labels
    workbook = load_workbook(io.BytesIO(get("reporting:export", {"year": 2025}, "xlsx")))
    assert label in [cell.value for cell in workbook.worksheets[0]["A"]]
    assert label in _text(get("reporting:export", {"year": 2025}, "pdf"))

    client.force_login(coordinator)
    assert f">{label}</th>" in get("agreements:monthly_fees", MARCH).decode()
    assert _csv_rows(get("agreements:monthly_fees_csv", MARCH))[0][-1] == label

    client.force_login(alices_march)
    assert f">{label}</th>" in get("portal:fees", {"year": 2025}).decode()
    assert label in _text(get("portal:fee_statement_pdf", {"year": 2025}))
