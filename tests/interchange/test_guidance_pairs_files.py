"""Kokemusohjaus periods and work pairs in the interchange (issue 20): the five optional files
import like the others, all or nothing, idempotent, with a preview and an undo."""

import csv
import datetime

import pytest
from django.core.management import call_command

from agreements.models import Assignment
from guidance.models import Goal, Meeting, Period, PeriodStatus
from interchange import formats
from interchange.exports import DELIMITER
from interchange.keys import export_key
from interchange.models import ImportRun
from interchange.services import import_data, import_undo
from pairs.models import PlanStep, WorkPair
from tests.interchange.conftest import ASSIGNMENTS, csv_bytes, files, with_cell

pytestmark = pytest.mark.django_db

MEETING_ASSIGNMENTS = [
    ["M1", "experience_guidance", "mh_outpatient", "12.3.2025", "1,5", "done", "E1", "Tapaaminen"],
    ["M2", "experience_guidance", "mh_outpatient", "2.4.2025", "1", "done", "E1", "Tapaaminen"],
]
PROFESSIONALS = [["P1", "Pirjo", "Ammattilainen", "", "", "", "", ""]]
PERIODS = [
    ["KO-1", "E1", "KO-2025-01", "P1", "1.3.2025", "mh_outpatient", "12.3.2025", "30.4.2025",
     "päättynyt", "Hyvin meni"],
    ["KO-2", "E2", "KO-2025-02", "", "2025-03-05", "mental_health", "", "", "referred", ""],
]  # fmt: skip
GOALS = [
    ["KO-1", "1", "Arjen rytmi", "reached"],
    ["KO-1", "2", "Asiointi", "osittain saavutettu"],
]
MEETINGS = [
    ["KO-1", "M1", "asiakkaan kotona", "yes", "10.00"],
    ["KO-1", "M2", "remote", "no", ""],
]
PAIRS = [
    ["TP-1", "E1", "P1", "1.2.2025", "", "", "P1", "", "Vaiheittain"],
    ["TP-2", "E2", "P1", "2025-02-01", "2025-06-30", "E1", "", "", ""],
]
STEPS = [
    ["TP-1", "1", "perehdytysaihe", "Tutustuminen", "8.2.2025", "7.2.2025", "expert"],
    ["TP-1", "2", "joint_task", "Yhteinen tapaaminen", "", "", ""],
]
GUIDANCE = {
    formats.PROFESSIONALS: PROFESSIONALS,
    formats.GUIDANCE_PERIODS: PERIODS,
    formats.GUIDANCE_GOALS: GOALS,
    formats.GUIDANCE_MEETINGS: MEETINGS,
    formats.WORK_PAIRS: PAIRS,
    formats.WORK_PAIR_STEPS: STEPS,
}


def guidance_files(**changes) -> list[tuple[str, bytes]]:
    """The people and work files with the meetings' assignments, professionals.csv and the
    five files; ``changes`` replace the rows of a file by its name without .csv."""
    tables = []
    for spec, rows in GUIDANCE.items():
        rows = changes.get(spec.name.removesuffix(".csv"), rows)
        tables.append((spec.name, csv_bytes(spec.column_names, rows)))
    return [*files(assignments=[*ASSIGNMENTS, *MEETING_ASSIGNMENTS]), *tables]


def _places(result) -> list[tuple]:
    return [(e.file, e.line, e.column) for e in result.errors]


def test_periods_goals_meetings_pairs_and_steps_import():
    result = import_data(guidance_files(), dry_run=False)

    assert result.applied, result.errors
    period = Period.objects.get(external_id="KO-1")
    assert period.status == PeriodStatus.ENDED
    assert period.guide.external_id == "E1" and period.referred_by.external_id == "P1"
    assert [(g.position, g.outcome) for g in period.goals.order_by("position")] == [
        (1, "reached"),
        (2, "partly"),
    ]
    start = period.meetings.get(is_start=True)
    assert (start.assignment.external_id, start.place, str(start.hours)) == ("M1", "home", "1.50")
    assert Period.objects.get(external_id="KO-2").started_on is None
    pair = WorkPair.objects.get(external_id="TP-1")
    assert pair.mentor_professional.external_id == "P1"
    assert [s.kind for s in pair.steps.order_by("position")] == ["induction", "joint_task"]


