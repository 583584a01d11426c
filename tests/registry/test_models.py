import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry.models import ExperienceConsent, ServiceArea
from tests.factories import (
    AssignmentTypeFactory,
    ExperienceConsentFactory,
    ExpertExperienceFactory,
    ExpertFactory,
    ServiceAreaFactory,
)

pytestmark = pytest.mark.django_db


def assert_refused_by_database(save):
    with pytest.raises(IntegrityError), transaction.atomic():
        save()


def test_expert_training_date_requires_trained():
    expert = ExpertFactory.build(trained=False, training_completed_on=datetime.date(2024, 5, 1))
    with pytest.raises(ValidationError) as error:
        expert.full_clean()
    assert "A training completion date needs the expert to be marked as trained." in str(
        error.value
    )
    assert_refused_by_database(expert.save)


def test_trained_expert_may_have_training_date():
    expert = ExpertFactory(trained=True, training_completed_on=datetime.date(2024, 5, 1))
    expert.full_clean()


def test_expert_external_id_is_unique():
    ExpertFactory(external_id="EXP-1")
    assert_refused_by_database(lambda: ExpertFactory(external_id="EXP-1"))


def test_experts_without_external_id_do_not_collide():
    ExpertFactory(external_id=None)
    ExpertFactory(external_id=None)


def test_service_area_code_is_unique():
    ServiceArea.objects.create(code="unique_code", name="A")
    assert_refused_by_database(lambda: ServiceArea.objects.create(code="unique_code", name="B"))


def test_assignment_type_code_is_unique():
    AssignmentTypeFactory(code="podcast")
    assert_refused_by_database(
        lambda: AssignmentTypeFactory._meta.model.objects.create(code="podcast", name="x")
    )


def test_service_area_cannot_be_its_own_parent():
    area = ServiceAreaFactory()
    area.parent = area
    with pytest.raises(ValidationError, match="cannot be its own division"):
        area.full_clean()
    assert_refused_by_database(area.save)


def test_service_area_allows_only_two_levels():
    division = ServiceAreaFactory()
    service = ServiceAreaFactory(parent=division)
    grandchild = ServiceArea(code="too_deep", name="Too deep", parent=service)
    with pytest.raises(ValidationError, match="directly under a division"):
        grandchild.full_clean()


def test_division_with_services_cannot_move_under_another():
    division = ServiceAreaFactory()
    ServiceAreaFactory(parent=division)
    division.parent = ServiceAreaFactory()
    with pytest.raises(ValidationError, match="has services"):
        division.full_clean()


def test_service_area_code_must_be_a_slug():
    area = ServiceArea(code="Mental Health", name="x")
    with pytest.raises(ValidationError, match="lowercase letters"):
        area.full_clean()


def test_division_of_a_service_is_its_parent():
    division = ServiceAreaFactory()
    service = ServiceAreaFactory(parent=division)
    assert service.division == division
    assert division.division == division


def test_only_one_valid_consent_per_expert():
    consent = ExperienceConsentFactory()
    assert_refused_by_database(lambda: ExperienceConsentFactory(expert=consent.expert))


def test_withdrawn_consent_allows_a_new_one():
    consent = ExperienceConsentFactory(
        withdrawn_at=datetime.datetime(2025, 1, 2, tzinfo=datetime.UTC)
    )
    ExperienceConsentFactory(expert=consent.expert)
    assert ExperienceConsent.objects.filter(expert=consent.expert).count() == 2


def test_experience_area_recorded_once_per_expert():
    experience = ExpertExperienceFactory()
    assert_refused_by_database(
        lambda: ExpertExperienceFactory(consent=experience.consent, area=experience.area)
    )


def test_experience_areas_go_with_their_consent():
    experience = ExpertExperienceFactory()
    experience.consent.delete()
    assert not experience.expert.experiences.exists()


def test_str_is_recognisable():
    expert = ExpertFactory(first_name="Aino", last_name="Mäkelä")
    assert str(expert) == "Aino Mäkelä"
