"""An applied import can be undone while nothing has been recorded on its rows (issue 16)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from agreements.models import Agreement, Assignment, Participation
from agreements.services import assignment_set_status
from interchange import formats
from interchange.models import ImportRun
from interchange.services import import_data, import_undo
from registry.models import AssignmentType, Expert, ServiceArea
from tests.factories import AssignmentFactory, GroupMembershipFactory
from tests.interchange.conftest import ASSIGNMENTS, EXPERTS, csv_bytes, files, with_cell

pytestmark = pytest.mark.django_db


def _state() -> dict:
    """Everything an import writes, as plain values."""
    return {
        "experts": sorted(
            Expert.objects.values_list("external_id", "first_name", "municipality", "version")
        ),
        "agreements": sorted(Agreement.objects.values_list("number", "hourly_fee", "status")),
        "assignments": sorted(
            Assignment.objects.values_list("external_id", "date", "hours", "status", "type__code")
        ),
        "participations": sorted(
            Participation.objects.values_list(
                "assignment__external_id",
                "expert__external_id",
                "agreement__number",
                "hours",
                "first_day",  # the assignment's, kept by the database (agreements 0007)
                "last_day",
            )
        ),
        "types": sorted(AssignmentType.objects.values_list("code", "name", "name_en")),
        "areas": sorted(ServiceArea.objects.values_list("code", "name", "parent__code")),
    }


def _apply(pairs, **options):
    result = import_data(pairs, dry_run=False, **options)
    assert result.applied, result.errors
    return ImportRun.objects.get(pk=result.run_id)


def _without_versions(state: dict) -> dict:
    return {**state, "experts": [row[:3] for row in state["experts"]]}


def test_undoing_a_first_import_removes_every_row_it_made():
    before = _state()
    areas = csv_bytes(formats.SERVICE_AREAS.column_names[:3], [["uusi", "Uusi", "mental_health"]])
    types = csv_bytes(["code", "name"], [["podcast", "Podcast"]])
    run = _apply([("service_areas.csv", areas), ("assignment_types.csv", types), *files()])

    assert not import_undo(run=run, by=None)

    assert _state() == before
    run.refresh_from_db()
    assert run.undone_at is not None


def test_undoing_an_update_puts_back_every_value_it_replaced():
    _apply(
        files(assignments=[[*row, "|1,5" if n == 0 else ""] for n, row in enumerate(ASSIGNMENTS)])
    )
    before = _state()
    experts = with_cell(EXPERTS, 0, 5, "Kannus")
    assignments = [
        ["X1", "client_panel", "mh_outpatient", "17.3.2025", "3", "cancelled", "E2", "Uusi", ""],
        [*ASSIGNMENTS[1], "0,5"],
    ]
    types = csv_bytes(["code", "name", "name_en"], [["client_panel", "Raati", "Panel"]])
    run = _apply(
        [("assignment_types.csv", types), *files(experts=experts, assignments=assignments)]
    )
    assert _state() != before

    assert not import_undo(run=run, by=None)

    after = _state()
    assert _without_versions(after) == _without_versions(before)
    # every row the undo wrote moved its version on, so a form opened before it is refused
    assert [row[3] for row in after["experts"]] == [3, 1]
    assert Participation.objects.get(
        assignment__external_id="X1", expert__external_id="E2"
    ).hours == Decimal("1.50")


def test_an_undo_is_refused_while_a_row_of_the_import_has_been_changed_since():
    run = _apply(files())
    lecture = Assignment.objects.get(external_id="X2")
    assignment_set_status(assignment=lecture, status="cancelled")

    blockers = import_undo(run=run, by=None)

    assert [(b.row, b.reason) for b in blockers.rows] == [
        ("Assignment X2", "changed since the import")
    ]
    assert Expert.objects.count() == 2 and Assignment.objects.count() == 2
    assert ImportRun.objects.get().undone_at is None


def test_an_undo_is_refused_while_a_later_row_refers_to_a_row_the_import_made():
    """Any relation counts, from any app: here a supervision membership."""
    run = _apply(files())
    GroupMembershipFactory(expert=Expert.objects.get(external_id="E2"))
    AssignmentFactory(type=AssignmentType.objects.get(code="client_support"))  # not the import's

    blockers = import_undo(run=run, by=None)

    assert blockers.total == 1
    assert blockers.rows[0].row == "Expert by experience E2"
    assert "1 group member made since the import refers to it" in blockers.rows[0].reason
    assert Expert.objects.count() == 2


def test_an_undo_is_refused_while_reference_data_it_changed_has_changed_since():
    types = csv_bytes(["code", "name"], [["client_support", "Tuki"]])
    run = _apply([("assignment_types.csv", types)])
    AssignmentType.objects.filter(code="client_support").update(name="Tuki asiakkaalle")

    blockers = import_undo(run=run, by=None)

    assert [(b.row, b.reason) for b in blockers.rows] == [
        ("Assignment type client_support", "changed since the import")
    ]


def test_a_later_import_of_the_same_rows_blocks_the_earlier_ones_undo_not_its_own():
    first = _apply(files())
    second = _apply(files(experts=with_cell(EXPERTS, 0, 5, "Kannus")))

    assert [b.row for b in import_undo(run=first, by=None).rows] == ["Expert by experience E1"]
    assert not import_undo(run=second, by=None)
    assert Expert.objects.get(external_id="E1").municipality == "Kokkola"
    assert not import_undo(run=first, by=None)
    assert not Expert.objects.exists()


def test_an_import_is_undone_once():
    run = _apply(files())
    import_undo(run=run, by=None)

    with pytest.raises(ValidationError, match="already been undone"):
        import_undo(run=run, by=None)


def test_an_import_that_changed_nothing_is_undone_without_changing_anything():
    _apply(files())
    before = _state()
    run = _apply(files())

    assert not import_undo(run=run, by=None)
    assert _state() == before


def test_the_journal_of_a_first_import_holds_keys_not_rows(django_assert_max_num_queries):
    rows = [
        [f"X{n}", "client_support", "mh_outpatient", "10.3.2025", "1", "done", "E1|E2", "T"]
        for n in range(300)
    ]
    run = _apply(files(assignments=rows))

    assert len(run.journal["agreements.assignment"]["created"]) == 300
    assert "agreements.participation" not in run.journal  # they go with their assignments
    # version checks, the rows to remove and the relations to them, in chunks (a query for each
    # model that points at an expert, agreement or participation: more as apps are added); then
    # the writes
    with django_assert_max_num_queries(50):
        assert not import_undo(run=run, by=None)
    assert not Participation.objects.exists()
    assert Agreement.objects.filter(valid_from=datetime.date(2025, 1, 1)).count() == 0


def test_an_import_recorded_before_journals_cannot_be_undone():
    run = _apply(files())
    ImportRun.objects.filter(pk=run.pk).update(journal={})
    run.refresh_from_db()

    blockers = import_undo(run=run, by=None)

    assert [(b.row, b.reason) for b in blockers.rows] == [
        (
            "The whole import",
            "it was made before imports kept what they wrote, so it cannot be undone",
        )
    ]
    assert Expert.objects.count() == 2