def test_reimporting_changes_nothing_and_a_change_is_previewed_then_undone():
    import_data(guidance_files(), dry_run=False)
    again = import_data(guidance_files(), dry_run=False)
    for spec in formats.GUIDANCE_FILES:
        counts = again.counts[spec.name]
        assert (counts.create, counts.update) == (0, 0), spec.name

    changed = guidance_files(
        guidance_goals=with_cell(GOALS, 0, 3, "not"),
        work_pairs=with_cell(PAIRS, 0, 8, "Uusi"),
    )
    preview = import_data(changed, dry_run=True)
    assert not preview.applied and preview.ok
    goal_change = preview.changes["guidance_goals.csv"][0]
    assert goal_change.key == "KO-1 | 1"
    assert [(c.column, c.new) for c in goal_change.changes] == [("outcome", "not reached")]
    assert preview.changes["work_pairs.csv"][0].changes[0].new == "Uusi"

    period_version = Period.objects.get(external_id="KO-1").version
    applied = import_data(changed, dry_run=False)
    assert Goal.objects.get(position=1, period__external_id="KO-1").outcome == "not"
    assert Period.objects.get(external_id="KO-1").version == period_version + 1  # its goals

    assert not import_undo(run=ImportRun.objects.get(pk=applied.run_id), by=None)
    assert Goal.objects.get(position=1, period__external_id="KO-1").outcome == "reached"
    assert WorkPair.objects.get(external_id="TP-1").notes == "Vaiheittain"


def _meeting_entered_in_kokemus(day: str) -> list[tuple[str, bytes]]:
    """The files after M2's assignment lost its key (entered in Kokemus, exported with its
    fallback key), its date moved to ``day`` in assignments.csv."""
    assignment = Assignment.objects.get(external_id="M2")
    Assignment.objects.filter(pk=assignment.pk).update(external_id=None)
    key = export_key(Assignment.objects.get(pk=assignment.pk))
    moved = with_cell(with_cell(MEETING_ASSIGNMENTS, 1, 0, key), 1, 3, day)
    meetings = guidance_files(guidance_meetings=with_cell(MEETINGS, 1, 1, key))[3:]
    return [*files(assignments=[*ASSIGNMENTS, *moved]), *meetings]


def test_a_meeting_entered_in_kokemus_is_checked_with_its_assignments_new_date():
    import_data(guidance_files(), dry_run=False)

    result = import_data(_meeting_entered_in_kokemus("5.5.2025"), dry_run=False)

    assert _places(result) == [("guidance_meetings.csv", 3, "assignment_external_id")]
    assert "cannot end before its last meeting" in result.errors[0].message


def test_a_meeting_takes_its_assignments_new_date_previewed_and_written():
    import_data(guidance_files(), dry_run=False)
    version = Period.objects.get(external_id="KO-1").version

    result = import_data(_meeting_entered_in_kokemus("9.4.2025"), dry_run=False)

    assert result.applied, result.errors
    assert result.counts["guidance_meetings.csv"].update == 1
    change = result.changes["guidance_meetings.csv"][0].changes
    assert [(c.column, c.old, c.new) for c in change] == [("date", "2.4.2025", "9.4.2025")]
    meeting = Meeting.objects.get(assignment__date=datetime.date(2025, 4, 9))
    assert meeting.date == datetime.date(2025, 4, 9)
    assert Period.objects.get(external_id="KO-1").version == version + 1


def test_a_meeting_that_differs_from_its_assignment_is_synced_by_a_reimport():
    import_data(guidance_files(), dry_run=False)
    Meeting.objects.filter(assignment__external_id="M2").update(date=datetime.date(2025, 4, 3))
    version = Period.objects.get(external_id="KO-1").version

    result = import_data(guidance_files(), dry_run=False)

    assert result.counts["guidance_meetings.csv"].update == 1
    assert Meeting.objects.get(assignment__external_id="M2").date == datetime.date(2025, 4, 2)
    assert Period.objects.get(external_id="KO-1").version == version + 1
    again = import_data(guidance_files(), dry_run=False)
    assert again.counts["guidance_meetings.csv"].update == 0
    assert Period.objects.get(external_id="KO-1").version == version + 1


