"""generate_load_data: a large data set that obeys the SPEC's rules, and logins per role."""

import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Q

from agreements.models import AgreementStatus, Assignment, Participation
from guidance.models import Period, PeriodStatus
from kokemus.access import Role, has_role
from kokemus.management.commands.generate_load_data import LOAD_PASSWORD, LOGIN_COUNTS
from registry.models import Expert

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def generate(tmp_path, **options):
    manifest = tmp_path / "manifest.json"
    call_command("generate_load_data", manifest=manifest, stdout=io.StringIO(), **options)
    return json.loads(manifest.read_text())


def generated_assignments():
    """The assignments asked for, without the kokemusohjaus meetings' (which are assignments
    of their guides too)."""
    return Assignment.objects.filter(guidance_meeting__isnull=True)


def test_generates_the_asked_numbers(tmp_path):
    generate(tmp_path, assignments=700, experts=40, years=2)
    assert generated_assignments().count() == 700
    assert Expert.objects.count() == 40
    assert Participation.objects.count() >= 700


def test_every_participation_is_covered_by_a_signed_agreement_of_its_expert(tmp_path):
    generate(tmp_path, assignments=600, experts=30, years=5)
    participations = Participation.objects.all()
    wrong = participations.exclude(
        Q(agreement__expert=F("expert"))
        & ~Q(agreement__status=AgreementStatus.DRAFT)
        & Q(agreement__valid_from__lte=F("assignment__date"))
        & Q(agreement__valid_until__gte=F("assignment__date"))
    )
    assert participations.count() >= 600
    assert wrong.count() == 0
    assert not Assignment.objects.annotate(n=Count("participations")).filter(n=0).exists()


class Rollback(Exception):
    pass


def snapshot() -> list[tuple]:
    return list(
        generated_assignments()
        .order_by("external_id")
        .values_list("external_id", "date", "hours", "status", "type__code", "service_area__code")
    )


def test_the_same_seed_gives_the_same_data(tmp_path):
    try:
        with transaction.atomic():
            generate(tmp_path, assignments=60, experts=25, seed=7)
            first = snapshot()
            raise Rollback
    except Rollback:
        pass
    assert not Assignment.objects.exists()
    generate(tmp_path, assignments=60, experts=25, seed=7)
    assert len(first) == 60
    assert snapshot() == first


def test_logins_per_role_share_the_known_password_and_the_manifest_lists_them(tmp_path):
    manifest = generate(tmp_path, assignments=100, experts=25)
    assert manifest["password"] == LOAD_PASSWORD
    for role, count in LOGIN_COUNTS.items():
        assert len(manifest["logins"][role]) == count
    coordinator = User.objects.get(username=manifest["logins"][Role.COORDINATOR][0])
    assert coordinator.check_password(LOAD_PASSWORD)
    assert has_role(coordinator, Role.COORDINATOR)
    expert = manifest["logins"][Role.EXPERT][0]
    user = User.objects.get(username=expert["username"])
    assert user.check_password(LOAD_PASSWORD)
    assert has_role(user, Role.EXPERT)
    assert user.expert.pk == expert["expert_pk"]
    assert user.expert.calendar_token.token == expert["calendar_token"]
    assert Participation.objects.filter(
        expert_id=expert["expert_pk"], assignment_id=expert["assignment_pk"]
    ).exists()
    assert manifest["bookable_expert_pks"]


def test_a_second_run_adds_nothing_and_still_writes_the_manifest(tmp_path):
    generate(tmp_path, assignments=80, experts=25)
    manifest = generate(tmp_path, assignments=80, experts=25)
    assert generated_assignments().count() == 80
    assert Period.objects.count() == LOGIN_COUNTS[Role.EXPERT]
    assert len(manifest["logins"][Role.EXPERT]) == LOGIN_COUNTS[Role.EXPERT]


def test_the_waves_pages_have_data_and_the_expert_logins_have_work_to_report(tmp_path):
    from orders.models import Offer, OfferStatus, Request
    from payroll.models import LineStatus, PayrollRun, ReportLine

    data = generate(tmp_path, assignments=2000, experts=40, years=2)
    assert Request.objects.count() == 40
    assert ReportLine.objects.filter(status=LineStatus.APPROVED, run__isnull=False).exists()
    assert ReportLine.objects.filter(status=LineStatus.SUBMITTED).exists()
    assert PayrollRun.objects.count() == 12
    assert data["request_pks"] and data["run_pks"]
    logins = data["logins"][Role.EXPERT]
    assert all(login["offer_pks"] for login in logins)
    assert Offer.objects.filter(pk__in=logins[0]["offer_pks"], status=OfferStatus.PENDING)
    assert all(login["reportable_assignment_pks"] for login in logins)
    for login in logins:  # done work of the last weeks, for the hours report form
        assert not ReportLine.objects.filter(
            participation__expert=login["expert_pk"],
            participation__assignment__in=login["reportable_assignment_pks"],
            status=LineStatus.APPROVED,
        ).exists()


def test_each_expert_login_guides_a_period_and_its_meetings_are_their_assignments(tmp_path):
    manifest = generate(tmp_path, assignments=100, experts=25)
    periods = Period.objects.all()
    assert periods.count() == LOGIN_COUNTS[Role.EXPERT]  # 100 // 500 is fewer: one per login
    assert periods.filter(status=PeriodStatus.ENDED).count() == LOGIN_COUNTS[Role.EXPERT] // 2
    for login in manifest["logins"][Role.EXPERT]:
        period = Period.objects.get(pk=login["period_pk"])
        assert period.guide_id == login["expert_pk"]
        assert period.goals.count() == 3
        assignments = [meeting.assignment for meeting in period.meetings.all()]
        assert len(assignments) == 3
        assert all(list(a.experts.all()) == [period.guide] for a in assignments)
    assert manifest["period_pks"] == list(periods.order_by("pk").values_list("pk", flat=True))
