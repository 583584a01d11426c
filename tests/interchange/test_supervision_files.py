"""Professionals and supervision in the interchange (issue 20): the five optional files import
like the others, all or nothing, idempotent, with a preview and an undo."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from interchange import formats
from interchange.models import ImportRun
from interchange.services import import_data, import_undo
from registry.models import Expert, Professional
from supervision.models import Attendance, GroupMembership, SupervisionGroup, SupervisionSession
from supervision.services import membership_update
from tests.factories import SupervisionGroupFactory
from tests.interchange.conftest import SAMPLES, csv_bytes, files, with_cell

pytestmark = pytest.mark.django_db

PROFESSIONALS = [
    [
        "P1",
        "Pirjo",
        "Ammattilainen",
        "sosiaaliohjaaja",
        "pirjo@example.fi",
        "040 1",
        "mh_outpatient",
        "",
    ],
    ["P2", "Paavo", "Hoitaja", "", "", "", "", ""],
    ["P3", "Sanna", "Ohjaaja", "työnohjaaja", "", "", "", "Vertaisohjaaja"],
]
GROUPS = [
    [
        "G1",
        "Yhteinen ryhmä",
        "joint",
        "mental_health",
        "P3",
        "1.1.2025",
        "yes",
    ],
    ["G2", "Vertaiset", "kokemustoimijoiden vertaisryhmä", "", "", "", "kyllä"],
]
MEMBERS = [
    ["G1", "E1", "", "1.1.2025", ""],
    ["G1", "", "P1", "2025-01-01", ""],
    ["G2", "E2", "", "", ""],
]
SESSIONS = [
    ["S1", "G1", "12.3.2025", "14.30", "90", "Alustaja", "Kokkola", "coping|roles_boundaries"],
    ["S2", "G2", "2025-04-02", "", "", "", "", ""],
]
ATTENDANCE = [
    ["S1", "E1", "", "yes"],
    ["S1", "", "P1", "no"],
    ["S2", "E2", "", "kyllä"],
]
SUPERVISION = {
    formats.PROFESSIONALS: PROFESSIONALS,
    formats.SUPERVISION_GROUPS: GROUPS,
    formats.SUPERVISION_MEMBERS: MEMBERS,
    formats.SUPERVISION_SESSIONS: SESSIONS,
    formats.SUPERVISION_ATTENDANCE: ATTENDANCE,
}


def supervision_files(**changes) -> list[tuple[str, bytes]]:
    """The three files of people and work, and the supervision files; ``changes`` replace
    the rows of a file by its name without .csv (``supervision_members=[...]``)."""
    tables = []
    for spec, rows in SUPERVISION.items():
        rows = changes.get(spec.name.removesuffix(".csv"), rows)
        tables.append((spec.name, csv_bytes(spec.column_names, rows)))
    return [*files(), *tables]


def _places(result) -> list[tuple]:
    return [(e.file, e.line, e.column) for e in result.errors]


def _state() -> dict:
    return {
        "professionals": sorted(
            Professional.objects.values_list(
                "external_id", "first_name", "title", "service_area__code"
            )
        ),
        "groups": sorted(
            SupervisionGroup.objects.values_list(
                "external_id",
                "name",
                "kind",
                "division__code",
                "supervisor__external_id",
                "is_active",
            )
        ),
        "members": sorted(
            GroupMembership.objects.values_list(
                "group__external_id",
                "expert__external_id",
                "professional__external_id",
                "joined_on",
                "left_on",
            ),
            key=str,
        ),
        "sessions": sorted(
            SupervisionSession.objects.values_list(
                "external_id", "group__external_id", "date", "duration_minutes", "location"
            )
        ),
        "topics": sorted(
            SupervisionSession.topics.through.objects.values_list(
                "supervisionsession__external_id", "supervisiontopic__code"
            )
        ),
        "attendance": sorted(
            Attendance.objects.values_list(
                "session__external_id",
                "membership__expert__external_id",
                "membership__professional__external_id",
                "present",
            ),
            key=str,
        ),
    }


def _apply(pairs):
    result = import_data(pairs, dry_run=False)
    assert result.applied, result.errors
    return result


def test_each_file_creates_its_rows():
    result = _apply(supervision_files())

    assert {name: c.create for name, c in result.counts.items() if "csv" in name} == {
        "experts.csv": 2,
        "agreements.csv": 2,
        "assignments.csv": 2,
        "professionals.csv": 3,
        "supervision_groups.csv": 2,
        "supervision_members.csv": 3,
        "supervision_sessions.csv": 2,
        "supervision_attendance.csv": 3,
    }
    pirjo = Professional.objects.get(external_id="P1")
    assert (pirjo.title, pirjo.email, pirjo.service_area.code) == (
        "sosiaaliohjaaja",
        "pirjo@example.fi",
        "mh_outpatient",
    )
    peers = SupervisionGroup.objects.get(external_id="G2")
    assert (peers.kind, peers.division, peers.is_active) == ("peer", None, True)
    joint = SupervisionGroup.objects.get(external_id="G1")
    assert (joint.division.code, joint.supervisor.peer_work_experience, joint.started_on) == (
        "mental_health",
        "Vertaisohjaaja",
        datetime.date(2025, 1, 1),
    )
    session = SupervisionSession.objects.get(external_id="S1")
    assert (session.start_time, session.duration_minutes, session.location) == (
        datetime.time(14, 30),
        90,
        "Kokkola",
    )
    assert sorted(session.topics.values_list("code", flat=True)) == ["coping", "roles_boundaries"]
    assert SupervisionSession.objects.get(external_id="S2").duration_minutes == 90  # the default
    assert _state()["attendance"] == sorted(
        [("S1", "E1", None, True), ("S1", None, "P1", False), ("S2", "E2", None, True)], key=str
    )


def test_an_import_without_the_supervision_files_changes_no_supervision_data():
    _apply(supervision_files())
    before = _state()

    result = _apply(files())

    assert "supervision_groups.csv" not in result.counts
    assert _state() == before


def test_members_and_attendance_may_name_rows_already_in_kokemus():
    _apply(supervision_files())

    result = _apply(
        [
            (
                formats.SUPERVISION_MEMBERS.name,
                csv_bytes(["group_external_id", "expert_external_id"], [["G2", "E1"]]),
            ),
            (
                formats.SUPERVISION_ATTENDANCE.name,
                csv_bytes(
                    ["session_external_id", "expert_external_id", "present"], [["S2", "E1", "no"]]
                ),
            ),
        ]
    )

    assert result.counts["supervision_members.csv"].create == 1
    assert Attendance.objects.filter(session__external_id="S2").count() == 2


BAD_INPUT = [
    (
        "unknown group",
        {
            "supervision_members": with_cell(MEMBERS, 0, 0, "G9"),
            "supervision_attendance": ATTENDANCE[1:],
        },
        "supervision_members.csv",
        2,
        "group_external_id",
        "Unknown supervision group G9",
    ),
    (
        "unknown expert",
        {
            "supervision_members": with_cell(MEMBERS, 2, 1, "E9"),
            "supervision_attendance": ATTENDANCE[:2],
        },
        "supervision_members.csv",
        4,
        "expert_external_id",
        "Unknown expert E9",
    ),
    (
        "both member keys",
        {"supervision_members": with_cell(MEMBERS, 0, 2, "P1")},
        "supervision_members.csv",
        2,
        "professional_external_id",
        "not both",
    ),
    (
        "neither member key",
        {
            "supervision_members": with_cell(MEMBERS, 0, 1, ""),
            "supervision_attendance": ATTENDANCE[1:],
        },
        "supervision_members.csv",
        2,
        "expert_external_id",
        "Give expert_external_id or professional_external_id",
    ),
    (
        "bad date",
        {"supervision_sessions": with_cell(SESSIONS, 1, 2, "31.2.2025")},
        "supervision_sessions.csv",
        3,
        "date",
        "that day does not exist",
    ),
    (
        "bad kind",
        {"supervision_groups": with_cell(GROUPS, 0, 2, "wizards")},
        "supervision_groups.csv",
        2,
        "kind",
        "is not one of the values",
    ),
    (
        "a service as the division",
        {"supervision_groups": with_cell(GROUPS, 0, 3, "mh_outpatient")},
        "supervision_groups.csv",
        2,
        "division_code",
        "is a service, not a division",
    ),
    (
        "left before joined",
        {"supervision_members": with_cell(MEMBERS, 0, 4, "31.12.2024")},
        "supervision_members.csv",
        2,
        "left_on",
        "Leaving cannot be before joining",
    ),
    (
        "unknown professional",
        {
            "supervision_members": with_cell(MEMBERS, 1, 2, "P9"),
            "supervision_attendance": ATTENDANCE[::2],
        },
        "supervision_members.csv",
        3,
        "professional_external_id",
        "Unknown professional P9",
    ),
    (
        "bad time",
        {"supervision_sessions": with_cell(SESSIONS, 0, 3, "25.00")},
        "supervision_sessions.csv",
        2,
        "start_time",
        "is not a time of day",
    ),
    (
        "too long a session",
        {"supervision_sessions": with_cell(SESSIONS, 0, 4, "1500")},
        "supervision_sessions.csv",
        2,
        "duration_minutes",
        "between 1 minute and 24 hours",
    ),
    (
        "unknown topic",
        {"supervision_sessions": with_cell(SESSIONS, 0, 7, "coping|juggling")},
        "supervision_sessions.csv",
        2,
        "topic_codes",
        "Unknown topic juggling",
    ),
    (
        "unknown session",
        {"supervision_attendance": with_cell(ATTENDANCE, 0, 0, "S9")},
        "supervision_attendance.csv",
        2,
        "session_external_id",
        "Unknown supervision session S9",
    ),
    (
        "not a member of the group",
        {"supervision_attendance": with_cell(ATTENDANCE, 2, 1, "E1")},
        "supervision_attendance.csv",
        4,
        "expert_external_id",
        "E1 is not a member of the session's group",
    ),
    (
        "a member twice",
        {"supervision_members": [*MEMBERS, ["G1", "E1", "", "", ""]]},
        "supervision_members.csv",
        5,
        "group_external_id",
        "G1 | E1 is already on line 2",
    ),
    (
        "bad present",
        {"supervision_attendance": with_cell(ATTENDANCE, 0, 3, "maybe")},
        "supervision_attendance.csv",
        2,
        "present",
        "is not yes or no",
    ),
]


@pytest.mark.parametrize(
    ("changes", "file", "line", "column", "words"),
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
def test_bad_input_is_refused_whole_naming_file_line_and_column(changes, file, line, column, words):
    result = import_data(supervision_files(**changes), dry_run=False)

    assert not result.applied
    assert _places(result) == [(file, line, column)], result.errors
    assert words in result.errors[0].message
    assert not Expert.objects.exists() and not SupervisionGroup.objects.exists()


def test_reimporting_the_same_files_changes_nothing():
    _apply(supervision_files())
    before = _state()
    versions = list(SupervisionSession.objects.values_list("version", flat=True))

    result = _apply(supervision_files())

    assert all(c.create == c.update == 0 for c in result.counts.values()), result.counts
    assert result.counts["supervision_attendance.csv"].unchanged == 3
    assert _state() == before
    assert list(SupervisionSession.objects.values_list("version", flat=True)) == versions


def _changes(result, file: str) -> dict[str, list[tuple]]:
    return {
        row.key: [(c.column, c.old, c.new) for c in row.changes]
        for row in result.changes.get(file, [])
    }


def _changed_supervision() -> list[tuple[str, bytes]]:
    return supervision_files(
        professionals=with_cell(PROFESSIONALS, 0, 6, "mental_health"),
        supervision_groups=with_cell(with_cell(GROUPS, 0, 2, "pair"), 1, 6, "no"),
        supervision_members=with_cell(MEMBERS, 0, 4, "30.6.2025"),
        supervision_sessions=with_cell(with_cell(SESSIONS, 0, 7, "coping"), 1, 4, "60"),
        supervision_attendance=with_cell(ATTENDANCE, 1, 3, "yes"),
    )


def test_the_preview_lists_each_change_old_and_new():
    _apply(supervision_files())

    result = import_data(_changed_supervision(), dry_run=True)

    assert _changes(result, "professionals.csv") == {
        "P1": [("service_area_code", "mh_outpatient", "mental_health")]
    }
    assert _changes(result, "supervision_groups.csv") == {
        "G1": [("kind", "joint supervision of experts and professionals", "work-pair supervision")],
        "G2": [("active", "yes", "no")],
    }
    assert _changes(result, "supervision_members.csv") == {
        "G1 | E1": [("left_on", "", "30.6.2025")]
    }
    assert _changes(result, "supervision_sessions.csv") == {
        "S1": [("topic_codes", "coping|roles_boundaries", "coping")],
        "S2": [("duration_minutes", "90", "60")],
    }
    assert _changes(result, "supervision_attendance.csv") == {"S1 | P1": [("present", "no", "yes")]}
    assert not SupervisionGroup.objects.filter(kind="pair").exists()


def test_undo_removes_what_the_import_created():
    _apply(files())
    before = _state()
    result = _apply(supervision_files())

    assert not import_undo(run=ImportRun.objects.get(pk=result.run_id), by=None)

    assert _state() == before
    assert not Professional.objects.exists()


def test_undo_restores_what_the_import_changed():
    _apply(supervision_files())
    before = _state()
    result = _apply(_changed_supervision())
    assert _state() != before

    assert not import_undo(run=ImportRun.objects.get(pk=result.run_id), by=None)

    assert _state() == before
    # each versioned row the undo wrote moved its version on, as a save does
    assert SupervisionSession.objects.get(external_id="S1").version == 3
    assert SupervisionGroup.objects.get(external_id="G1").version == 3


def test_a_member_form_opened_before_an_import_or_its_undo_is_refused():
    _apply(supervision_files())
    member = GroupMembership.objects.get(group__external_id="G1", expert__external_id="E1")
    result = _apply(_changed_supervision())  # E1 left G1
    member.refresh_from_db()
    assert (member.left_on, member.version) == (datetime.date(2025, 6, 30), 2)
    with pytest.raises(ValidationError):
        membership_update(membership=member, expected_version=1)

    assert not import_undo(run=ImportRun.objects.get(pk=result.run_id), by=None)
    member.refresh_from_db()
    assert (member.left_on, member.version) == (None, 3)
    with pytest.raises(ValidationError):
        membership_update(membership=member, expected_version=2)


def test_undo_is_refused_while_a_later_row_refers_to_a_group_the_import_made():
    result = _apply(supervision_files())
    group = SupervisionGroup.objects.get(external_id="G2")
    SupervisionSession.objects.create(group=group, date=datetime.date(2025, 5, 1))

    blockers = import_undo(run=ImportRun.objects.get(pk=result.run_id), by=None)

    assert [b.row for b in blockers.rows] == ["Supervision group G2"]
    assert SupervisionGroup.objects.count() == 2


def test_a_session_does_not_move_to_another_group():
    _apply(supervision_files())

    result = import_data(
        supervision_files(supervision_sessions=with_cell(SESSIONS, 1, 1, "G1")), dry_run=True
    )

    assert _places(result) == [("supervision_sessions.csv", 3, "group_external_id")]
    assert "belongs to G2" in result.errors[0].message


def test_rows_entered_in_kokemus_export_with_keys_that_find_them_again(tmp_path):
    from django.core.management import call_command

    group = SupervisionGroupFactory(external_id=None)
    call_command("export_data", str(tmp_path))
    exported = (tmp_path / "supervision_groups.csv").read_text(encoding="utf-8-sig")
    assert f"kokemus-{group.pk}-" in exported

    result = import_data([(p.name, p) for p in tmp_path.iterdir()], dry_run=False)

    assert result.applied, result.errors
    assert result.counts["supervision_groups.csv"].unchanged == 1
    assert SupervisionGroup.objects.get().external_id is None


def test_the_template_has_the_supervision_sheets_and_imports_as_it_is(tmp_path):
    from openpyxl import load_workbook

    from interchange.workbook_template import template_workbook

    path = tmp_path / "pohja.xlsx"
    path.write_bytes(template_workbook())
    workbook = load_workbook(path)
    for spec in SUPERVISION:
        rows = list(workbook[spec.name.removesuffix(".csv")].iter_rows(values_only=True))
        assert list(rows[0]) == spec.column_names
    assert "professional_external_id" in workbook["supervision_members"]["B1"].comment.text

    result = import_data([(path.name, path)], dry_run=False)

    assert result.applied, result.errors
    assert SupervisionGroup.objects.get().kind == "joint"
    assert Attendance.objects.get().session.start_time == datetime.time(14, 0)


def test_the_docs_name_every_column_of_every_file():
    docs = (SAMPLES.parents[1] / "interchange.md").read_text(encoding="utf-8")

    for spec in formats.FILES:
        section = docs.split(f"### `{spec.name}`", 1)[1].split("\n### ", 1)[0]
        for column in spec.column_names:
            assert f"| `{column}` |" in section, (spec.name, column)


@pytest.mark.parametrize("count", [2, 60])
def test_the_supervision_files_take_the_same_number_of_queries_for_few_rows_and_many(
    count, django_assert_max_num_queries
):
    sessions = [[f"S{n}", "G1", "12.3.2025", "", "", "", "", "coping"] for n in range(count)]
    attendance = [[f"S{n}", "E1", "", "yes"] for n in range(count)]
    pairs = supervision_files(supervision_sessions=sessions, supervision_attendance=attendance)

    with django_assert_max_num_queries(60):
        result = import_data(pairs, dry_run=False)

    assert result.applied, result.errors
    assert Attendance.objects.count() == count
