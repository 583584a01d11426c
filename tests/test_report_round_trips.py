"""The monthly report survives what an organisation does to its data: a backup restored with
dumpdata/loaddata, a move through export_data/import_data, and the erasure of an expert."""

import datetime
import importlib
import io
import json
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from agreements.models import Assignment, AssignmentStatus, Participation, ReachedGroup
from feedback.models import FeedbackLink, ProfessionalFeedback, Reflection
from guidance import services as guidance_services
from guidance.models import Goal, Meeting, Outcome, Period, Place
from kokemus.privacy import expert_anonymise
from pairs import services as pairs_services
from pairs.models import DoneBy, PlanStep, WorkPair
from registry.models import Expert, Professional, ServiceArea
from reporting.exports import as_json
from reporting.selectors import monthly_figures
from reporting.tables import report_tables
from supervision.models import GroupKind, GroupMembership, Seniority, SupervisionTopic
from tests.factories import (
    AttendanceFactory,
    GroupMembershipFactory,
    ProfessionalFactory,
    SupervisionGroupFactory,
    SupervisionSessionFactory,
)
from tests.interchange.conftest import SAMPLES

default_topics = importlib.import_module("supervision.migrations.0002_default_topics").create
pytestmark = pytest.mark.django_db
YEARS = (2024, 2025)


def reports() -> str:
    """Every figure of each sample year, as the JSON the monthly_report command prints."""
    return json.dumps([as_json(monthly_figures(year)) for year in YEARS], sort_keys=True)


def empty_the_database():
    """``manage.py flush`` inside the test's transaction: PostgreSQL refuses to TRUNCATE
    tables with deferred foreign-key checks pending, so check them now."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", "--no-input")
    # a new installation has the default supervision topics of its migrations
    default_topics(django_apps, None)


@pytest.fixture
def sample_sheets():
    call_command("import_data", SAMPLES)


@pytest.fixture
def history(sample_sheets):
    """The sample organisation's sheets, plus a supervision session an expert attended."""
    expert = Participation.objects.filter(assignment__date__year=2025).first().expert
    AttendanceFactory(membership__expert=expert, session__date="2025-05-05")
    return expert


def test_sample_years_have_figures_to_compare(history):
    figures = json.loads(reports())
    assert all(year["totals"]["assignments"] > 0 for year in figures)
    # the samples' one present attendance in 2025, and the fixture's
    assert figures[1]["totals"]["supervision_attendances"] == 2


def test_dumpdata_loaddata_restore_keeps_the_report_identical(history, tmp_path):
    before = reports()
    backup = tmp_path / "kokemus.json"
    # the README's portable backup command
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--exclude=contenttypes",
        "--exclude=auth.permission",
        "--exclude=sessions",
        "--exclude=axes",
        f"--output={backup}",
    )
    empty_the_database()
    assert not Participation.objects.exists()
    call_command("loaddata", str(backup))
    assert reports() == before


# --- people reached, feedback and supervision planning (issue 20) in the interchange ----------


def rendered_tables() -> list:
    """Every table of each sample year's report as the page and the files print it: title,
    columns, each row's label and cells, the footer and the notes."""

    def row(line):
        return None if line is None else (line.label, [str(cell) for cell in line.values])

    return [
        (table.slug, table.title, table.stub, table.columns, [row(r) for r in table.rows])
        + (row(table.footer), table.notes)
        for year in YEARS
        for table in report_tables(monthly_figures(year))
    ]


def _reach_feedback_and_planning_entered_in_kokemus() -> None:
    """People reached on done assignments of reaching types, the experts' reflections and the
    professionals' feedback on done assignments of each year, and supervision targets and
    seniority: the data issue 20 added, entered in Kokemus (without external ids)."""
    done = Assignment.objects.filter(status=AssignmentStatus.DONE).order_by("pk")
    groups = list(ReachedGroup.values)
    for year in YEARS:
        for n, assignment in enumerate(done.filter(date__year=year, type__records_reach=True)[:4]):
            assignment.people_reached, assignment.reached_group = 5 + n, groups[n % len(groups)]
            assignment.save(update_fields=["people_reached", "reached_group"])
        for n, participation in enumerate(
            Participation.objects.filter(assignment__in=done.filter(date__year=year))[:5]
        ):
            Reflection.objects.create(
                participation=participation, load=1 + n, wants_talk=n % 2 == 0, how_it_went="Hyvin"
            )
        for n, assignment in enumerate(done.filter(date__year=year)[:3]):
            link = FeedbackLink.objects.create(
                assignment=assignment,
                professional=ProfessionalFactory(),
                expires_at=timezone.now() + datetime.timedelta(days=30),
            )
            ProfessionalFeedback.objects.create(
                assignment=assignment, link=link, rating=3 + n % 3, comment="Kiitos"
            )
    group = SupervisionGroupFactory(target_interval_weeks=6)
    GroupMembershipFactory(
        group=group,
        expert=Participation.objects.first().expert,
        seniority=Seniority.NEW,
        target_interval_weeks=3,
    )
    assert ProfessionalFeedback.objects.filter(link__revoked_at__isnull=True).exists()


