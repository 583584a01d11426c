import datetime
import io
import zoneinfo
from collections import Counter

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Count

from agreements.models import (
    Agreement,
    AgreementStatus,
    Assignment,
    AssignmentStatus,
    Participation,
)
from feedback.models import ProfessionalFeedback, Reflection
from guidance.models import Goal, Period, PeriodStatus
from kokemus.management.commands.load_demo import DEMO_PASSWORD, LOGINS
from notifications.models import Message
from pairs.models import WorkPair
from registry.models import AssignmentType, Expert, ExpertKind, ServiceArea
from supervision.models import Attendance, GroupKind, SupervisionGroup, SupervisionSession
from supervision.selectors import supervision_due

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    from django.contrib.auth.models import User

    return {
        "experts": list(Expert.objects.values_list("pk", "first_name", "last_name", "user_id")),
        "agreements": list(Agreement.objects.values_list("pk", "status", "valid_until")),
        "assignments": list(Assignment.objects.values_list("pk", "date", "status", "hours")),
        "participations": list(Participation.objects.values_list("pk", "agreement_id")),
        "sessions": SupervisionSession.objects.count(),
        "attendances": Attendance.objects.count(),
        "users": list(User.objects.values_list("username", "password")),
    }


@pytest.fixture
def demo():
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    return output.getvalue()


# The demo is built around today from seeded draws: which states, types and areas it happens to
# use is fixed for one day, not for every day, so this test fixes the day.
@pytest.mark.time_machine(
    datetime.datetime(2026, 6, 15, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Helsinki"))
)
def test_demo_covers_every_kind_state_type_and_area(demo):
    assert Expert.objects.count() == 30
    assert set(Expert.objects.values_list("kind", flat=True)) == set(ExpertKind.values)
    assert set(Agreement.objects.values_list("status", flat=True)) == set(AgreementStatus.values)
    booked = Assignment.objects.filter(guidance_meeting__isnull=True)  # not kokemusohjaus's
    assert 450 <= booked.count() <= 500
    assert set(Assignment.objects.values_list("status", flat=True)) == set(AssignmentStatus.values)
    used_types = set(Assignment.objects.values_list("type__code", flat=True))
    assert used_types == set(AssignmentType.objects.values_list("code", flat=True))
    used_areas = set(Assignment.objects.values_list("service_area__code", flat=True))
    assert used_areas == set(ServiceArea.objects.values_list("code", flat=True))
    kinds = set(SupervisionSession.objects.values_list("group__kind", flat=True))
    assert kinds == set(GroupKind.values)


def test_demo_assignments_obey_the_covering_agreement_rule(demo):
    for participation in Participation.objects.select_related("agreement", "assignment"):
        assert participation.agreement.covers(participation.assignment.date)
    shared = Assignment.objects.annotate(n=Count("participations")).filter(n__gt=1)
    assert shared.exists()


def test_demo_prints_one_working_login_per_role(demo):
    for login in LOGINS:
        assert f"{login.username} / {DEMO_PASSWORD}" in demo
        assert User.objects.get(username=login.username).check_password(DEMO_PASSWORD)
    expert_user = User.objects.get(username="kokemus")
    assert expert_user.expert.external_id == "DEMO-E001"


def test_running_the_demo_twice_changes_nothing(demo):
    before = snapshot()
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    assert "already there" in output.getvalue()
    assert snapshot() == before


@pytest.mark.time_machine(
    datetime.datetime(2026, 11, 20, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Helsinki"))
)
def test_demo_is_a_believable_year_of_a_county(demo):
    # agreements are signed through the year, not all in one month
    last_year = Agreement.objects.filter(signed_on__gt=datetime.date(2025, 11, 20))
    by_month = Counter(day.month for day in last_year.values_list("signed_on", flat=True))
    assert len(by_month) >= 8
    assert max(by_month.values()) <= last_year.count() / 3

    # supervision groups belong to the division of their members
    for group in SupervisionGroup.objects.exclude(division=None):
        divisions = Counter(
            Agreement.objects.filter(expert__memberships__group=group).values_list(
                "division__code", flat=True
            )
        )
        assert divisions.most_common(1)[0][0] == group.division.code, group.name
    joint = SupervisionGroup.objects.get(name__contains="mielenterveys")
    assert joint.division.code == "mental_health"

    # the report's story: a quiet July, and more work this autumn than last as experts joined
    counted = Assignment.objects.exclude(status=AssignmentStatus.CANCELLED)
    months_2026 = Counter(counted.filter(date__year=2026).values_list("date__month", flat=True))
    assert months_2026[7] == min(months_2026[m] for m in range(1, 11))
    autumn = {
        year: counted.filter(date__year=year, date__month__in=[9, 10]).count()
        for year in (2025, 2026)
    }
    assert autumn[2026] > autumn[2025] * 1.3

    # the newest experts worked but have not found a group yet: the coverage page has a task
    unsupervised = supervision_due(today=datetime.date(2026, 11, 20))
    assert 1 <= len(unsupervised) <= 10  # a few to act on, not everyone


@time_machine.travel(datetime.datetime(2026, 6, 15, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_the_demo_e_mails_nobody_about_its_bookings():
    call_command("load_demo", stdout=io.StringIO())

    booked_ahead = Participation.objects.filter(
        assignment__status=AssignmentStatus.PLANNED,
        assignment__date__gt=datetime.date(2026, 6, 15),
        expert__email__contains="@",
    )
    assert booked_ahead.exists()  # bookings a person would have been told of
    assert not Message.objects.exists()


@pytest.mark.time_machine(
    datetime.datetime(2026, 11, 20, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Helsinki"))
)
def test_the_demo_shows_the_waves_work_too(demo):
    aino = Expert.objects.get(external_id="DEMO-E001")
    # kokemusohjaus: periods ended with outcomes, ongoing, and the demo expert's new referral
    assert set(Period.objects.values_list("status", flat=True)) == set(PeriodStatus.values)
    assert Period.objects.filter(guide=aino, status=PeriodStatus.REFERRED).exists()
    assert Goal.objects.filter(period__status=PeriodStatus.ENDED).exclude(outcome="").exists()
    # people reached on done client panels and lectures; none on planned work
    done = Assignment.objects.filter(status=AssignmentStatus.DONE, type__records_reach=True)
    assert done.exists() and not done.filter(people_reached__isnull=True).exists()
    assert not Assignment.objects.filter(
        status=AssignmentStatus.PLANNED, people_reached__isnull=False
    ).exists()
    # reflections, the demo expert's wish for a talk on the dashboard, professionals' ratings
    wishes = Reflection.objects.filter(wants_talk=True, handled_at__isnull=True)
    assert wishes.filter(participation__expert=aino).exists()
    assert Reflection.objects.count() > 50 and ProfessionalFeedback.objects.exists()
    # the demo expert's work pair, some of its plan done
    pair = WorkPair.objects.get(expert=aino)
    assert 0 < pair.steps.exclude(done_on=None).count() < pair.steps.count()
