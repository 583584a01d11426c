"""The rest of issue 20's data in the interchange: people reached on assignments, the
supervision targets and members' seniority, and feedback after assignments (the experts'
reflections, the professionals' feedback). Like the other files: all or nothing, idempotent,
with a preview, an undo and a constant number of queries."""

import csv
import datetime

import pytest
import time_machine
from django.utils import timezone

from agreements.models import Assignment
from feedback.models import FeedbackLink, ProfessionalFeedback, Reflection
from interchange import formats
from interchange.forms import MAX_FILES
from interchange.models import ImportRun
from interchange.services import import_data, import_undo
from registry.models import Professional
from supervision.models import GroupMembership, SupervisionGroup
from tests.interchange.conftest import ASSIGNMENTS, csv_bytes, files, with_cell
from tests.interchange.test_supervision_files import GROUPS, MEMBERS, supervision_files

pytestmark = pytest.mark.django_db
QUERIES = 35  # the whole import of every file, whatever the rows

# assignments.csv with the optional last columns: expert_hours, people_reached, reached_group
REACHED = [
    [*ASSIGNMENTS[0], "", "12", "asiakkaat"],
    [*ASSIGNMENTS[1], "", "", ""],
]
TARGETED_GROUPS = [[*GROUPS[0], "8"], [*GROUPS[1], ""]]
SENIORITY = [[*MEMBERS[0], "uusi", "4"], [*MEMBERS[1], "experienced", ""], [*MEMBERS[2], "", ""]]
REFLECTIONS = [
    ["X1", "E1", "4", "kyllä", "Raskas mutta hyvä", "11.3.2025", ""],
    ["X1", "E2", "2", "no", "", "2025-03-12", "2025-03-20"],
]
ANSWERS = [["X1", "P1", "5", "Hyödyllinen", "12.3.2025"]]


def reach_files(
    assignments=REACHED,
    groups=TARGETED_GROUPS,
    members=SENIORITY,
    reflections=REFLECTIONS,
    answers=ANSWERS,
) -> list[tuple[str, bytes]]:
    """The supervision test's files with this part's columns and the feedback files."""
    pairs = dict(supervision_files(supervision_groups=groups, supervision_members=members))
    pairs[formats.ASSIGNMENTS.name] = csv_bytes(formats.ASSIGNMENTS.column_names, assignments)
    for spec, rows in (
        (formats.FEEDBACK_REFLECTIONS, reflections),
        (formats.FEEDBACK_PROFESSIONALS, answers),
    ):
        pairs[spec.name] = csv_bytes(spec.column_names, rows)
    return list(pairs.items())


def _apply(pairs):
    result = import_data(pairs, dry_run=False)
    assert result.applied, result.errors
    return result


def _places(result) -> list[tuple]:
    return [(e.file, e.line, e.column) for e in result.errors]


def _day(moment):
    return timezone.localdate(moment) if moment else None


def _state() -> dict:
    return {
        "reach": sorted(
            Assignment.objects.values_list("external_id", "people_reached", "reached_group")
        ),
        "groups": sorted(
            SupervisionGroup.objects.values_list("external_id", "target_interval_weeks")
        ),
        "members": sorted(
            GroupMembership.objects.values_list(
                "group__external_id",
                "expert__external_id",
                "professional__external_id",
                "seniority",
                "target_interval_weeks",
            ),
            key=str,
        ),
        "reflections": sorted(
            (
                r.participation.assignment.external_id,
                r.participation.expert.external_id,
                r.load,
                r.wants_talk,
                r.how_it_went,
                _day(r.created_at),
                _day(r.handled_at),
            )
            for r in Reflection.objects.select_related(
                "participation__assignment", "participation__expert"
            )
        ),
        "answers": sorted(
            (a.assignment.external_id, a.link.professional.external_id, a.rating, a.comment)
            for a in ProfessionalFeedback.objects.select_related("assignment", "link__professional")
        ),
        "links": FeedbackLink.objects.count(),
    }


