"""GDPR: subject access export, erasure by anonymisation, retention."""

import datetime
import io
import json

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from agreements.models import Participation
from kokemus.privacy import expert_anonymise, expert_data_export, experts_past_retention
from registry.models import ExperienceConsent, Expert, ExpertExperience
from supervision.models import GroupMembership, Seniority
from tests.factories import (
    AgreementFactory,
    AttendanceFactory,
    ExpertExperienceFactory,
    ExpertFactory,
    ParticipationFactory,
    UserFactory,
)
from tests.feedback.factories import ReflectionFactory
from tests.pairs.factories import PlanStepFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def aino(coordinator):
    """An expert with a login, consent, experience area, agreement, assignment, supervision."""
    user = UserFactory(username="aino.makela")
    with set_actor(coordinator):
        expert = ExpertFactory(
            first_name="Aino", last_name="Mäkelä", email="aino@example.fi", user=user
        )
        ExpertExperienceFactory(consent__expert=expert)
        ParticipationFactory(agreement__expert=expert)
    AttendanceFactory(membership__expert=expert)
    PlanStepFactory(pair__expert=expert, pair__notes="Aloittaa asteittain", title="Tutustuminen")
    return expert


def test_data_export_holds_everything_about_the_expert(aino, coordinator):
    data = expert_data_export(expert=aino, by=coordinator)
    json.dumps(data)  # serialisable as it is
    assert data["expert"]["last_name"] == "Mäkelä"
    assert data["login"]["username"] == "aino.makela"
    assert data["consents"][0]["experience_areas"] == ["Mental health"]  # tests run in English
    assert len(data["agreements"]) == 1 and len(data["assignments"]) == 1
    assert data["supervision"][0]["present"] is True
    [pair] = data["work_pairs"]
    assert (pair["notes"], pair["steps"][0]["step"]) == ("Aloittaa asteittain", "Tutustuminen")
    assert any(entry["action"] == "create" for entry in data["audit_trail"])
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=coordinator).exists()


@pytest.fixture
def reflecting(aino):
    """Aino reflected on her assignment and is an experienced member with her own target."""
    participation = Participation.objects.get(expert=aino)
    participation.assignment.title = "Asiakasraati"
    participation.assignment.save()
    ReflectionFactory(participation=participation, how_it_went="Jännitti", load=4, wants_talk=True)
    GroupMembership.objects.filter(expert=aino).update(
        seniority=Seniority.EXPERIENCED, target_interval_weeks=6
    )
    return aino


def test_data_export_holds_reflections_and_memberships(reflecting, coordinator):
    data = expert_data_export(expert=reflecting, by=coordinator)

    [reflection] = data["reflections"]
    assert reflection["assignment"] == "Asiakasraati"
    assert (reflection["how_it_went"], reflection["load"], reflection["wants_talk"]) == (
        "Jännitti",
        4,
        True,
    )
    assert reflection["given_at"] and reflection["handled_at"] is None
    [membership] = data["supervision_memberships"]
    assert (membership["seniority"], membership["target_interval_weeks"]) == ("experienced", 6)
    json.dumps(data)


def test_data_export_pdf_holds_reflections_and_memberships(reflecting, login, coordinator):
    response = login(coordinator).get(
        reverse("registry:expert_data_pdf", args=[reflecting.pk]), headers={"accept-language": "en"}
    )

    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Reflections" in text and "Jännitti" in text and "Asiakasraati" in text
    assert "experienced" in text and "Own target (weeks)" in text


def test_anonymisation_removes_the_person_and_keeps_the_work(aino, coordinator):
    participation = Participation.objects.get(expert=aino)
    version = aino.version
    expert_anonymise(expert=aino, by=coordinator)
    aino.refresh_from_db()
    assert aino.version == version + 1  # an edit form opened before the erasure is refused
    assert (aino.first_name, aino.last_name, aino.email, aino.phone) == ("", "", "", "")
    assert aino.user is None and aino.external_id is None and aino.anonymised_at
    assert not ExperienceConsent.objects.filter(expert=aino).exists()
    assert not ExpertExperience.objects.filter(expert=aino).exists()
    assert not UserFactory._meta.model.objects.filter(username="aino.makela").exists()
    assert Participation.objects.get(pk=participation.pk).expert_id == aino.pk
    assert str(aino) == f"Anonymised expert {aino.pk}"


def test_anonymisation_leaves_no_name_in_the_audit_trail(aino, coordinator):
    expert_anonymise(expert=aino, by=coordinator)
    for entry in LogEntry.objects.all():
        text = f"{entry.object_repr} {entry.changes}"
        assert "Aino" not in text and "Mäkelä" not in text and "aino@" not in text, text


def test_retention_finds_only_experts_idle_for_the_period():
    today = datetime.date(2031, 6, 1)
    idle = ExpertFactory()
    Expert.objects.filter(pk=idle.pk).update(  # registered long before 1.6.2026, the cutoff
        created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    recent_work = ParticipationFactory(assignment__date=datetime.date(2027, 1, 1)).expert
    open_agreement = AgreementFactory(valid_until=None).expert
    for expert in (recent_work, open_agreement):
        Expert.objects.filter(pk=expert.pk).update(created_at=idle.created_at)
    assert list(experts_past_retention(years=5, today=today)) == [idle]


def test_retention_command_is_a_dry_run_unless_applied():
    idle = ExpertFactory(first_name="Unohdettu")
    Expert.objects.filter(pk=idle.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3000)
    )
    out = io.StringIO()
    call_command("apply_retention", "--years", "5", stdout=out)
    assert "Unohdettu" in out.getvalue() and "dry run" in out.getvalue()
    assert Expert.objects.get(pk=idle.pk).anonymised_at is None
    call_command("apply_retention", "--years", "5", "--apply", stdout=io.StringIO())
    assert Expert.objects.get(pk=idle.pk).anonymised_at is not None
