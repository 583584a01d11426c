"""The periodic messages: supervision sessions, agreements about to end, the weekly digest."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from agreements.models import AgreementStatus
from kokemus.access import Role
from notifications.models import Kind, Message, Preference
from tests.factories import (
    AgreementFactory,
    AssignmentFactory,
    ExpertFactory,
    GroupMembershipFactory,
    SupervisionGroupFactory,
    SupervisionSessionFactory,
    UserFactory,
)
from tests.smtp import body_text

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2025, 3, 3, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False):
        yield


def _plan():
    call_command("plan_notifications", stdout=io.StringIO())


def _coordinator(**preference):
    user = UserFactory(username="koordinaattori", groups=[Role.COORDINATOR])
    if preference:
        Preference.objects.create(user=user, **preference)
    return user


def test_members_hear_of_a_coming_session_but_a_member_who_left_does_not(smtp):
    group = SupervisionGroupFactory(name="Yhteinen työnohjaus")
    stays = GroupMembershipFactory(group=group, expert=ExpertFactory(email="stays@example.fi"))
    GroupMembershipFactory(
        group=group,
        expert=ExpertFactory(email="left@example.fi"),
        left_on=datetime.date(2025, 2, 1),
    )
    SupervisionSessionFactory(group=group, date=datetime.date(2025, 3, 5))
    SupervisionSessionFactory(group=group, date=datetime.date(2025, 3, 20))  # not yet

    _plan()

    [message] = smtp.of(stays.expert.email)
    assert message["Subject"] == "Työnohjaus: Yhteinen työnohjaus 5.3.2025"
    assert smtp.of("left@example.fi") == []


def test_coordinators_hear_once_of_an_agreement_about_to_end(smtp):
    coordinator = _coordinator()
    ending = AgreementFactory(number="TS-2025-007", valid_until=datetime.date(2025, 3, 20))
    AgreementFactory(valid_until=datetime.date(2025, 6, 1))  # not within 30 days
    AgreementFactory(valid_until=datetime.date(2025, 3, 10), status=AgreementStatus.ENDED)

    _plan()
    _plan()

    [message] = smtp.of(coordinator.email)
    assert "TS-2025-007" in message["Subject"]
    assert ending.expert.full_name in body_text(message)


def test_the_weekly_digest_comes_once_a_week_to_whoever_asked_for_it(smtp):
    asked = _coordinator(digest=True)
    UserFactory(username="toinen", groups=[Role.COORDINATOR])  # did not ask
    AssignmentFactory(title="Asiakasraati", date=datetime.date(2025, 3, 5))

    _plan()
    with time_machine.travel(MONDAY + datetime.timedelta(days=3), tick=False):
        _plan()
    with time_machine.travel(MONDAY + datetime.timedelta(days=7), tick=False):
        _plan()

    digests = Message.objects.filter(kind=Kind.DIGEST)
    assert list(digests.values_list("to", "event").order_by("event")) == [
        (asked.email, "digest:2025-W10"),
        (asked.email, "digest:2025-W11"),
    ]
    first = smtp.of(asked.email)[0]
    assert "Asiakasraati (ei vielä kokemustoimijaa)" in body_text(first)