def test_each_file_and_column_creates_its_data():
    result = _apply(reach_files())

    assert result.counts["feedback_reflections.csv"].create == 2
    assert result.counts["feedback_professionals.csv"].create == 1
    state = _state()
    assert state["reach"] == [("X1", 12, "clients"), ("X2", None, "")]
    assert state["groups"] == [("G1", 8), ("G2", None)]
    assert ("G1", "E1", None, "new", 4) in state["members"]
    assert ("G1", None, "P1", "experienced", None) in state["members"]
    assert state["reflections"] == [
        ("X1", "E1", 4, True, "Raskas mutta hyvä", datetime.date(2025, 3, 11), None),
        ("X1", "E2", 2, False, "", datetime.date(2025, 3, 12), datetime.date(2025, 3, 20)),
    ]
    assert state["answers"] == [("X1", "P1", 5, "Hyödyllinen")]
    answer = ProfessionalFeedback.objects.select_related("link").get()
    # the answer's link is spent and stopped: its address never worked
    assert _day(answer.given_at) == datetime.date(2025, 3, 12)
    assert answer.link.revoked_at is not None
    assert not answer.link.is_usable(timezone.now())


def test_older_files_without_the_columns_keep_what_is_recorded():
    _apply(reach_files())
    before = _state()

    older = dict(supervision_files())  # assignments.csv without the columns
    for spec, rows in (
        (formats.SUPERVISION_GROUPS, GROUPS),
        (formats.SUPERVISION_MEMBERS, MEMBERS),
    ):
        older[spec.name] = csv_bytes(spec.column_names[: len(rows[0])], rows)
    result = _apply(list(older.items()))

    assert result.counts["assignments.csv"].update == 0
    assert _state() == before


BAD_INPUT = [
    (
        "reach without its group",
        {"assignments": with_cell(REACHED, 0, 10, "")},
        ("assignments.csv", 2, "reached_group"),
        "given together",
    ),
    (
        "group without the reach",
        {"assignments": with_cell(REACHED, 1, 10, "staff")},
        ("assignments.csv", 3, "people_reached"),
        "given together",
    ),
    (
        "unknown group reached",
        {"assignments": with_cell(REACHED, 0, 10, "visitors")},
        ("assignments.csv", 2, "reached_group"),
        "visitors",
    ),
    (
        "negative reach",
        {"assignments": with_cell(REACHED, 0, 9, "-3")},
        ("assignments.csv", 2, "people_reached"),
        "whole number",
    ),
    (
        "group target beyond a year",
        {"groups": with_cell(TARGETED_GROUPS, 0, 7, "60")},
        ("supervision_groups.csv", 2, "target_interval_weeks"),
        "between 1 and 52",
    ),
    (
        "own target of a professional",
        {"members": with_cell(SENIORITY, 1, 6, "4")},
        ("supervision_members.csv", 3, "target_interval_weeks"),
        "Only an expert",
    ),
    (
        "unknown seniority",
        {"members": with_cell(SENIORITY, 0, 5, "senior")},
        ("supervision_members.csv", 2, "seniority"),
        "senior",
    ),
    (
        "load beyond the scale",
        {"reflections": with_cell(REFLECTIONS, 1, 2, "6")},
        ("feedback_reflections.csv", 3, "load"),
        "between 1 and 5",
    ),
    (
        "expert not on the assignment",
        {"reflections": with_cell(REFLECTIONS, 1, 0, "X2")},
        ("feedback_reflections.csv", 3, "expert_external_id"),
        "E2 is not on assignment X2",
    ),
    (
        "unknown assignment",
        {"reflections": with_cell(REFLECTIONS, 0, 0, "X9")},
        ("feedback_reflections.csv", 2, "assignment_external_id"),
        "X9",
    ),
    (
        "reflection without its date",
        {"reflections": with_cell(REFLECTIONS, 0, 5, "")},
        ("feedback_reflections.csv", 2, "created_on"),
        "required",
    ),
    (
        "unknown professional",
        {"answers": with_cell(ANSWERS, 0, 1, "P9")},
        ("feedback_professionals.csv", 2, "professional_external_id"),
        "P9",
    ),
    (
        "reflection longer than its form takes",
        {"reflections": with_cell(REFLECTIONS, 0, 4, "x" * 4001)},
        ("feedback_reflections.csv", 2, "how_it_went"),
        "at most 4000 characters",
    ),
    (
        "comment longer than its form takes",
        {"answers": with_cell(ANSWERS, 0, 3, "x" * 4001)},
        ("feedback_professionals.csv", 2, "comment"),
        "at most 4000 characters",
    ),
    (
        "rating below the scale",
        {"answers": with_cell(ANSWERS, 0, 2, "0")},
        ("feedback_professionals.csv", 2, "rating"),
        "between 1 and 5",
    ),
]


