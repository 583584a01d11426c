import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from supervision.models import GroupMembership
from tests.factories import (
    AttendanceFactory,
    ExpertFactory,
    GroupMembershipFactory,
    ProfessionalFactory,
    SupervisionSessionFactory,
)

pytestmark = pytest.mark.django_db


def test_member_is_an_expert_or_a_professional_not_both():
    membership = GroupMembershipFactory()
    membership.professional = ProfessionalFactory()
    with pytest.raises(ValidationError, match="either an expert or a professional"):
        membership.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_member_must_be_someone():
    membership = GroupMembershipFactory()
    membership.expert = None
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_expert_is_in_a_group_once():
    membership = GroupMembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupMembership.objects.create(group=membership.group, expert=membership.expert)


def test_professional_is_in_a_group_once():
    professional = ProfessionalFactory()
    membership = GroupMembershipFactory(expert=None, professional=professional)
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupMembership.objects.create(group=membership.group, professional=professional)


def test_leaving_not_before_joining():
    membership = GroupMembershipFactory(joined_on=datetime.date(2025, 2, 1))
    membership.left_on = datetime.date(2025, 1, 31)
    with pytest.raises(ValidationError, match="Leaving cannot be before joining."):
        membership.full_clean()


@pytest.mark.parametrize("minutes", [0, 24 * 60 + 1])
def test_session_duration_is_within_a_day(minutes):
    session = SupervisionSessionFactory()
    session.duration_minutes = minutes
    with pytest.raises(ValidationError, match="between 1 minute and 24 hours"):
        session.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        session.save()


def test_attendance_is_recorded_once_per_member():
    attendance = AttendanceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceFactory(session=attendance.session, membership=attendance.membership)


def test_group_members_may_be_experts_and_professionals():
    session = SupervisionSessionFactory()
    GroupMembershipFactory(group=session.group, expert=ExpertFactory())
    GroupMembershipFactory(group=session.group, expert=None, professional=ProfessionalFactory())
    assert session.group.memberships.count() == 2
