"""Hand-counted data for the monthly follow-up report of 2025 (the counts are in the tests).

Experts Aino, Bertta and Cecilia work under agreements of 20, 30 and 25 €/h; Bertta's also pays
10 € per assignment. The assignments sit on the boundaries: the first and last day of a month and
of the year, and the days just outside the year. Two of them are done (1.1. and 31.12.), so only
they have fees. Reference data (types, divisions, services) comes from the migrations.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from agreements.models import AgreementStatus, AssignmentStatus
from registry.models import AssignmentType, ServiceArea
from tests.factories import (
    AgreementFactory,
    AssignmentFactory,
    AttendanceFactory,
    ExpertFactory,
    GroupMembershipFactory,
    ParticipationFactory,
    ProfessionalFactory,
    SupervisionGroupFactory,
    SupervisionSessionFactory,
)

D = datetime.date
# Surnames no label or heading could contain, so a test can look for them in every export.
NAMES = ["Aino Kuukausiseurannantesti", "Bertta Raportinlukija", "Cecilia Nimettömyys"]


def area(code: str) -> ServiceArea:
    return ServiceArea.objects.get(code=code)


def assignment_type(code: str) -> AssignmentType:
    return AssignmentType.objects.get(code=code)


def _assignment(day, type_code, area_code, hours, experts=(), status=AssignmentStatus.PLANNED):
    """An assignment with its experts: (agreement, own hours or None) per expert."""
    assignment = AssignmentFactory(
        date=day,
        type=assignment_type(type_code),
        service_area=area(area_code),
        hours=Decimal(hours),
        status=status,
    )
    for agreement, own_hours in experts:
        ParticipationFactory(
            assignment=assignment,
            agreement=agreement,
            hours=Decimal(own_hours) if own_hours else None,
        )
    return assignment


@pytest.fixture
def report_data(db):
    first, last = zip(*(name.split() for name in NAMES), strict=True)
    aino, bertta, cecilia = (
        ExpertFactory(first_name=f, last_name=s) for f, s in zip(first, last, strict=True)
    )
    mental_health, family_social = area("mental_health"), area("family_social")

    def agreement(expert, division, signed_on, fee, **kwargs):
        return AgreementFactory(
            expert=expert, division=division, signed_on=signed_on, hourly_fee=Decimal(fee), **kwargs
        )

    ag_a = agreement(aino, mental_health, D(2025, 1, 1), "20.00")
    ag_b = agreement(
        bertta, family_social, D(2025, 1, 31), "30.00", assignment_fee=Decimal("10.00")
    )
    ag_c = agreement(cecilia, mental_health, D(2025, 12, 31), "25.00")
    agreement(aino, mental_health, D(2024, 12, 31), "20.00")  # signed the year before
    agreement(bertta, mental_health, D(2026, 1, 1), "20.00")  # signed the year after
    agreement(cecilia, family_social, None, "99.00", status=AgreementStatus.DRAFT)

    # January: three experts on one, done (Cecilia's own 1.5 h), one to a division itself.
    _assignment(
        D(2025, 1, 1), "client_support", "mh_outpatient", "2.00",
        [(ag_a, None), (ag_b, None), (ag_c, "1.50")], status=AssignmentStatus.DONE,
    )  # fmt: skip
    _assignment(D(2025, 1, 31), "training", "mental_health", "3.00", [(ag_a, None)])
    _assignment(D(2025, 2, 1), "training", "family_services", "1.25", [(ag_b, None)])
    _assignment(D(2025, 3, 15), "communication", "mh_housing", "1.00")  # nobody on it yet
    _assignment(
        D(2025, 3, 10), "client_support", "mh_outpatient", "5.00", [(ag_a, None)],
        status=AssignmentStatus.CANCELLED,
    )  # fmt: skip
    _assignment(
        D(2025, 12, 31), "development", "disability", "4.00", [(ag_a, None), (ag_b, None)],
        status=AssignmentStatus.DONE,
    )  # fmt: skip
    _assignment(D(2024, 12, 31), "client_support", "mh_outpatient", "2.00", [(ag_a, None)])
    _assignment(D(2026, 1, 1), "client_support", "mh_outpatient", "2.00", [(ag_a, None)])

    # Supervision: Cecilia absent on 1 January; a professional attends too.
    group = SupervisionGroupFactory(division=mental_health)
    other_group = SupervisionGroupFactory(division=None)
    members = {e: GroupMembershipFactory(group=group, expert=e) for e in (aino, bertta, cecilia)}
    professional = GroupMembershipFactory(
        group=group, expert=None, professional=ProfessionalFactory()
    )
    session = SupervisionSessionFactory(group=group, date=D(2025, 1, 1))
    for membership, present in [
        (members[aino], True),
        (members[bertta], True),
        (professional, True),
        (members[cecilia], False),
    ]:
        AttendanceFactory(session=session, membership=membership, present=present)
    AttendanceFactory(
        session=SupervisionSessionFactory(group=group, date=D(2025, 1, 31)),
        membership=members[aino],
    )
    cecilia_other = GroupMembershipFactory(group=other_group, expert=cecilia)
    AttendanceFactory(
        session=SupervisionSessionFactory(group=other_group, date=D(2025, 12, 31)),
        membership=cecilia_other,
    )
    AttendanceFactory(
        session=SupervisionSessionFactory(group=other_group, date=D(2024, 12, 31)),
        membership=cecilia_other,
    )
    return SimpleNamespace(experts=[aino, bertta, cecilia], names=NAMES)
