import pytest
from django.utils import timezone

from registry.forms import ConsentForm, ExpertForm

pytestmark = pytest.mark.django_db


def test_expert_form_says_at_the_trained_field_that_a_date_needs_training():
    form = ExpertForm(
        data={
            "first_name": "Aino",
            "last_name": "Mäkelä",
            "kind": "expert",
            "status": "active",
            "training_completed_on": "2024-05-01",
        }
    )
    assert not form.is_valid()
    assert form.errors["trained"] == [
        "A training completion date needs the expert to be marked as trained."
    ]


def test_expert_form_requires_names_and_a_valid_email():
    form = ExpertForm(
        data={"kind": "expert", "status": "active", "email": "ei-osoite", "languages": ["fi"]}
    )
    assert not form.is_valid()
    assert set(form.errors) == {"first_name", "last_name", "email"}


def test_consent_form_defaults_to_today_and_needs_a_purpose():
    form = ConsentForm(data={"given_on": "2025-02-01"})
    assert form.fields["given_on"].initial == timezone.localdate()
    assert not form.is_valid()
    assert "purpose" in form.errors