SAME_DAY = ["M3", "experience_guidance", "mh_outpatient", "12.3.2025", "1", "done", "E1", "Toinen"]


@pytest.mark.parametrize("stored", [False, True], ids=["new meeting", "stored meeting"])
def test_the_start_meeting_moves_to_another_meeting_and_back_with_the_undo(stored):
    """The partial unique index is checked row by row: the former start lets go first."""
    with_m3 = files(assignments=[*ASSIGNMENTS, *MEETING_ASSIGNMENTS, SAME_DAY])
    m3 = ["KO-1", "M3", "remote", "no", ""]
    if stored:
        import_data(
            [*with_m3, *guidance_files(guidance_meetings=[*MEETINGS, m3])[3:]], dry_run=False
        )
    else:
        import_data(guidance_files(), dry_run=False)
    moved = [with_cell(MEETINGS, 0, 3, "no")[0], MEETINGS[1], with_cell([m3], 0, 3, "yes")[0]]

    result = import_data([*with_m3, *guidance_files(guidance_meetings=moved)[3:]], dry_run=False)

    assert result.applied, result.errors
    assert Meeting.objects.get(is_start=True).assignment.external_id == "M3"
    assert not import_undo(run=ImportRun.objects.get(pk=result.run_id), by=None)
    assert Meeting.objects.get(is_start=True).assignment.external_id == "M1"
    assert Meeting.objects.count() == (3 if stored else 2)


def _plan(pair="TP-1") -> list[tuple]:
    return list(
        PlanStep.objects.filter(pair__external_id=pair)
        .order_by("position", "pk")
        .values_list("position", "title")
    )


def test_a_plan_that_repeats_a_position_exports_by_rank_and_reimports(tmp_path):
    steps = [*STEPS, ["TP-1", "3", "joint_task", "Kolmas", "", "", ""]]
    import_data(guidance_files(work_pair_steps=steps), dry_run=False)
    PlanStep.objects.filter(title="Yhteinen tapaaminen").update(position=1)  # edited by hand
    plan = [title for _position, title in _plan()]
    call_command("export_data", str(tmp_path))
    with (tmp_path / "work_pair_steps.csv").open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file, delimiter=DELIMITER))
    assert [r["position"] for r in rows if r["pair_external_id"] == "TP-1"] == ["1", "2", "3"]

    result = import_data([(p.name, p) for p in tmp_path.iterdir()], dry_run=False)

    assert result.applied, result.errors
    assert _plan() == [(1, plan[0]), (2, plan[1]), (3, plan[2])]
    again = import_data([(p.name, p) for p in tmp_path.iterdir()], dry_run=False)
    assert again.counts["work_pair_steps.csv"].update == 0


@pytest.mark.parametrize("position", ["0", "32768", "999999999"])
def test_a_step_position_out_of_the_fields_range_is_refused(position):
    result = import_data(
        guidance_files(work_pair_steps=with_cell(STEPS, 1, 1, position)), dry_run=False
    )

    assert _places(result) == [("work_pair_steps.csv", 3, "position")]
    assert not WorkPair.objects.exists()


def test_an_undo_removes_the_periods_and_pairs_it_made():
    result = import_data(guidance_files(), dry_run=False)

    assert not import_undo(run=ImportRun.objects.get(pk=result.run_id), by=None)

    assert not Period.objects.exists() and not Meeting.objects.exists()
    assert not WorkPair.objects.exists() and not PlanStep.objects.exists()


@pytest.mark.parametrize("code", ["010203-123A", "010203A123A", "KO 0102 03-123A"])
def test_a_client_code_that_looks_like_an_identity_code_is_refused(code):
    result = import_data(
        guidance_files(guidance_periods=with_cell(PERIODS, 0, 2, code)), dry_run=False
    )

    assert _places(result) == [("guidance_periods.csv", 2, "client_code")]
    assert "looks like a personal identity code" in result.errors[0].message
    assert not Period.objects.exists()


