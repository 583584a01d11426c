"""Hand-counted payroll data: Aino (25.50 €/h, 10.00 € per assignment, 0.30 €/km) and Bertta
(18.75 €/h, no per-assignment fee, 0.60 €/km, above the tax-free cap) under agreements of 2025,
on assignments of March 2025 unless a test says otherwise."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from registry.models import AssignmentType
from tests.factories import AgreementFactory, AssignmentFactory, ExpertFactory, ParticipationFactory

D = datetime.date
TODAY = D(2025, 4, 15)  # every assignment below is in the past
MARCH_10 = D(2025, 3, 10)
EN = {"accept-language": "en"}


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Receipts go to a folder of the test's own."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def people(db):
    aino = ExpertFactory(first_name="Aino", last_name="Palkkalainen", email="aino@example.fi")
    bertta = ExpertFactory(first_name="Bertta", last_name="Tuntilista", email="bertta@example.fi")
    return SimpleNamespace(
        aino=aino,
        bertta=bertta,
        aino_agreement=AgreementFactory(
            expert=aino,
            number="TS-AINO",
            hourly_fee=Decimal("25.50"),
            assignment_fee=Decimal("10.00"),
            travel_compensation=Decimal("0.30"),
        ),
        bertta_agreement=AgreementFactory(
            expert=bertta,
            number="TS-BERTTA",
            hourly_fee=Decimal("18.75"),
            travel_compensation=Decimal("0.60"),
        ),
    )


def book(people_and_agreements, *, date=MARCH_10, hours="2.00", type_code="client_support"):
    """An assignment with the given experts, each under their agreement; returns the
    participations in the order given."""
    assignment = AssignmentFactory(
        date=date, hours=Decimal(hours), type=AssignmentType.objects.get(code=type_code)
    )
    return [ParticipationFactory(assignment=assignment, agreement=a) for a in people_and_agreements]
