"""agreement_create / agreement_update: the rules on the field they name, drafts only."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from agreements.models import Agreement, AgreementStatus
from agreements.services import agreement_create, agreement_sign, agreement_update

pytestmark = pytest.mark.django_db


def test_update_changes_a_draft_and_moves_the_version_on(draft):
    agreement_update(agreement=draft, fields={"hourly_fee": Decimal("31")}, expected_version=1)
    stored = Agreement.objects.get(pk=draft.pk)
    assert (stored.hourly_fee, stored.version) == (Decimal("31.00"), 2)


def test_update_refuses_a_signed_agreement(active):
    with pytest.raises(ValidationError, match="Only a draft can be edited"):
        agreement_update(agreement=active, fields={"hourly_fee": Decimal("99")})
    assert Agreement.objects.get(pk=active.pk).hourly_fee == Decimal("25.00")


def test_update_refuses_the_second_of_two_concurrent_edits(draft):
    first = Agreement.objects.get(pk=draft.pk)
    second = Agreement.objects.get(pk=draft.pk)
    agreement_update(agreement=first, fields={"duties": "Ensimmäinen"}, expected_version=1)
    with pytest.raises(ValidationError) as error:
        agreement_update(agreement=second, fields={"duties": "Toinen"}, expected_version=1)
    assert error.value.code == "stale"
    assert Agreement.objects.get(pk=draft.pk).duties == "Ensimmäinen"


def test_update_refuses_fields_a_draft_form_does_not_edit(draft):
    with pytest.raises(ValueError, match="status"):
        agreement_update(agreement=draft, fields={"status": AgreementStatus.ACTIVE})


def test_create_names_the_field_at_fault(expert, division):
    with pytest.raises(ValidationError) as error:
        agreement_create(
            expert=expert,
            fields={
                "number": "TS-X",
                "division": division,
                "valid_from": datetime.date(2025, 2, 1),
                "valid_until": datetime.date(2025, 1, 31),
                "hourly_fee": Decimal("-5"),
            },
        )
    assert error.value.message_dict == {
        "valid_until": ["The last day of validity cannot be before the first day, 1.2.2025."],
        "hourly_fee": ["Hourly fee (€) cannot be negative."],
    }
    assert not Agreement.objects.exists()


def test_create_makes_a_draft_and_refuses_fields_a_draft_form_does_not_set(expert, division):
    fields = {"number": "TS-Y", "division": division, "valid_from": datetime.date(2025, 2, 1)}
    with pytest.raises(ValueError, match="status"):
        agreement_create(expert=expert, fields=fields | {"status": AgreementStatus.ACTIVE})
    assert not Agreement.objects.exists()

    agreement = agreement_create(expert=expert, fields=fields)
    assert (agreement.expert, agreement.status, agreement.version) == (
        expert,
        AgreementStatus.DRAFT,
        1,
    )


def test_sign_without_a_date_names_the_signing_date(draft):
    with pytest.raises(ValidationError) as error:
        agreement_sign(agreement=draft, signed_on=None)
    assert error.value.message_dict == {
        "signed_on": ["A signed agreement needs the date it was signed."]
    }