@pytest.mark.parametrize(
    ("changes", "place", "words"),
    [
        (
            {"guidance_periods": with_cell(PERIODS, 0, 4, "13.3.2025")},
            ("guidance_periods.csv", 2, "started_on"),
            "before its referral",
        ),
        (
            {"guidance_periods": with_cell(PERIODS, 1, 8, "ongoing")},
            ("guidance_periods.csv", 3, "started_on"),
            "has a start date",
        ),
        (
            {"guidance_periods": with_cell(PERIODS, 0, 1, "E9")},
            ("guidance_periods.csv", 2, "guide_external_id"),
            "Unknown expert E9",
        ),
        (
            {"guidance_goals": with_cell(GOALS, 1, 1, "6")},
            ("guidance_goals.csv", 3, "position"),
            "one to 5 goals",
        ),
        (
            {"guidance_goals": with_cell(GOALS, 1, 0, "KO-9")},
            ("guidance_goals.csv", 3, "period_external_id"),
            "Unknown kokemusohjaus period KO-9",
        ),
        (
            {"guidance_meetings": with_cell(MEETINGS, 1, 3, "yes")},
            ("guidance_meetings.csv", 3, "is_start"),
            "another start meeting",
        ),
        (
            {"guidance_meetings": with_cell(MEETINGS, 1, 1, "X1")},
            ("guidance_meetings.csv", 3, "assignment_external_id"),
            "of type experience_guidance",
        ),
        (
            {"guidance_meetings": with_cell(MEETINGS, 1, 0, "KO-2")},
            ("guidance_meetings.csv", 3, "assignment_external_id"),
            "guide is not on this assignment",
        ),
        (
            {"guidance_meetings": with_cell(MEETINGS, 1, 2, "kuussa")},
            ("guidance_meetings.csv", 3, "place"),
            "is not one of the values",
        ),
        (
            {"work_pairs": with_cell(PAIRS, 1, 6, "P1")},
            ("work_pairs.csv", 3, "mentor_professional_external_id"),
            "not both",
        ),
        (
            {"work_pairs": with_cell(PAIRS, 1, 5, "E2")},
            ("work_pairs.csv", 3, "mentor_expert_external_id"),
            "pair's own expert",
        ),
        (
            {"work_pairs": with_cell(PAIRS, 1, 4, "1.1.2025")},
            ("work_pairs.csv", 3, "ended_on"),
            "before the start",
        ),
        (
            {"work_pair_steps": with_cell(STEPS, 0, 5, "")},
            ("work_pair_steps.csv", 2, "done_on"),
            "ticked done",
        ),
        (
            {"work_pair_steps": with_cell(STEPS, 1, 0, "TP-9")},
            ("work_pair_steps.csv", 3, "pair_external_id"),
            "Unknown work pair TP-9",
        ),
    ],
)
def test_a_wrong_row_names_its_file_line_and_column_and_nothing_is_written(changes, place, words):
    result = import_data(guidance_files(**changes), dry_run=False)

    assert _places(result) == [place]
    assert words in result.errors[0].message
    assert not result.applied
    assert not Period.objects.exists() and not WorkPair.objects.exists()


def test_the_samples_periods_meetings_and_pairs_import(settings):
    from tests.interchange.conftest import SAMPLES

    result = import_data([(p.name, p) for p in sorted(SAMPLES.iterdir())], dry_run=False)

    assert result.applied, result.errors
    assert Meeting.objects.filter(period__external_id="KO-01").count() == 3
    assert PlanStep.objects.filter(done_by="professional").count() == 1


@pytest.mark.parametrize("count", [2, 60])
def test_the_files_take_the_same_number_of_queries_for_few_rows_and_many(
    count, django_assert_max_num_queries
):
    periods = [
        [f"K{n}", "E1", f"KO-{n}", "P1", "1.3.2025", "mh_outpatient", "", "", "referred", ""]
        for n in range(count)
    ]
    goals = [[f"K{n}", "1", "Arki", ""] for n in range(count)]
    pairs = [[f"T{n}", "E1", "P1", "1.2.2025", "", "", "", "", ""] for n in range(count)]
    steps = [[f"T{n}", "1", "", "Vaihe", "", "", ""] for n in range(count)]
    changed = guidance_files(
        guidance_periods=periods,
        guidance_goals=goals,
        guidance_meetings=[],
        work_pairs=pairs,
        work_pair_steps=steps,
    )

    with django_assert_max_num_queries(70):
        result = import_data(changed, dry_run=False)

    assert result.applied, result.errors
    assert Goal.objects.count() == count and PlanStep.objects.count() == count
