import datetime
from decimal import Decimal

import pytest

from agreements.models import AgreementStatus
from tests.factories import AgreementFactory, ExpertFactory, ServiceAreaFactory

EN = {"accept-language": "en"}


@pytest.fixture
def division(db):
    return ServiceAreaFactory(code="mental_health_div", name="Mielenterveyspalvelut")


@pytest.fixture
def expert(db):
    return ExpertFactory(first_name="Aino", last_name="Virtanen", municipality="Kokkola")


@pytest.fixture
def draft(expert, division):
    """A draft for 2025 with a 25 € hourly fee."""
    return AgreementFactory(
        number="TS-2025-001",
        expert=expert,
        division=division,
        status=AgreementStatus.DRAFT,
        signed_on=None,
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2025, 12, 31),
        hourly_fee=Decimal("25.00"),
    )


@pytest.fixture
def active(expert, division):
    return AgreementFactory(number="TS-2025-002", expert=expert, division=division)