def test_export_import_keeps_people_reached_feedback_and_every_table_identical(
    sample_sheets, tmp_path
):
    without = rendered_tables()
    _reach_feedback_and_planning_entered_in_kokemus()
    before, figures_before = rendered_tables(), reports()
    assert before != without
    planning = _supervision_planning()

    call_command("export_data", str(tmp_path))
    empty_the_database()
    assert not Reflection.objects.exists()
    call_command("import_data", str(tmp_path))

    assert rendered_tables() == before
    assert reports() == figures_before
    assert _supervision_planning() == planning


def _supervision_planning() -> list:
    return sorted(
        GroupMembership.objects.values_list(
            "group__name", "group__target_interval_weeks", "seniority", "target_interval_weeks"
        ),
        key=str,
    )


# --- end people reached, feedback and supervision planning ---


def test_export_import_into_an_empty_database_keeps_the_report_identical(sample_sheets, tmp_path):
    without_own_hours = reports()
    # own hours on a few participations of each year (expert_hours in assignments.csv)
    for year in YEARS:
        pks = Participation.objects.filter(assignment__date__year=year).values_list("pk")[:3]
        Participation.objects.filter(pk__in=pks).update(hours=Decimal("0.25"))
    _supervision_entered_in_kokemus()
    guidance_before = _guidance_entered_in_kokemus()
    before = reports()
    assert before != without_own_hours
    call_command("export_data", str(tmp_path))
    empty_the_database()
    assert not Participation.objects.exists()
    call_command("import_data", str(tmp_path))
    assert reports() == before
    _guidance_after_the_round_trip(guidance_before)


def _supervision_entered_in_kokemus() -> None:
    """Groups, members, sessions and attendance without external ids, beside the samples':
    in a division and without one, experts and a professional, present and absent."""
    expert = Participation.objects.filter(assignment__date__year=2024).first().expert
    division = ServiceArea.objects.get(code="perhe")
    for group, day in (
        (SupervisionGroupFactory(division=division), "2024-06-03"),
        (SupervisionGroupFactory(kind=GroupKind.PEER), "2025-02-10"),
    ):
        session = SupervisionSessionFactory(group=group, date=day)
        session.topics.set(SupervisionTopic.objects.filter(code="coping"))
        expert_member = GroupMembershipFactory(group=group, expert=expert)
        professional = GroupMembershipFactory(
            group=group, expert=None, professional=ProfessionalFactory()
        )
        AttendanceFactory(session=session, membership=expert_member, present=True)
        AttendanceFactory(session=session, membership=professional, present=False)
    assert json.loads(reports())[0]["totals"]["supervision_sessions"] == 4  # 3 of the samples


def _everything_a_coordinator_can_open_about(expert, client) -> str:
    """Pages and downloads that show an expert's work, as text (PDFs extracted)."""
    participation = Participation.objects.filter(expert=expert).first()
    agreement = participation.agreement
    urls = [
        reverse("registry:expert_list"),
        reverse("registry:expert_detail", args=[expert.pk]),
        reverse("registry:expert_trail", args=[expert.pk]),
        reverse("registry:expert_data_json", args=[expert.pk]),
        reverse("assignments:assignment_list") + "?when=all",
        reverse("assignments:assignment_detail", args=[participation.assignment_id]),
        reverse("agreements:agreement_list"),
        reverse("agreements:agreement_detail", args=[agreement.pk]),
        reverse("supervision:group_list"),
        reverse("home"),
        reverse("reporting:report") + "?year=2025",
        reverse("reporting:export", args=["csv"]) + "?year=2025",
    ]
    texts = [client.get(url).content.decode("utf-8-sig") for url in urls]
    for url in (
        reverse("registry:expert_data_pdf", args=[expert.pk]),
        reverse("agreements:agreement_pdf", args=[agreement.pk]),
        reverse("reporting:export", args=["pdf"]) + "?year=2025",
    ):
        pages = PdfReader(io.BytesIO(client.get(url).content)).pages
        texts.append(" ".join(page.extract_text() for page in pages))
    return "\n".join(texts)


