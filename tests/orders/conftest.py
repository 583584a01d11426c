import datetime

import pytest
import time_machine

from tests.factories import (
    AgreementFactory,
    ExperienceAreaFactory,
    ExpertExperienceFactory,
    ExpertFactory,
)

EN = {"accept-language": "en"}
# Tuesday 1.4.2025, 12.00 in Helsinki: six weeks before the requests' date (12.5.2025).
NOW = datetime.datetime(2025, 4, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def mental_health(db):
    return ExperienceAreaFactory(code="mental_health", name="Mielenterveys")


def matching_expert(first_name: str, area=None, **fields):
    """An expert of Kokkola who works in Finnish, with an agreement for 2025 (25 €/h) and,
    given ``area``, that experience area under a valid consent."""
    expert = ExpertFactory(
        **{"first_name": first_name, "last_name": "Kokemus", "municipality": "Kokkola", **fields}
    )
    AgreementFactory(expert=expert, number=f"TS-{first_name.upper()}")
    if area is not None:
        ExpertExperienceFactory(consent__expert=expert, area=area)
    return expert