@pytest.mark.parametrize(
    "changes, place, words", [case[1:] for case in BAD_INPUT], ids=[c[0] for c in BAD_INPUT]
)
def test_bad_input_is_refused_whole_naming_file_line_and_column(changes, place, words):
    result = import_data(reach_files(**changes), dry_run=False)

    assert not result.applied
    assert _places(result) == [place], result.errors
    assert words in result.errors[0].message
    assert not Assignment.objects.exists() and not Reflection.objects.exists()


def test_a_file_with_one_of_the_reach_columns_may_complete_the_recorded_one():
    _apply(reach_files())
    header = formats.ASSIGNMENTS.column_names[:-1]  # without reached_group
    rows = [row[:-1] for row in with_cell(REACHED, 0, 9, "15")]
    pairs = {**dict(files()), formats.ASSIGNMENTS.name: csv_bytes(header, rows)}.items()

    result = _apply(pairs)

    assert result.counts["assignments.csv"].update == 1
    assert Assignment.objects.get(external_id="X1").people_reached == 15


def test_reimporting_the_same_files_changes_nothing():
    _apply(reach_files())
    before = _state()

    result = _apply(reach_files())

    assert all(c.create == c.update == 0 for c in result.counts.values()), result.counts
    assert result.counts["feedback_reflections.csv"].unchanged == 2
    assert result.counts["feedback_professionals.csv"].unchanged == 1
    assert _state() == before


def _changes(result, file: str) -> dict[str, list[tuple]]:
    return {
        row.key: [(c.column, c.old, c.new) for c in row.changes]
        for row in result.changes.get(file, [])
    }


def _changed() -> list[tuple[str, bytes]]:
    return reach_files(
        assignments=with_cell(with_cell(REACHED, 0, 9, "20"), 0, 10, "staff"),
        groups=with_cell(TARGETED_GROUPS, 0, 7, "6"),
        members=with_cell(SENIORITY, 0, 5, "experienced"),
        reflections=with_cell(with_cell(REFLECTIONS, 0, 2, "2"), 0, 6, "1.4.2025"),
        answers=with_cell(ANSWERS, 0, 2, "3"),
    )


def test_the_preview_lists_each_change_old_and_new():
    _apply(reach_files())

    result = import_data(_changed(), dry_run=True)

    assert result.ok, result.errors
    assert _changes(result, "assignments.csv") == {
        "X1": [("people_reached", "12", "20"), ("reached_group", "clients", "staff")]
    }
    assert _changes(result, "supervision_groups.csv") == {
        "G1": [("target_interval_weeks", "8", "6")]
    }
    assert _changes(result, "supervision_members.csv") == {
        "G1 | E1": [("seniority", "new", "experienced")]
    }
    assert _changes(result, "feedback_reflections.csv") == {
        "X1 | E1": [("load", "4", "2"), ("handled_on", "", "1.4.2025")]
    }
    assert _changes(result, "feedback_professionals.csv") == {"X1 | P1": [("rating", "5", "3")]}
    assert ProfessionalFeedback.objects.get().rating == 5


def test_undo_removes_what_the_import_created():
    _apply(files())
    before = _state()
    result = _apply(reach_files())

    assert not import_undo(run=ImportRun.objects.get(pk=result.run_id), by=None)

    assert _state() == before
    assert not FeedbackLink.objects.exists()


