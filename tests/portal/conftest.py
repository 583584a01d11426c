import datetime

import pytest

from tests.factories import AgreementFactory, AssignmentFactory, ParticipationFactory


@pytest.fixture
def alice_agreement(expert_alice):
    return AgreementFactory(
        expert=expert_alice.expert, number="TS-ALICE", valid_from=datetime.date(2025, 1, 1)
    )


@pytest.fixture
def alice_participation(alice_agreement):
    """Alice on a planned past assignment (10.3.2025, 2 h)."""
    return ParticipationFactory(
        agreement=alice_agreement,
        assignment=AssignmentFactory(title="Alicen luento", date=datetime.date(2025, 3, 10)),
    )
