"""People reached (issue 20) in the monthly report, against hand-counted data: only done
assignments carry the number, by month, type and group, with the division filter; the same
figures on the page, in the files and in the command's JSON."""

import csv
import datetime
import io
import json
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from agreements.models import AssignmentStatus
from registry.models import AssignmentType, ServiceArea
from reporting.exports import as_json
from reporting.selectors import monthly_figures
from reporting.tables import report_tables
from tests.factories import AssignmentFactory
from tests.reporting.test_report import _Tables

pytestmark = pytest.mark.django_db
D = datetime.date
DONE, PLANNED, CANCELLED = (
    AssignmentStatus.DONE,
    AssignmentStatus.PLANNED,
    AssignmentStatus.CANCELLED,
)
EN = {"accept-language": "en"}


@pytest.fixture(autouse=True)
def frozen_clock():
    """The report does not read the day, but the page's default year does: fixed."""
    moment = datetime.datetime(2026, 1, 15, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Helsinki"))
    with time_machine.travel(moment, tick=False):
        yield


def _reached(day, type_code, area_code, status=DONE, people=None, group=""):
    return AssignmentFactory(
        date=day,
        type=AssignmentType.objects.get(code=type_code),
        service_area=ServiceArea.objects.get(code=area_code),
        status=status,
        people_reached=people,
        reached_group=group,
    )


@pytest.fixture
def reach_data(db):
    """mental_health: mh_outpatient and the division itself; family_social: family_services
    and child_welfare; disability (a division without services)."""
    _reached(D(2025, 1, 10), "training", "mh_outpatient", people=30, group="students")
    _reached(D(2025, 1, 31), "client_panel", "family_services", people=8, group="clients")
    _reached(D(2025, 2, 1), "training", "mental_health", people=0, group="staff")  # no one came
    _reached(D(2025, 2, 15), "communication", "child_welfare", people=120, group="residents")
    # returned to planned after it was marked done: not counted until done again
    _reached(D(2025, 2, 20), "training", "mh_outpatient", PLANNED, people=50, group="students")
    _reached(D(2025, 2, 25), "training", "mh_outpatient", CANCELLED, people=40, group="staff")
    _reached(D(2024, 12, 31), "training", "mh_outpatient", people=99, group="staff")
    _reached(D(2026, 1, 1), "training", "mh_outpatient", people=77, group="staff")
    _reached(D(2025, 3, 3), "client_support", "mh_outpatient")  # not a type that records reach
    _reached(D(2025, 3, 12), "development", "disability", people=12, group="staff")


def test_people_reached_per_month_counts_done_assignments_of_the_year(reach_data):
    figures = monthly_figures(2025)
    assert [m.people_reached for m in figures.months] == [38, 120, 12] + [0] * 9
    assert figures.totals.people_reached == 170
    assert figures.months[0].people_reached_by_type == {"training": 30, "client_panel": 8}
    assert figures.months[1].people_reached_by_type == {"training": 0, "communication": 120}
    assert figures.totals.people_reached_by_type == {
        "training": 30,
        "client_panel": 8,
        "communication": 120,
        "development": 12,
    }
    assert figures.totals.people_reached_by_group == {
        "students": 30,
        "clients": 8,
        "staff": 12,
        "residents": 120,
    }
    # the planned one still counts as an assignment of February, with no people reached yet
    assert figures.months[1].assignments == 3


def test_the_division_filter_applies(reach_data):
    mental_health = monthly_figures(2025, ServiceArea.objects.get(code="mental_health"))
    assert [m.people_reached for m in mental_health.months[:3]] == [30, 0, 0]
    assert mental_health.totals.people_reached_by_group == {"students": 30, "staff": 0}
    family_social = monthly_figures(2025, ServiceArea.objects.get(code="family_social"))
    assert family_social.totals.people_reached == 128
    assert family_social.totals.people_reached_by_type == {"client_panel": 8, "communication": 120}
    disability = monthly_figures(2025, ServiceArea.objects.get(code="disability"))
    assert disability.totals.people_reached_by_type == {"development": 12}


def test_the_tables_by_type_and_by_group(reach_data):
    figures = monthly_figures(2025)
    tables = {table.slug: table for table in report_tables(figures)}
    by_type, by_group = tables["people_reached"], tables["people_reached_by_group"]
    # the types that record reach, in their sort order (registry's default reference data)
    assert [label.code for label in figures.reach_types] == [
        "development",
        "communication",
        "training",
        "client_panel",
    ]
    assert [(row.values[:3], row.values[-1]) for row in by_type.rows] == [
        ([0, 0, 12], 12),
        ([0, 120, 0], 120),
        ([30, 0, 0], 30),
        ([8, 0, 0], 8),
    ]
    assert by_type.rows[0].label == figures.reach_types[0].name
    assert by_type.footer.values[:3] + [by_type.footer.values[-1]] == [38, 120, 12, 170]
    assert [(row.label, row.values[-1]) for row in by_group.rows] == [
        ("clients", 8),
        ("residents", 120),
        ("staff", 12),
        ("students", 30),
    ]
    assert by_group.footer.values[-1] == 170


def test_the_json_adds_people_reached_and_keeps_its_keys(reach_data):
    data = as_json(monthly_figures(2025))
    january = data["months"][0]
    assert {"assignments", "hours", "by_type", "supervision_experts"} <= set(january)
    assert (january["people_reached"], january["people_reached_by_type"]) == (
        38,
        {"client_panel": 8, "training": 30},
    )
    assert data["months"][1]["people_reached_by_type"] == {"communication": 120}  # no zeros
    assert data["totals"]["people_reached"] == 170
    assert data["totals"]["people_reached_by_group"] == {
        "clients": 8,
        "residents": 120,
        "staff": 12,
        "students": 30,
    }


def test_the_command_prints_them(reach_data, capsys):
    call_command("monthly_report", "--year", "2025", "--division", "family_social")
    data = json.loads(capsys.readouterr().out)
    assert data["totals"]["people_reached"] == 128


def test_the_evaluation_group_reads_them_on_the_page_and_in_the_csv(
    client, evaluation_member, reach_data
):
    client.force_login(evaluation_member)
    page = client.get(reverse("reporting:report"), {"year": 2025}, headers=EN)
    parser = _Tables()
    parser.feed(page.content.decode())
    group_rows = {row[0]: row[1:] for row in parser.tables["people_reached_by_group"][1:]}
    assert group_rows["residents"][:3] == ["0", "120", "0"]
    assert group_rows["Total"][-1] == "170"  # counts of people reached: nothing to hide
    csv_file = client.get(
        reverse("reporting:export", args=["csv"]), {"year": 2025}, headers=EN
    ).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_file), delimiter=";"))
    assert ["People reached by group"] in rows
    assert ["students", "30"] + ["0"] * 11 + ["30"] in rows