def test_anonymisation_keeps_the_report_identical_and_leaves_no_trace_of_the_name(
    history, client, coordinator, tmp_path
):
    expert = history
    expert.last_name = "Erikoisnimi"  # a name that nothing else on the pages contains
    expert.save()
    client.force_login(coordinator)
    assert "Erikoisnimi" in _everything_a_coordinator_can_open_about(expert, client)
    before = reports()

    expert_anonymise(expert=expert, by=coordinator)

    assert reports() == before
    assert "Erikoisnimi" not in _everything_a_coordinator_can_open_about(expert, client)
    call_command("export_data", str(tmp_path))
    for exported in tmp_path.iterdir():
        assert "Erikoisnimi" not in exported.read_text(encoding="utf-8-sig"), exported.name
    assert Expert.objects.filter(last_name="Erikoisnimi").count() == 0


# --- kokemusohjaus periods and work pairs (issue 20): interchange.guidance_files -------------


def report_tables_of_the_years() -> list:
    """The report's tables as the page shows them, the Kokemusohjaus per month one included."""
    return [report_tables(monthly_figures(year)) for year in YEARS]


def _guidance_entered_in_kokemus() -> tuple:
    """A period entered in Kokemus (no external id) from referral to end beside the samples',
    and a work pair with its plan; the report's tables and the rows as they stand."""
    guide = Expert.objects.get(external_id="EXP-0024")  # the samples' TS-00032 covers 2024
    area = ServiceArea.objects.get(code="mt_avo")
    period = guidance_services.period_save(
        period=Period(
            guide=guide,
            client_code="KO-OMA-1",
            referred_on=datetime.date(2024, 6, 1),
            service_area=area,
        )
    )
    start = Meeting(date=datetime.date(2024, 6, 10), hours=Decimal("1.5"), place=Place.HOME)
    guidance_services.period_start(period=period, meeting=start, goals=["Arki", "Asiointi"])
    later = Meeting(
        date=datetime.date(2024, 7, 1),
        start_time=datetime.time(9, 30),
        hours=Decimal(1),
        place=Place.REMOTE,
    )
    guidance_services.meeting_save(period=period, meeting=later)
    outcomes = dict.fromkeys(period.goals.values_list("pk", flat=True), Outcome.REACHED)
    outcomes[period.goals.get(position=2).pk] = Outcome.PARTLY
    guidance_services.period_end(
        period=period, ended_on=datetime.date(2024, 8, 30), outcomes=outcomes, closing_note="Hyvä"
    )
    pair = pairs_services.pair_save(
        pair=WorkPair(
            expert=guide,
            professional=Professional.objects.get(external_id="AMM-01"),
            started_on=datetime.date(2024, 5, 1),
        ),
        default_plan=True,
    )
    pairs_services.step_set_done(
        step=pair.steps.first(), done=True, by=DoneBy.EXPERT, today=datetime.date(2024, 5, 6)
    )
    tables = report_tables_of_the_years()
    started = [row for row in tables[0] if row.slug == "guidance"][0].rows[0]
    assert started.values[-1] == 3  # the samples' two started in 2024, and this one
    return tables, _guidance_rows()


def _guidance_rows() -> list:
    """The periods, goals, meetings, pairs and steps by what they hold, not by their ids."""
    return [
        sorted(
            Period.objects.values_list(
                "guide__last_name",
                "client_code",
                "referred_on",
                "started_on",
                "ended_on",
                "status",
                "closing_note",
                "service_area__code",
                "referred_by__last_name",
            )
        ),
        sorted(Goal.objects.values_list("period__client_code", "position", "text", "outcome")),
        sorted(
            Meeting.objects.values_list(
                "period__client_code",
                "date",
                "start_time",
                "hours",
                "place",
                "is_start",
                "assignment__date",
                "assignment__hours",
            )
        ),
        sorted(
            WorkPair.objects.values_list(
                "expert__last_name",
                "professional__last_name",
                "started_on",
                "ended_on",
                "mentor_professional__last_name",
                "notes",
            ),
            key=str,
        ),
        sorted(
            PlanStep.objects.values_list(
                "pair__started_on", "position", "kind", "title", "due_on", "done_on", "done_by"
            ),
            key=str,
        ),
    ]


def _guidance_after_the_round_trip(before: tuple) -> None:
    tables, rows = before
    assert report_tables_of_the_years() == tables  # every table, its rows in their order
    assert _guidance_rows() == rows


# --- end kokemusohjaus and work pairs ---
