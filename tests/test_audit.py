"""The audit trail records who created, changed, viewed or deleted personal data."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.urls import reverse

from kokemus.audit import record_view
from kokemus.privacy import expert_trail
from registry.models import Expert
from tests.factories import (
    AgreementFactory,
    ExpertExperienceFactory,
    ExpertFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db


def test_each_app_registers_its_personal_data_for_auditing():
    audited = {model._meta.label for model in auditlog.get_models()}
    assert audited == {
        "registry.Expert",  # registry.apps
        "registry.ExperienceConsent",
        "registry.ExpertExperience",
        "agreements.Agreement",  # agreements.apps
        "agreements.Assignment",
        "agreements.Participation",
        "interchange.ImportRun",  # interchange.apps
        "payroll.ReportLine",  # payroll.apps
        "payroll.PayrollRun",
        "payroll.EarningsLimit",
        "guidance.Period",  # guidance.apps
        "guidance.Goal",
        "guidance.Meeting",
        "feedback.Reflection",  # feedback.apps
        "pairs.WorkPair",  # pairs.apps
    }
    masked = set(auditlog.get_model_fields(Expert)["mask_fields"])
    assert masked >= {"first_name", "last_name", "email", "phone", "municipality", "availability"}


def test_edit_of_an_expert_is_recorded_with_actor_and_masked_values(coordinator):
    expert = ExpertFactory(first_name="Aino")
    with set_actor(coordinator):
        expert.first_name = "Alma"
        expert.save()
    entry = LogEntry.objects.get(action=LogEntry.Action.UPDATE, object_id=expert.pk)
    assert entry.actor == coordinator
    assert entry.changes_dict["first_name"] == ["***", "***"]
    assert "Aino" not in str(entry.changes) and "Alma" not in str(entry.changes)


def test_a_view_is_recorded(coordinator):
    expert = ExpertFactory()
    with set_actor(coordinator):
        record_view(expert)
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert (entry.actor, entry.object_id) == (coordinator, expert.pk)


def test_trail_of_one_expert_holds_their_agreements_and_experiences_only():
    participation = ParticipationFactory()
    expert = participation.expert
    ExpertExperienceFactory(consent__expert=expert)
    AgreementFactory()  # someone else's
    trail = expert_trail(expert)
    models = {entry.content_type.model for entry in trail}
    assert models == {
        "expert",
        "agreement",
        "participation",
        "experienceconsent",
        "expertexperience",
    }
    other = LogEntry.objects.exclude(pk__in=trail.values("pk"))
    assert {entry.content_type.model for entry in other} >= {"agreement", "expert"}


def test_admin_can_read_but_not_edit_or_delete_the_trail(admin_user, login):
    ExpertFactory()
    entry = LogEntry.objects.first()
    client = login(admin_user)
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 200
    change_url = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    assert client.get(change_url).status_code == 200
    assert client.post(change_url, {}).status_code == 403
    delete_url = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()
