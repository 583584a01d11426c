import datetime

import pytest
from django.core.exceptions import ValidationError

from portal.models import CalendarToken
from portal.services import calendar_token_regenerate, calendar_token_revoke
from registry.models import ExpertExperience
from registry.services import consent_withdraw
from tests.factories import (
    ExpertExperienceFactory,
    ExpertFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 6, 1)


def test_consent_withdraw_deletes_experience_rows_and_keeps_the_record(coordinator):
    experience = ExpertExperienceFactory()
    other = ExpertExperienceFactory(consent__expert=ExpertFactory())
    consent = consent_withdraw(consent=experience.consent, by=coordinator)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert list(ExpertExperience.objects.all()) == [other]


def test_consent_withdraw_refuses_twice(coordinator):
    consent = ExpertExperienceFactory().consent
    consent_withdraw(consent=consent, by=coordinator)
    with pytest.raises(ValidationError) as error:
        consent_withdraw(consent=consent, by=coordinator)
    assert error.value.messages == ["This consent has already been withdrawn."]


def test_calendar_token_regenerate_replaces_the_old_token(expert_alice):
    first = calendar_token_regenerate(expert=expert_alice.expert)
    second = calendar_token_regenerate(expert=expert_alice.expert)
    assert first.token != second.token
    assert len(second.token) >= 40
    assert list(CalendarToken.objects.values_list("token", flat=True)) == [second.token]


def test_calendar_token_revoke(expert_alice):
    calendar_token_regenerate(expert=expert_alice.expert)
    assert calendar_token_revoke(expert=expert_alice.expert) is True
    assert calendar_token_revoke(expert=expert_alice.expert) is False
    assert not CalendarToken.objects.exists()
