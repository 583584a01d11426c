import datetime

import pytest
import time_machine

from tests.factories import AgreementFactory, ExpertFactory, ServiceAreaFactory

EN = {"accept-language": "en"}
# Sunday 15.6.2025 in Helsinki: the spring's meetings are behind us.
NOW = datetime.datetime(2025, 6, 15, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def covered_guide(first_name: str = "Olli", **fields):
    """An experience guide with an agreement for 2025."""
    guide = ExpertFactory(first_name=first_name, last_name="Ohjaaja", kind="guide", **fields)
    AgreementFactory(expert=guide)
    return guide


@pytest.fixture
def mental_health_service(db):
    division = ServiceAreaFactory(code="mental_health_div", name="Mielenterveys")
    return ServiceAreaFactory(code="mh_outpatient", name="Avohoito", parent=division)