# the link is sent after the assignment (10.3.2025) and still valid when the answer comes
@time_machine.travel(datetime.datetime(2025, 4, 1, 9, tzinfo=datetime.UTC), tick=False)
def test_an_imported_answer_spends_the_link_the_professional_was_sent_and_undo_revives_it():
    _apply(reach_files(answers=[]))
    sent = FeedbackLink.objects.create(
        assignment=Assignment.objects.get(external_id="X1"),
        professional=Professional.objects.get(external_id="P1"),
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )

    result = _apply(reach_files())

    assert FeedbackLink.objects.get() == sent  # one link, one answer per professional
    sent.refresh_from_db()
    assert sent.answer.rating == 5 and sent.revoked_at is not None
    assert not import_undo(run=ImportRun.objects.get(pk=result.run_id), by=None)
    sent.refresh_from_db()
    assert sent.revoked_at is None and not ProfessionalFeedback.objects.exists()


def test_undo_restores_what_the_import_changed():
    _apply(reach_files())
    before = _state()
    result = _apply(_changed())
    assert _state() != before

    assert not import_undo(run=ImportRun.objects.get(pk=result.run_id), by=None)

    assert _state() == before


def test_undo_is_refused_once_a_reflection_changed_since():
    result = _apply(reach_files())
    Reflection.objects.filter(participation__expert__external_id="E1").update(load=1)

    blockers = import_undo(run=ImportRun.objects.get(pk=result.run_id), by=None)

    assert blockers.total == 1 and "changed since" in blockers.rows[0].reason
    assert Reflection.objects.count() == 2


def test_the_export_writes_the_new_columns_and_files(tmp_path):
    from django.core.management import call_command

    _apply(reach_files())
    call_command("export_data", str(tmp_path))

    def rows(spec):
        with (tmp_path / spec.name).open(encoding="utf-8-sig", newline="") as file:
            return list(csv.reader(file, delimiter=";"))

    assert rows(formats.ASSIGNMENTS)[1][-2:] == ["12", "clients"]
    assert rows(formats.SUPERVISION_GROUPS)[1][-1] == "8"
    assert rows(formats.SUPERVISION_MEMBERS)[1][-2:] == ["new", "4"]
    assert rows(formats.FEEDBACK_REFLECTIONS)[1:] == [
        ["X1", "E1", "4", "yes", "Raskas mutta hyvä", "2025-03-11", ""],
        ["X1", "E2", "2", "no", "", "2025-03-12", "2025-03-20"],
    ]
    assert rows(formats.FEEDBACK_PROFESSIONALS)[1:] == [
        ["X1", "P1", "5", "Hyödyllinen", "2025-03-12"]
    ]


def test_every_file_can_be_uploaded_at_once():
    assert len(formats.FILES) <= MAX_FILES


def _many(count: int) -> list[tuple[str, bytes]]:
    """``count`` done assignments of E1, each with a reach, a reflection and an answer."""
    assignments = [
        [
            "X1",
            "client_support",
            "mh_outpatient",
            "10.3.2025",
            "1",
            "done",
            "E1",
            "T",
            "",
            "3",
            "staff",
        ]
    ]
    assignments = [with_cell(assignments, 0, 0, f"X{n}")[0] for n in range(count)]
    reflections = [[f"X{n}", "E1", "3", "no", "", "11.3.2025", ""] for n in range(count)]
    answers = [[f"X{n}", "P1", "4", "", "12.3.2025"] for n in range(count)]
    return reach_files(assignments=assignments, reflections=reflections, answers=answers)


@pytest.mark.parametrize("count", [2, 60])
def test_the_feedback_files_take_the_same_number_of_queries_for_few_rows_and_many(
    count, django_assert_max_num_queries
):
    with django_assert_max_num_queries(QUERIES):
        _apply(_many(count))

    assert Reflection.objects.count() == ProfessionalFeedback.objects.count() == count
    assert Assignment.objects.filter(people_reached=3).count() == count
