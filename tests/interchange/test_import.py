"""The import: real-world files read right, every bad row refused whole, re-import idempotent."""

import copy
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import F
from django.db.models.functions import Coalesce
from openpyxl import Workbook

from agreements.models import Agreement, Assignment, Participation
from feedback.models import Reflection
from interchange import formats
from interchange.importer import MAX_ERRORS, FileCounts
from interchange.models import ImportRun
from interchange.services import files_from_path, import_data, import_undo
from payroll.models import ReportLine
from registry.models import AssignmentType, Expert, ServiceArea
from tests.factories import AgreementFactory, AssignmentFactory, ParticipationFactory
from tests.interchange.conftest import (
    AGREEMENTS,
    ASSIGNMENTS,
    EXPERTS,
    SAMPLES,
    csv_bytes,
    files,
    with_cell,
)

pytestmark = pytest.mark.django_db


def _written() -> tuple[int, int, int, int]:
    return (
        Expert.objects.count(),
        Agreement.objects.count(),
        Assignment.objects.count(),
        Participation.objects.count(),
    )


def _places(result) -> list[tuple]:
    return [(e.file, e.line, e.column) for e in result.errors]


def test_valid_files_create_the_rows_with_finnish_dates_and_decimal_commas(valid_files):
    result = import_data(valid_files, dry_run=False)

    assert result.ok and result.applied
    assert result.counts["assignments.csv"].create == 2
    aino = Expert.objects.get(external_id="E1")
    assert (aino.last_name, aino.trained, aino.training_completed_on) == (
        "Mäkelä",
        True,
        datetime.date(2020, 2, 1),
    )
    agreement = Agreement.objects.get(number="A1")
    assert agreement.hourly_fee == Decimal("25.50")
    assert agreement.valid_from == datetime.date(2025, 1, 1)
    assert agreement.division.code == "mental_health"
    lecture = Assignment.objects.get(external_id="X1")
    assert lecture.hours == Decimal("2.50")
    assert lecture.date == datetime.date(2025, 3, 10)
    assert sorted(
        lecture.participations.values_list("expert__external_id", "agreement__number")
    ) == [("E1", "A1"), ("E2", "A2")]


def test_empty_optional_cells_mean_the_documented_defaults():
    """docs/interchange.md: an empty kind is a trained expert by experience, an empty
    trained is no, an empty hourly fee is 0."""
    expert = ["E9", "Eeva", "Esimerkki", "", "", "", "", "", ""]
    agreement = ["A9", "E9", "mental_health", "1.1.2025", "1.1.2025", "", "", "active"]

    result = import_data(
        files(experts=[expert], agreements=[agreement], assignments=[]), dry_run=False
    )

    assert result.ok, result.errors
    eeva = Expert.objects.get(external_id="E9")
    assert (eeva.kind, eeva.trained) == ("expert", False)
    assert Agreement.objects.get(number="A9").hourly_fee == Decimal("0.00")


def test_dry_run_counts_but_writes_nothing(valid_files):
    before = _written()

    result = import_data(valid_files, dry_run=True)

    assert result.ok and not result.applied
    assert result.counts["experts.csv"].create == 2
    assert _written() == before


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", False), ("utf-8", True), ("cp1252", False)],
    ids=["utf-8", "utf-8-bom", "windows-1252"],
)
@pytest.mark.parametrize("delimiter", [",", ";"], ids=["comma", "semicolon"])
def test_reads_each_encoding_and_delimiter(encoding, bom, delimiter):
    result = import_data(files(encoding=encoding, bom=bom, delimiter=delimiter), dry_run=False)

    assert result.ok, result.errors
    assert Expert.objects.get(external_id="E2").first_name == "Öljy"
    assert Expert.objects.get(external_id="E1").last_name == "Mäkelä"


def test_quoted_newline_in_a_field_and_the_lines_after_it():
    rows = copy.deepcopy(ASSIGNMENTS)
    rows[0][7] = "Luento\nja keskustelu"
    rows[1][4] = "0"  # starts on text line 4: the record before it spans two lines

    result = import_data(files(assignments=rows), dry_run=True)

    assert _places(result) == [("assignments.csv", 4, "hours")]
    import_data(files(assignments=rows[:1]), dry_run=False)
    assert Assignment.objects.get(external_id="X1").title == "Luento\nja keskustelu"


