"""The languages an expert works in: chosen with check boxes, matched code by code."""

import pytest

from registry.forms import ExpertForm
from registry.models import Expert, speaks
from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db

FIELDS = {"first_name": "Siiri", "last_name": "Kieli", "kind": "expert", "status": "active"}


def test_the_form_stores_the_ticked_languages_in_a_fixed_order():
    form = ExpertForm(data={**FIELDS, "languages": ["en", "fi"]})

    assert form.is_valid(), form.errors
    assert form.save().languages == "fi,en"


def test_the_form_shows_the_stored_languages_ticked():
    form = ExpertForm(instance=ExpertFactory(languages="fi,sv"))

    html = str(form["languages"])
    assert 'value="sv" id="id_languages_1" checked' in html
    assert 'value="en" id="id_languages_2">' in html


def test_the_form_needs_one_language_at_least():
    form = ExpertForm(data=FIELDS)

    assert not form.is_valid()
    assert form.errors["languages"] == ["This field is required."]


def test_a_new_expert_works_in_finnish():
    assert Expert(first_name="A", last_name="B").languages == "fi"


@pytest.mark.parametrize(
    ("languages", "finnish", "english"),
    [("fi", True, False), ("sv,fi", True, False), ("fi,en", True, True), ("other", False, False)],
)
def test_speaks_matches_whole_codes(languages, finnish, english):
    expert = ExpertFactory(languages=languages)

    assert Expert.objects.filter(speaks("fi"), pk=expert.pk).exists() is finnish
    assert Expert.objects.filter(speaks("en"), pk=expert.pk).exists() is english
    assert expert.get_languages_display()
