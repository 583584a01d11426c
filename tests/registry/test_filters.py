"""The expert list's search and filters."""

import datetime

import pytest
from django.utils import timezone

from agreements.models import AgreementStatus
from agreements.selectors import experts_for_list
from registry.filters import ExpertFilter
from registry.services import consent_withdraw
from tests.factories import (
    AgreementFactory,
    ExperienceAreaFactory,
    ExpertExperienceFactory,
    ExpertFactory,
)

pytestmark = pytest.mark.django_db


def _names(**params) -> set[str]:
    return {e.last_name for e in ExpertFilter(params, queryset=experts_for_list()).qs}


def test_search_matches_names_and_email_with_every_term():
    ExpertFactory(first_name="Aino", last_name="Mäkelä", email="aino@example.fi")
    ExpertFactory(first_name="Aino", last_name="Virtanen", email="av@example.fi")
    ExpertFactory(first_name="Eero", last_name="Mäki", email="eero.m@example.fi")
    assert _names(q="aino") == {"Mäkelä", "Virtanen"}
    assert _names(q="Aino mäk") == {"Mäkelä"}
    assert _names(q="eero.m@") == {"Mäki"}


def test_filters_by_kind_trained_municipality_and_status():
    ExpertFactory(last_name="A", kind="guide", trained=True, municipality="Kokkola")
    ExpertFactory(last_name="B", kind="peer", trained=False, municipality="Kannus")
    ExpertFactory(
        last_name="C", kind="peer", trained=True, status="inactive", municipality="Kalajoki"
    )
    assert _names(kind="peer") == {"B", "C"}
    assert _names(trained="yes") == {"A", "C"}
    assert _names(trained="no") == {"B"}
    assert _names(municipality="Kannus") == {"B"}
    assert _names(status="inactive") == {"C"}


def test_covered_today_needs_a_signed_agreement_valid_today():
    today = timezone.localdate()
    year = datetime.timedelta(days=365)
    AgreementFactory(expert__last_name="Kattava", valid_from=today - year, valid_until=today)
    AgreementFactory(
        expert__last_name="Luonnos",
        status=AgreementStatus.DRAFT,
        signed_on=None,
        valid_from=today - year,
        valid_until=None,
    )
    AgreementFactory(
        expert__last_name="Päättynyt", valid_from=today - 2 * year, valid_until=today - year
    )
    assert _names(covered="yes") == {"Kattava"}
    assert _names(covered="no") == {"Luonnos", "Päättynyt"}


def test_area_filter_finds_only_consented_areas(coordinator):
    area = ExperienceAreaFactory()
    kept = ExpertExperienceFactory(consent__expert__last_name="Suostunut", area=area)
    withdrawn = ExpertExperienceFactory(consent__expert__last_name="Perunut", area=area)
    consent_withdraw(consent=withdrawn.consent, by=coordinator)
    assert _names(area=str(area.pk)) == {kept.expert.last_name}


def test_a_bad_filter_value_is_ignored_not_an_error():
    ExpertFactory(last_name="A")
    assert _names(area="999999", kind="nonsense") == {"A"}