def test_header_in_any_case_extra_whitespace_and_empty_trailing_lines():
    header = [f"  {name.upper()} " for name in formats.EXPERTS.column_names]
    data = csv_bytes(header, [[f" {cell} " for cell in EXPERTS[0]]], delimiter=";")
    data += b";;;;;;;;\r\n\r\n\r\n"

    result = import_data([("Experts.CSV", data)], dry_run=False)

    assert result.ok, result.errors
    assert result.counts["experts.csv"].create == 1
    assert Expert.objects.get(external_id="E1").municipality == "Kokkola"


def test_unknown_column_is_reported_not_dropped():
    header = [*formats.EXPERTS.column_names, "shoe_size"]
    data = csv_bytes(header, [[*EXPERTS[0], "42"]])

    result = import_data([("experts.csv", data)], dry_run=False)

    assert _places(result) == [("experts.csv", 1, "shoe_size")]
    assert "Unknown column" in result.errors[0].message
    assert not Expert.objects.exists()


def _own_hours(*cells):
    """The valid assignments with an expert_hours cell each (X1 has E1|E2, X2 has E1)."""
    return [[*row, cell] for row, cell in zip(ASSIGNMENTS, cells, strict=True)]


# (what is wrong, the files, file, line, column, words of the message)
BAD_INPUT = [
    (
        "bad date",
        {"agreements": with_cell(AGREEMENTS, 1, 4, "31.2.2025")},
        "agreements.csv",
        3,
        "valid_from",
        "31.2.2025 is not a date: that day does not exist.",
    ),
    (
        "date format",
        {"agreements": with_cell(AGREEMENTS, 0, 4, "1/1/2025")},
        "agreements.csv",
        2,
        "valid_from",
        "1/1/2025 is not a date: write D.M.YYYY or YYYY-MM-DD.",
    ),
    (
        "not a number",
        {"assignments": with_cell(ASSIGNMENTS, 0, 4, "kaksi")},
        "assignments.csv",
        2,
        "hours",
        "kaksi is not a number",
    ),
    (
        "zero hours",
        {"assignments": with_cell(ASSIGNMENTS, 1, 4, "0")},
        "assignments.csv",
        3,
        "hours",
        "more than zero",
    ),
    (
        "hours over 24",
        {"assignments": with_cell(ASSIGNMENTS, 1, 4, "24,5")},
        "assignments.csv",
        3,
        "hours",
        "24 hours",
    ),
    (
        "three decimals",
        {"assignments": with_cell(ASSIGNMENTS, 1, 4, "1,255")},
        "assignments.csv",
        3,
        "hours",
        "1,255 has too many decimals: use at most 2 decimal places.",
    ),
    (
        "unknown kind",
        {"experts": with_cell(EXPERTS, 1, 6, "wizard")},
        "experts.csv",
        3,
        "kind",
        "wizard",
    ),
    (
        "bad boolean",
        {"experts": with_cell(EXPERTS, 1, 7, "maybe")},
        "experts.csv",
        3,
        "trained",
        "maybe is not yes or no",
    ),
    (
        "training date, not trained",
        {"experts": with_cell(EXPERTS, 1, 8, "1.1.2020")},
        "experts.csv",
        3,
        "training_completed_on",
        "trained",
    ),
    (
        "bad e-mail",
        {"experts": with_cell(EXPERTS, 0, 3, "aino@")},
        "experts.csv",
        2,
        "email",
        "aino@ is not a valid e-mail address.",
    ),
    (
        "missing name",
        {"experts": with_cell(EXPERTS, 0, 2, "")},
        "experts.csv",
        2,
        "last_name",
        "required",
    ),
    (
        "too long",
        {"experts": with_cell(EXPERTS, 0, 1, "A" * 101)},
        "experts.csv",
        2,
        "first_name",
        "too long: at most 100 characters, this has 101 (AAAA",
    ),
    (
        "date order",
        {"agreements": with_cell(AGREEMENTS, 0, 5, "31.12.2024")},
        "agreements.csv",
        2,
        "valid_until",
        "The last day of validity cannot be before the first day, 1.1.2025.",
    ),
    (
        "signed without date",
        {"agreements": with_cell(AGREEMENTS, 0, 3, "")},
        "agreements.csv",
        2,
        "signed_on",
        "date it was signed",
    ),
    (
        "negative fee",
        {"agreements": with_cell(AGREEMENTS, 0, 6, "-1")},
        "agreements.csv",
        2,
        "hourly_fee",
        "negative",
    ),
    (
        "unknown status",
        {"agreements": with_cell(AGREEMENTS, 0, 7, "sealed")},
        "agreements.csv",
        2,
        "status",
        "sealed is not one of the values: draft (draft), active (signed, active), ended",
    ),
    (
        "division is a service",
        {"agreements": with_cell(AGREEMENTS, 0, 2, "mh_outpatient")},
        "agreements.csv",
        2,
        "division_code",
        "division",
    ),
    (
        "unknown division",
        {"agreements": with_cell(AGREEMENTS, 0, 2, "mars")},
        "agreements.csv",
        2,
        "division_code",
        "mars",
    ),
    (
        "unknown expert on agreement",
        {
            "agreements": [
                *AGREEMENTS,
                ["A3", "E9", "mental_health", "", "1.1.2025", "", "", "draft"],
            ]
        },
        "agreements.csv",
        4,
        "expert_external_id",
        "E9",
    ),
    (
        "unknown type",
        {"assignments": with_cell(ASSIGNMENTS, 1, 1, "juggling")},
        "assignments.csv",
        3,
        "type_code",
        "juggling",
    ),
    (
        "unknown service area",
        {"assignments": with_cell(ASSIGNMENTS, 0, 2, "moon")},
        "assignments.csv",
        2,
        "service_area_code",
        "moon",
    ),
    (
        "unknown expert on assignment",
        {"assignments": with_cell(ASSIGNMENTS, 0, 6, "E1|E7")},
        "assignments.csv",
        2,
        "expert_external_ids",
        "E7",
    ),
    (
        "expert listed twice",
        {"assignments": with_cell(ASSIGNMENTS, 0, 6, "E1|E1")},
        "assignments.csv",
        2,
        "expert_external_ids",
        "more than once",
    ),
    (
        "no covering agreement",
        {"assignments": with_cell(ASSIGNMENTS, 0, 3, "14.1.2025")},
        "assignments.csv",
        2,
        "expert_external_ids",
        "E2 has no signed agreement",
    ),
    (
        "draft covers nothing",
        {"agreements": with_cell(with_cell(AGREEMENTS, 1, 7, "draft"), 1, 3, "")},
        "assignments.csv",
        2,
        "expert_external_ids",
        "E2 has no signed agreement",
    ),
    (
        "terminated covers until its end",
        {"agreements": with_cell(with_cell(AGREEMENTS, 1, 7, "terminated"), 1, 5, "9.3.2025")},
        "assignments.csv",
        2,
        "expert_external_ids",
        "E2 has no signed agreement",
    ),
    (
        "duplicate key",
        {"experts": [EXPERTS[0], EXPERTS[1], EXPERTS[0]]},
        "experts.csv",
        4,
        "external_id",
        "line 2",
    ),
    (
        "too many values",
        {"experts": [EXPERTS[0], [*EXPERTS[1], "extra"]]},
        "experts.csv",
        3,
        "",
        "more values",
    ),
    (
        "own hours not a number",
        {"assignments": _own_hours("|kaksi", "")},
        "assignments.csv",
        2,
        "expert_hours",
        "kaksi is not a number",
    ),
    (
        "own hours zero",
        {"assignments": _own_hours("0|", "")},
        "assignments.csv",
        2,
        "expert_hours",
        "E1: own hours must be more than zero and at most 24",
    ),
    (
        "own hours over 24",
        {"assignments": _own_hours("", "24,25")},
        "assignments.csv",
        3,
        "expert_hours",
        "at most 24",
    ),
    (
        "own hours not one per expert",
        {"assignments": _own_hours("1,5", "")},
        "assignments.csv",
        2,
        "expert_hours",
        "1 entries for 2 experts",
    ),
]


