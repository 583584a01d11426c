"""Writes about the register: create, edit, consent with experience areas."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from registry.models import ExperienceConsent, ExpertExperience
from registry.services import (
    consent_areas_update,
    consent_record,
    consent_withdraw,
    expert_create,
    expert_update,
)
from tests.factories import ExperienceAreaFactory, ExpertExperienceFactory, ExpertFactory

pytestmark = pytest.mark.django_db


def test_expert_create_saves_a_valid_expert():
    expert = expert_create(
        fields={"first_name": "Aino", "last_name": "Mäkelä", "email": "aino@example.fi"}
    )
    assert expert.pk and expert.full_name == "Aino Mäkelä"


def test_expert_create_refuses_a_training_date_without_training():
    with pytest.raises(ValidationError, match="needs the expert to be marked as trained"):
        expert_create(
            fields={
                "first_name": "Aino",
                "last_name": "M",
                "training_completed_on": datetime.date(2024, 1, 1),
            }
        )


def test_expert_create_refuses_a_duplicate_external_id():
    ExpertFactory(external_id="EXP-1")
    with pytest.raises(ValidationError, match="Another expert already has this external id."):
        expert_create(fields={"first_name": "Aino", "last_name": "M", "external_id": "EXP-1"})


def test_expert_create_refuses_fields_outside_the_register():
    with pytest.raises(TypeError):
        expert_create(fields={"first_name": "A", "last_name": "B", "anonymised_at": None})


def test_expert_update_changes_the_fields():
    expert = ExpertFactory(municipality="Kokkola")
    expert_update(expert=expert, fields={"municipality": "Kannus"})
    expert.refresh_from_db()
    assert (expert.municipality, expert.version) == ("Kannus", 2)


def test_expert_update_refuses_an_anonymised_expert(coordinator):
    expert = ExpertFactory(anonymised_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    with pytest.raises(ValidationError, match="anonymised"):
        expert_update(expert=expert, fields={"first_name": "Uusi"})


def test_consent_record_stores_who_when_purpose_and_areas(coordinator):
    expert = ExpertFactory()
    areas = [ExperienceAreaFactory(), ExperienceAreaFactory(code="substance_use", name="Päihteet")]
    consent = consent_record(
        expert=expert,
        purpose="Tehtävien kohdentaminen",
        given_on=datetime.date(2025, 2, 1),
        areas=areas,
        by=coordinator,
    )
    assert (consent.recorded_by, consent.purpose) == (coordinator, "Tehtävien kohdentaminen")
    assert consent.recorded_at is not None
    assert set(expert.experiences.values_list("area__code", flat=True)) == {
        "mental_health",
        "substance_use",
    }


def test_consent_record_refuses_a_second_valid_consent(coordinator):
    experience = ExpertExperienceFactory()
    with pytest.raises(ValidationError, match="already has a valid consent"):
        consent_record(
            expert=experience.expert,
            purpose="x",
            given_on=datetime.date(2025, 2, 1),
            areas=[],
            by=coordinator,
        )


def test_consent_record_refuses_a_future_date(coordinator):
    with pytest.raises(ValidationError, match="cannot be given in the future"):
        consent_record(
            expert=ExpertFactory(),
            purpose="x",
            given_on=timezone.localdate() + datetime.timedelta(days=2),
            areas=[],
            by=coordinator,
        )


def test_consent_areas_update_replaces_the_areas():
    experience = ExpertExperienceFactory()
    other = ExperienceAreaFactory(code="homelessness", name="Asunnottomuus")
    consent_areas_update(consent=experience.consent, areas=[other])
    assert list(experience.expert.experiences.values_list("area__code", flat=True)) == [
        "homelessness"
    ]


def test_consent_areas_update_refuses_a_withdrawn_consent(coordinator):
    experience = ExpertExperienceFactory()
    consent_withdraw(consent=experience.consent, by=coordinator)
    with pytest.raises(ValidationError, match="withdrawn"):
        consent_areas_update(consent=experience.consent, areas=[experience.area])
    assert not ExpertExperience.objects.exists()
    assert ExperienceConsent.objects.get().withdrawn_at is not None
