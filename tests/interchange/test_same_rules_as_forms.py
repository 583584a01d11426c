"""The import refuses what the coordinator's forms refuse, in the same translated words.

Both sides run in Finnish, the interface's default: the form's side through the services the
forms call, the import's through import_data. Where the form names an expert by name, the
import names them by the id its file uses; the rest of the message is the same.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from agreements.models import Assignment
from agreements.services import agreement_create, assignment_save
from interchange.services import import_data
from registry.models import AssignmentType, Expert, ServiceArea
from tests.interchange.conftest import AGREEMENTS, ASSIGNMENTS, files, with_cell

pytestmark = pytest.mark.django_db


@pytest.fixture
def finnish():
    with translation.override("fi"):
        yield


@pytest.fixture
def imported(valid_files):
    """Aino (E1, A1 from 1.1.2025) and Öljy (E2, A2 from 15.1.2025) with their agreements."""
    assert import_data(valid_files, dry_run=False).applied
    return {expert.external_id: expert for expert in Expert.objects.all()}


def _import_errors(**changes) -> dict[str, list[str]]:
    result = import_data(files(**changes), dry_run=True)
    errors = {}
    for error in result.errors:
        errors.setdefault(error.column, []).append(error.message)
    return errors


def _form_errors(action) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        action()
    return refused.value.message_dict


def _assignment(*, date: datetime.date, hours: str) -> Assignment:
    return Assignment(
        title="Luento",
        type=AssignmentType.objects.get(code="client_support"),
        service_area=ServiceArea.objects.get(code="mh_outpatient"),
        date=date,
        hours=Decimal(hours),
    )


def test_agreement_ending_before_it_starts_with_a_negative_fee(imported, finnish):
    form = _form_errors(
        lambda: agreement_create(
            expert=imported["E1"],
            fields={
                "number": "TS-9",
                "division": ServiceArea.objects.get(code="mental_health"),
                "valid_from": datetime.date(2025, 1, 1),
                "valid_until": datetime.date(2024, 12, 31),
                "hourly_fee": Decimal("-1"),
            },
        )
    )
    file = _import_errors(
        agreements=with_cell(with_cell(AGREEMENTS, 0, 5, "31.12.2024"), 0, 6, "-1")
    )

    assert file == form
    assert set(form) == {"valid_until", "hourly_fee"}
    assert "1.1.2025" in form["valid_until"][0]


def test_one_day_over_24_hours(imported, finnish):
    form = _form_errors(
        lambda: assignment_save(
            assignment=_assignment(date=datetime.date(2025, 3, 10), hours="24.5"),
            experts=[imported["E1"]],
        )
    )
    file = _import_errors(assignments=with_cell(ASSIGNMENTS, 0, 4, "24,5"))

    assert file == form == {"hours": [form["hours"][0]]}
    assert "24" in form["hours"][0]


def test_own_hours_over_the_day(imported, finnish):
    aino = imported["E1"]
    form = _form_errors(
        lambda: assignment_save(
            assignment=_assignment(date=datetime.date(2025, 3, 10), hours="2.5"),
            experts=[aino, imported["E2"]],
            own_hours={aino.pk: Decimal(25)},
        )
    )
    rows = [[*ASSIGNMENTS[0], "25|"], [*ASSIGNMENTS[1], ""]]
    file = _import_errors(assignments=rows)

    assert [m.replace(aino.full_name, "E1") for m in form["experts"]] == file["expert_hours"]
    assert len(file) == 1


def test_an_expert_without_a_covering_agreement(imported, finnish):
    """Öljy's agreement begins on 15.1.2025: the day before, only Aino may work."""
    oljy = imported["E2"]
    form = _form_errors(
        lambda: assignment_save(
            assignment=_assignment(date=datetime.date(2025, 1, 14), hours="2"),
            experts=[imported["E1"], oljy],
        )
    )
    file = _import_errors(assignments=with_cell(ASSIGNMENTS, 0, 3, "14.1.2025"))

    assert [m.replace(oljy.full_name, "E2") for m in form["experts"]] == file["expert_external_ids"]
    assert len(file) == 1
    assert "14.1.2025" in file["expert_external_ids"][0]