@pytest.mark.parametrize(
    ("changes", "file", "line", "column", "words"),
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
def test_bad_input_is_refused_whole_naming_file_line_and_column(changes, file, line, column, words):
    before = _written()

    result = import_data(files(**changes), dry_run=False)

    assert not result.applied
    assert _places(result) == [(file, line, column)], result.errors
    assert words in result.errors[0].message
    assert _written() == before


def test_missing_required_column_is_named():
    header = [c for c in formats.EXPERTS.column_names if c != "last_name"]
    data = csv_bytes(header, [[c for i, c in enumerate(EXPERTS[0]) if i != 2]])

    result = import_data([("experts.csv", data)], dry_run=False)

    assert _places(result) == [("experts.csv", 1, "last_name")]
    assert "missing" in result.errors[0].message


def test_unknown_file_and_not_a_workbook_are_refused():
    result = import_data(
        [("people.csv", b"a,b\n1,2\n"), ("book.xlsx", b"not a zip")], dry_run=False
    )

    assert _places(result) == [("people.csv", None, ""), ("book.xlsx", None, "")]


def test_all_errors_are_listed_not_only_the_first():
    result = import_data(
        files(
            experts=with_cell(EXPERTS, 0, 6, "wizard"),
            assignments=with_cell(with_cell(ASSIGNMENTS, 0, 4, "-1"), 1, 1, "juggling"),
        ),
        dry_run=True,
    )

    assert _places(result) == [
        ("experts.csv", 2, "kind"),
        ("assignments.csv", 2, "hours"),
        ("assignments.csv", 3, "type_code"),
    ]


def test_errors_stop_at_the_cap():
    rows = [[f"E{n}", "Aino", "Mäkelä", "", "", "", "wizard", "no", ""] for n in range(300)]

    result = import_data(files(experts=rows, agreements=[], assignments=[]), dry_run=True)

    assert len(result.errors) == MAX_ERRORS
    assert result.more_errors


def test_broken_row_is_not_reported_again_where_it_is_referred_to():
    result = import_data(files(experts=with_cell(EXPERTS, 1, 6, "wizard")), dry_run=True)

    assert _places(result) == [("experts.csv", 3, "kind")]


def test_reimporting_the_same_files_changes_nothing(valid_files):
    import_data(valid_files, dry_run=False)
    versions = list(Assignment.objects.order_by("pk").values_list("version", "updated_at"))

    result = import_data(valid_files, dry_run=False)

    assert result.ok
    assert {name: (c.create, c.update) for name, c in result.counts.items()} == {
        "experts.csv": (0, 0),
        "agreements.csv": (0, 0),
        "assignments.csv": (0, 0),
    }
    assert result.counts["assignments.csv"].unchanged == 2
    assert list(Assignment.objects.order_by("pk").values_list("version", "updated_at")) == versions
    assert _written() == (2, 2, 2, 3)


def test_a_changed_row_updates_its_record_and_its_experts(valid_files):
    import_data(valid_files, dry_run=False)
    lecture = Assignment.objects.get(external_id="X1")
    changed = with_cell(with_cell(ASSIGNMENTS, 0, 4, "3"), 0, 6, "E2")

    result = import_data(files(assignments=changed), dry_run=False)

    assert result.counts["assignments.csv"].update == 1
    assert result.counts["assignments.csv"].unchanged == 1
    lecture.refresh_from_db()
    assert lecture.hours == Decimal("3.00")
    assert lecture.version == 2  # an edit form opened before the import is refused
    assert list(lecture.participations.values_list("expert__external_id", flat=True)) == ["E2"]


@pytest.mark.parametrize("plan_slice", [1, 10_000])
def test_assignments_planned_in_slices_change_the_same_rows(valid_files, monkeypatch, plan_slice):
    """The rows are planned a slice at a time with their stored rows; a slice of one row
    must give the changes, writes and undo of one slice for all."""
    monkeypatch.setattr("interchange.importer.PLAN_SLICE", plan_slice)
    import_data(valid_files, dry_run=False)
    Participation.objects.filter(expert__external_id="E2").update(hours=Decimal("1.5"))
    third = ["X3", "client_support", "mh_outpatient", "11.3.2025", "1", "done", "E2", "Uusi"]
    changed = [*with_cell(ASSIGNMENTS, 0, 6, "E1"), third]

    result = import_data(files(assignments=changed), dry_run=False)

    assert (result.counts["assignments.csv"].create, result.counts["assignments.csv"].update) == (
        1,
        1,
    )
    assert _changes(result, "assignments.csv") == {
        "X1": [
            ("expert_external_ids", "E1|E2", "E1"),
            ("expert_hours", "|1.50", ""),
        ]
    }
    experts = Participation.objects.order_by("assignment__external_id", "expert__external_id")
    assert list(experts.values_list("assignment__external_id", "expert__external_id")) == [
        ("X1", "E1"),
        ("X2", "E1"),
        ("X3", "E2"),
    ]
    assert not import_undo(run=ImportRun.objects.get(pk=result.run_id), by=None)
    assert _own_hours_by_expert() == {"E1": None, "E2": Decimal("1.50")}


def test_a_changed_expert_row_moves_the_version_on(valid_files):
    import_data(valid_files, dry_run=False)

    result = import_data(files(experts=with_cell(EXPERTS, 0, 5, "Kannus")), dry_run=False)

    assert result.counts["experts.csv"].update == 1
    versions = dict(Expert.objects.values_list("external_id", "version"))
    assert versions == {"E1": 2, "E2": 1}  # an edit form opened before the import is refused
    assert Expert.objects.get(external_id="E1").municipality == "Kannus"


def test_participation_keeps_its_own_hours_when_its_expert_stays(valid_files):
    import_data(valid_files, dry_run=False)
    Participation.objects.filter(expert__external_id="E1", assignment__external_id="X1").update(
        hours=Decimal("1.5")
    )

    import_data(files(assignments=with_cell(ASSIGNMENTS, 0, 7, "Uusi nimi")), dry_run=False)

    assert Participation.objects.get(
        expert__external_id="E1", assignment__external_id="X1"
    ).hours == Decimal("1.50")


def _reflect(participation):
    Reflection.objects.create(participation=participation, load=3, how_it_went="Hyvin")


def _report_hours(participation):
    ReportLine.objects.create(
        participation=participation,
        agreement=participation.agreement,
        hours=Decimal("2.5"),
        hourly_fee=Decimal("20"),
        assignment_fee=Decimal("0"),
        kilometre_rate=Decimal("0.25"),
    )


@pytest.mark.parametrize("keeps", [_reflect, _report_hours])
def test_an_expert_who_reflected_or_reported_hours_is_not_taken_off_the_assignment(
    valid_files, keeps
):
    import_data(valid_files, dry_run=False)
    participation = Participation.objects.get(
        expert__external_id="E2", assignment__external_id="X1"
    )
    keeps(participation)

    result = import_data(files(assignments=with_cell(ASSIGNMENTS, 0, 6, "E1")), dry_run=False)

    assert not result.applied
    assert _places(result) == [("assignments.csv", 2, "expert_external_ids")]
    assert "E2" in result.errors[0].message
    assert Participation.objects.filter(pk=participation.pk).exists()
    assert Reflection.objects.count() + ReportLine.objects.count() == 1


def _own_hours_by_expert(external_id="X1"):
    return dict(
        Participation.objects.filter(assignment__external_id=external_id).values_list(
            "expert__external_id", "hours"
        )
    )


def test_expert_hours_set_each_experts_own_hours_in_the_order_of_the_ids():
    result = import_data(files(assignments=_own_hours("|1,5", "0.75")), dry_run=False)

    assert result.applied, result.errors
    assert _own_hours_by_expert("X1") == {"E1": None, "E2": Decimal("1.50")}
    assert _own_hours_by_expert("X2") == {"E1": Decimal("0.75")}


def test_expert_hours_reimported_unchanged_change_nothing_and_an_empty_cell_clears_them():
    import_data(files(assignments=_own_hours("2|1,5", "")), dry_run=False)

    again = import_data(files(assignments=_own_hours("2,00|1.5", "")), dry_run=False)
    assert again.counts["assignments.csv"].unchanged == 2

    cleared = import_data(files(assignments=_own_hours("", "")), dry_run=False)
    assert cleared.counts["assignments.csv"].update == 1
    assert _own_hours_by_expert("X1") == {"E1": None, "E2": None}


def test_a_file_without_expert_hours_keeps_own_hours_and_counts_the_row_unchanged(valid_files):
    import_data(files(assignments=_own_hours("2|", "")), dry_run=False)

    result = import_data(valid_files, dry_run=False)

    assert result.counts["assignments.csv"].unchanged == 2
    assert _own_hours_by_expert("X1") == {"E1": Decimal("2.00"), "E2": None}


def test_a_later_agreement_sets_the_fee_of_a_reimported_assignment(valid_files):
    import_data(valid_files, dry_run=False)
    later = [*AGREEMENTS, ["A3", "E1", "mental_health", "1.3.2025", "1.3.2025", "", "30", "active"]]

    result = import_data(files(agreements=later), dry_run=False)

    assert result.counts["assignments.csv"].update == 2
    assert set(
        Participation.objects.filter(expert__external_id="E1").values_list(
            "agreement__number", flat=True
        )
    ) == {"A3"}


def test_agreement_change_that_uncovers_an_existing_assignment_is_refused():
    participation = ParticipationFactory(
        agreement=AgreementFactory(number="A1", expert__external_id="E1"),
        assignment=AssignmentFactory(date=datetime.date(2025, 3, 10)),
    )
    division = participation.agreement.division.code
    shorter = [["A1", "E1", division, "15.12.2024", "1.1.2025", "28.2.2025", "25", "active"]]

    result = import_data(files(experts=[], agreements=shorter, assignments=[]), dry_run=False)

    assert _places(result) == [("agreements.csv", 2, "status")]
    assert "10.3.2025" in result.errors[0].message


def test_service_areas_and_types_two_levels_in_any_order():
    areas = csv_bytes(
        formats.SERVICE_AREAS.column_names,
        [["lapset", "Lastensuojelu", "perhe"], ["perhe", "Perhepalvelut", ""]],
    )
    types = csv_bytes(formats.ASSIGNMENT_TYPES.column_names, [["podcast", "Podcast"]])

    result = import_data(
        [("service_areas.csv", areas), ("assignment_types.csv", types)], dry_run=False
    )

    assert result.ok, result.errors
    assert ServiceArea.objects.get(code="lapset").parent.code == "perhe"
    assert AssignmentType.objects.filter(code="podcast").exists()


def test_service_area_under_a_service_is_refused():
    areas = csv_bytes(formats.SERVICE_AREAS.column_names, [["deep", "Syvä", "mh_outpatient"]])

    result = import_data([("service_areas.csv", areas)], dry_run=False)

    assert _places(result) == [("service_areas.csv", 2, "parent_code")]
    assert "two levels" in result.errors[0].message


def test_the_sample_spreadsheets_import_and_reimport_unchanged():
    result = import_data(files_from_path(Path(SAMPLES)), dry_run=False)

    assert result.ok, result.errors
    assert result.counts["assignments.csv"].create == 300
    assert Expert.objects.get(external_id="EXP-0005").first_name == "Örjan"
    assert Assignment.objects.get(external_id="AS-00000").title == 'Luento, "Toipumisen polku"'
    again = import_data(files_from_path(Path(SAMPLES)), dry_run=False)
    assert all(c.create == c.update == 0 for c in again.counts.values())


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def test_one_workbook_with_native_dates_and_numbers():
    workbook = _workbook(
        {
            "experts": [
                formats.EXPERTS.column_names,
                ["E1", "Aino", "Mäkelä", None, 40123, None, "expert", True, None],
            ],
            "agreements": [
                formats.AGREEMENTS.column_names,
                [
                    "A1",
                    "E1",
                    "mental_health",
                    datetime.datetime(2024, 12, 15),
                    datetime.datetime(2025, 1, 1),
                    None,
                    25.5,
                    "active",
                ],
            ],
            "assignments.csv": [
                formats.ASSIGNMENTS.column_names,
                [
                    "X1",
                    "client_support",
                    "mh_outpatient",
                    datetime.datetime(2025, 3, 10),
                    2.5,
                    "done",
                    "E1",
                    "Luento",
                ],
                [None] * 8,
                ["X2", "client_support", "mh_outpatient", "1.4.2025", 0, "done", "E1", "Ei"],
            ],
        }
    )

    refused = import_data([("kokemus.xlsx", workbook)], dry_run=False)
    assert _places(refused) == [("assignments.csv", 4, "hours")]

    result = import_data([("kokemus.xlsx", _drop_last_row(workbook))], dry_run=False)
    assert result.ok, result.errors
    assert Expert.objects.get(external_id="E1").phone == "40123"
    assert Agreement.objects.get(number="A1").hourly_fee == Decimal("25.50")
    assert Assignment.objects.get(external_id="X1").hours == Decimal("2.50")


def _drop_last_row(data: bytes) -> bytes:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["assignments.csv"]
    sheet.delete_rows(sheet.max_row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_only_an_applied_import_is_recorded_for_the_audit_trail(valid_files):
    import_data(valid_files, dry_run=True)
    import_data(files(assignments=with_cell(ASSIGNMENTS, 0, 4, "kaksi")), dry_run=False)
    assert not ImportRun.objects.exists()

    import_data(valid_files, dry_run=False)
    import_data(valid_files, dry_run=False)  # all unchanged: still an import someone ran

    runs = ImportRun.objects.order_by("pk")
    assert [run.counts["experts.csv"]["create"] for run in runs] == [2, 0]
    assert runs[1].counts["experts.csv"]["unchanged"] == 2
    assert runs[0].imported_by is None  # no user: the command line


@pytest.mark.parametrize("count", [2, 120])
def test_the_import_runs_the_same_number_of_queries_for_few_rows_and_many(
    count, django_assert_max_num_queries
):
    rows = [
        [f"X{n}", "client_support", "mh_outpatient", "10.3.2025", "1", "done", "E1|E2", "T", "|2"]
        for n in range(count)
    ]
    # lookups in chunks of 500, writes in batches of 1,000 (COPY on PostgreSQL is not counted)
    with django_assert_max_num_queries(16):
        result = import_data(files(assignments=rows), dry_run=False)
    assert result.applied and Participation.objects.count() == 2 * count


# what the preview says (issue 16) ------------------------------------------------------------


def _changes(result, file: str) -> dict[str, list[tuple]]:
    return {
        row.key: [(c.column, c.old, c.new) for c in row.changes]
        for row in result.changes.get(file, [])
    }


def test_each_row_to_update_lists_its_changed_columns_old_and_new(valid_files):
    import_data(valid_files, dry_run=False)
    experts = with_cell(with_cell(EXPERTS, 0, 5, "Kannus"), 0, 6, "guide")
    agreements = with_cell(AGREEMENTS, 1, 6, "22,5")
    assignments = with_cell(with_cell(ASSIGNMENTS, 0, 6, "E1"), 1, 3, "2.4.2025")

    result = import_data(
        files(experts=experts, agreements=agreements, assignments=assignments), dry_run=True
    )

    assert _changes(result, "experts.csv") == {
        "E1": [
            ("municipality", "Kokkola", "Kannus"),
            ("kind", "trained expert by experience", "experience guide"),
        ]
    }
    assert _changes(result, "agreements.csv") == {"A2": [("hourly_fee", "20.00", "22.50")]}
    assert _changes(result, "assignments.csv") == {
        "X1": [("expert_external_ids", "E1|E2", "E1")],
        "X2": [("date", "1.4.2025", "2.4.2025")],
    }
    assert result.counts["assignments.csv"].update == 2


def test_changed_references_are_shown_by_their_codes_and_keys(valid_files):
    import_data(valid_files, dry_run=False)
    AgreementFactory(number="A9", expert__external_id="E9", division__code="elsewhere")
    moved = [["A9", "E1", "health", "1.1.2025", "1.1.2025", "", "10", "active"]]
    areas = csv_bytes(formats.SERVICE_AREAS.column_names[:3], [["hospital", "Sairaala", ""]])

    result = import_data(
        [("service_areas.csv", areas), *files(experts=[], agreements=moved, assignments=[])],
        dry_run=True,
    )

    assert _changes(result, "agreements.csv")["A9"][-2:] == [
        ("expert_external_id", "E9", "E1"),
        ("division_code", "elsewhere", "health"),
    ]
    assert _changes(result, "service_areas.csv") == {
        "hospital": [("name", "Sairaalapalvelut", "Sairaala"), ("parent_code", "health", "")]
    }


def test_the_list_of_changes_stops_but_the_count_does_not(valid_files, monkeypatch):
    monkeypatch.setattr("interchange.importer.MAX_CHANGES_SHOWN", 1)
    import_data(valid_files, dry_run=False)

    result = import_data(
        files(experts=[[*row[:5], "Oulu", *row[6:]] for row in EXPERTS]), dry_run=True
    )

    assert result.counts["experts.csv"].update == 2
    assert list(_changes(result, "experts.csv")) == ["E1"]


def test_a_new_code_with_the_name_of_an_existing_one_is_named_with_its_match():
    areas = csv_bytes(
        formats.SERVICE_AREAS.column_names[:3],
        [["perhe", "perhe- ja SOSIAALIPALVELUT ", ""], ["outo", "Outo", ""]],
    )

    result = import_data([("service_areas.csv", areas)], dry_run=True)

    assert [(s.file, s.line, s.code, s.existing, s.mapped_to) for s in result.same_names] == [
        ("service_areas.csv", 2, "perhe", [("family_social", "Perhe- ja sosiaalipalvelut")], "")
    ]


def test_a_mapped_code_is_the_existing_one_in_every_file_of_the_import():
    areas = csv_bytes(
        formats.SERVICE_AREAS.column_names,
        [
            ["perhe", "Perhe- ja sosiaalipalvelut", "", "Familjetjänster", ""],
            ["lapset", "Lapset", "perhe", "", ""],
        ],
    )
    agreements = [["A1", "E1", "perhe", "15.12.2024", "1.1.2025", "", "25", "active"]]
    assignments = [["X1", "client_support", "perhe", "10.3.2025", "2", "done", "E1", "T"]]
    pairs = [
        ("service_areas.csv", areas),
        *files(experts=EXPERTS[:1], agreements=agreements, assignments=assignments),
    ]

    result = import_data(
        pairs, dry_run=False, mapping={"service_areas.csv": {"perhe": "family_social"}}
    )

    assert result.applied, result.errors
    assert result.counts["service_areas.csv"] == FileCounts(create=1, update=1, unchanged=0)
    assert _changes(result, "service_areas.csv") == {
        "family_social": [
            ("name_sv", "Familje- och socialtjänster", "Familjetjänster"),
            ("name_en", "Family and social services", ""),
        ]
    }
    assert [s.mapped_to for s in result.same_names] == ["family_social"]
    assert not ServiceArea.objects.filter(code="perhe").exists()
    assert ServiceArea.objects.get(code="lapset").parent.code == "family_social"
    assert Agreement.objects.get().division.code == "family_social"
    assert Assignment.objects.get().service_area.code == "family_social"


def test_a_mapping_onto_a_code_the_file_also_has_is_refused():
    areas = csv_bytes(
        formats.SERVICE_AREAS.column_names[:3],
        [["perhe", "Perhe- ja sosiaalipalvelut", ""], ["family_social", "Perhe", ""]],
    )

    result = import_data(
        [("service_areas.csv", areas)],
        dry_run=True,
        mapping={"service_areas.csv": {"perhe": "family_social"}},
    )

    assert _places(result) == [("service_areas.csv", 3, "code")]
    assert result.errors[0].message == (
        "family_social is to be used for perhe, but the file has family_social on line 2 "
        "too. Keep one of them."
    )


def test_a_mapping_onto_a_code_that_is_not_in_kokemus_is_refused():
    types = csv_bytes(["code", "name"], [["tuki", "Tuki"]])

    result = import_data(
        [("assignment_types.csv", types)],
        dry_run=True,
        mapping={"assignment_types.csv": {"tuki": "nothing_such"}},
    )

    assert _places(result) == [("assignment_types.csv", 2, "code")]
    assert "nothing_such is not in Kokemus" in result.errors[0].message


# codes as the pages write them (issue 16) -----------------------------------------------------


@pytest.mark.parametrize(
    ("column", "words", "code"),
    [
        (("experts", 6), ["Vertaistoimija", "KAMRATSTÖDJARE", "peer worker", "Peer"], "peer"),
        (("experts", 6), ["kokemusohjaaja", "Erfarenhetshandledare"], "guide"),
        (("agreements", 7), ["allekirjoitettu, voimassa", "Voimassa", "gällande"], "active"),
        (("agreements", 7), ["päättynyt", "PAATTYNYT", "avslutat"], "ended"),
        (("assignments", 5), ["TEHTY", "utfört", "Done"], "done"),
        (("assignments", 5), ["Peruttu", "inställt", "peruttu "], "cancelled"),
    ],
)
def test_kinds_and_statuses_are_taken_in_finnish_swedish_and_english_in_any_case(
    column, words, code
):
    (file, index), rows = column, {"experts": EXPERTS, "agreements": AGREEMENTS}
    for word in words:
        changed = with_cell(rows.get(file, ASSIGNMENTS), 1, index, word)

        result = import_data(files(**{file: changed}), dry_run=True)

        assert result.ok, (word, result.errors)
    import_data(files(**{file: changed}), dry_run=False)
    model = {"experts": Expert, "agreements": Agreement, "assignments": Assignment}[file]
    field = "kind" if file == "experts" else "status"
    assert model.objects.order_by("pk").values_list(field, flat=True)[1] == code


def test_no_word_stands_for_two_values():
    from agreements.models import AgreementStatus, AssignmentStatus
    from registry.models import ExpertKind

    for choices in (ExpertKind, AgreementStatus, AssignmentStatus):
        words = formats.choice_words(choices)
        for value, label in choices.choices:
            assert words[value] == value
            assert words[formats.folded(str(label))] == value


def test_a_message_repeats_the_wrong_value_in_the_language_of_the_page():
    from django.utils import translation

    with translation.override("fi"):
        result = import_data(
            files(agreements=with_cell(AGREEMENTS, 0, 4, "31.2.2024")), dry_run=True
        )

    assert result.errors[0].message.startswith("31.2.2024 ei ole päivämäärä")


def _days_as_their_assignments() -> bool:
    kept = Participation.objects.filter(
        first_day=F("assignment__date"),
        last_day=Coalesce("assignment__end_date", "assignment__date"),
    )
    return kept.count() == Participation.objects.count() > 0


def test_imported_participations_carry_their_assignments_days(valid_files):
    """The import writes the days of its new rows itself; a moved date reaches the rest."""
    import_data(valid_files, dry_run=False)
    assert _days_as_their_assignments()

    import_data(files(assignments=with_cell(ASSIGNMENTS, 0, 3, "17.3.2025")), dry_run=False)
    moved = datetime.date(2025, 3, 17)
    lecture = Assignment.objects.get(external_id="X1")
    assert set(lecture.participations.values_list("first_day", "last_day")) == {(moved, moved)}
    assert _days_as_their_assignments()
