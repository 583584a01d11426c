"""The report's files served from the database (reporting/stored.py): never stale after a
change, whatever writes it (a form, bulk writes as imports and their undo make, raw SQL), kept
apart per view and language, rendered again by the worker's task, and cleaned up."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from agreements.models import Assignment, Participation
from kokemus.management.commands.worker import REPORT_QUIET_SECONDS, ReportWatch
from kokemus.management.commands.worker import Command as Worker
from reporting import stored
from reporting.models import MonthVersion, StoredReport, View
from reporting.stored import KEPT_DAYS, Report, current_version, refresh_this_year
from reporting.tasks import render_current_reports
from reporting.triggers import (
    FIGURE_TABLES,
    MONTH_TABLES,
    ensure_triggers,
    tables_with_triggers,
)
from tests.factories import AssignmentFactory, ParticipationFactory
from tests.feedback.factories import ProfessionalFeedbackFactory, ReflectionFactory
from tests.guidance.factories import PeriodFactory
from tests.orders.factories import RequestFactory

pytestmark = pytest.mark.django_db

IN_2025 = datetime.datetime(2025, 6, 16, 12, tzinfo=datetime.UTC)


def download(client, user, file_format="csv", language="fi", year=2025) -> bytes:
    client.force_login(user)
    url = reverse("reporting:export", args=[file_format]) + f"?year={year}"
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200
    return response.content


def test_a_saved_assignment_changes_the_next_download(client, coordinator, report_data):
    before = download(client, coordinator)
    assert download(client, coordinator) == before  # served from storage
    assert StoredReport.objects.get().view == View.COORDINATOR

    assignment = Assignment.objects.get(date=datetime.date(2025, 1, 31))  # Aino's, planned
    assignment.hours = Decimal("7.25")
    assignment.save()

    after = download(client, coordinator)
    assert after != before
    assert StoredReport.objects.get().version == current_version()


def add_bulk(day=datetime.date(2025, 5, 5)) -> Assignment:
    """As an import writes: bulk_create, no save() and no signals."""
    model = AssignmentFactory.build(date=day)
    model.type.save()
    model.service_area.save()
    (created,) = Assignment.objects.bulk_create([model])
    return created


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda: add_bulk(), id="bulk_create (an import)"),
        pytest.param(
            lambda: Participation.objects.filter(
                assignment__date=datetime.date(2025, 1, 31)
            ).delete(),
            id="queryset delete (an undo)",
        ),
        pytest.param(
            lambda: Assignment.objects.filter(date__year=2025).update(hours=Decimal("9")),
            id="queryset update",
        ),
    ],
)
def test_bulk_writes_raise_the_version_and_the_file_is_made_again(
    client, coordinator, report_data, change
):
    before, version = download(client, coordinator), current_version()
    change()
    assert current_version() > version
    assert download(client, coordinator) != before


def test_raw_sql_raises_the_version(report_data):
    version = current_version()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE agreements_assignment SET hours = 8 WHERE hours = 1")
    assert current_version() > version


@pytest.mark.parametrize(
    ("factory", "change"),
    [
        (RequestFactory, {"audience": "Opiskelijat"}),
        (PeriodFactory, {"closing_note": "Päättyi"}),
        (ReflectionFactory, {"load": 5}),
        (ProfessionalFeedbackFactory, {"rating": 1}),
    ],
    ids=["request", "kokemusohjaus period", "reflection", "professional's feedback"],
)
def test_the_newer_tables_figures_raise_the_version_too(factory, change):
    row = factory()  # with what it refers to, which raises the version on its own
    version = current_version()
    type(row).objects.filter(pk=row.pk).update(**change)  # only the table itself
    assert current_version() > version


def test_a_write_elsewhere_keeps_the_version(report_data, expert_alice):
    version = current_version()
    expert_alice.first_name = "Alicia"
    expert_alice.save()
    StoredReport.objects.all().delete()
    assert current_version() == version


# Downloads waiting for another's render of the same report ----------------------------------

CSV_2025 = Report(2025, "", View.COORDINATOR, "fi", "csv")


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The formats rendered from here on (reporting.exports.render, still rendering)."""
    rendered, render = [], stored.exports.render
    monkeypatch.setattr(
        stored.exports, "render", lambda figures, fmt: rendered.append(fmt) or render(figures, fmt)
    )
    return rendered


def another_render_while_waiting(monkeypatch, version) -> None:
    """As when another request of this server holds the report's lock: it stores its render,
    from the data at ``version()``, just before this download gets the lock."""

    class Lock:
        def __enter__(self):
            stored.render_and_store(CSV_2025, None, version(), timezone.localdate())

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(stored, "_render_lock", lambda report: Lock())


def change_the_hours() -> int:
    assignment = Assignment.objects.get(date=datetime.date(2025, 1, 31))
    assignment.hours += 1
    assignment.save()
    return current_version()


@time_machine.travel(IN_2025, tick=False)  # one day: the file's made_on
def test_a_download_takes_the_file_of_a_render_begun_while_it_waited(
    report_data, renders, monkeypatch
):
    arrived_at = current_version()
    another_render_while_waiting(monkeypatch, change_the_hours)  # data newer than the arrival
    content = stored.report_file(CSV_2025, None)
    assert renders == ["csv"]  # the other request's render only
    assert StoredReport.objects.get().version > arrived_at
    assert content == bytes(StoredReport.objects.get().content)


@time_machine.travel(IN_2025, tick=False)  # one day: the file's made_on
def test_a_download_renders_again_when_that_render_began_before_a_change(
    report_data, renders, monkeypatch
):
    before_the_change, old = current_version(), stored.report_file(CSV_2025, None)
    change_the_hours()
    another_render_while_waiting(monkeypatch, lambda: before_the_change)
    content = stored.report_file(CSV_2025, None)
    assert renders == ["csv", "csv", "csv"]  # before the change, the other's, then its own
    assert StoredReport.objects.get().version == current_version() > before_the_change
    assert content == bytes(StoredReport.objects.get().content) != old


def test_each_view_and_language_has_its_own_file(
    client, coordinator, evaluation_member, report_data
):
    coordinators = download(client, coordinator)
    evaluations = download(client, evaluation_member)
    assert coordinators != evaluations
    assert "< 3" in evaluations.decode() and "< 3" not in coordinators.decode()
    # The other way round too: what is stored for one is never served to the other.
    assert download(client, coordinator) == coordinators
    assert download(client, evaluation_member) == evaluations
    english = download(client, evaluation_member, language="en")
    assert english != evaluations
    assert set(StoredReport.objects.values_list("view", "language")) == {
        (View.COORDINATOR, "fi"),
        (View.EVALUATION, "fi"),
        (View.EVALUATION, "en"),
    }


def test_a_file_made_yesterday_is_made_again(client, coordinator, report_data):
    download(client, coordinator)
    StoredReport.objects.update(made_on=datetime.date(2020, 1, 1), content=b"old")
    assert download(client, coordinator) != b"old"


@time_machine.travel(IN_2025, tick=False)
def test_the_task_renders_this_years_pdfs_and_what_was_downloaded(client, coordinator, report_data):
    download(client, coordinator, "xlsx", language="sv")
    ParticipationFactory(assignment=Assignment.objects.filter(date__year=2025).first())

    assert render_current_reports.call() == 3  # both views' PDF, and the stale XLSX
    stored = StoredReport.objects.filter(version=current_version())
    assert set(stored.values_list("view", "language", "file_format")) == {
        (View.EVALUATION, "fi", "pdf"),
        (View.COORDINATOR, "fi", "pdf"),
        (View.COORDINATOR, "sv", "xlsx"),
    }
    assert stored.get(file_format="pdf", view=View.EVALUATION).content[:4] == b"%PDF"
    assert refresh_this_year() == 0  # nothing changed since
    pdf = download(client, coordinator, "pdf", year=2025)
    assert pdf == bytes(stored.get(file_format="pdf", view=View.COORDINATOR).content)


@time_machine.travel(IN_2025, tick=False)
def test_one_row_per_report_and_old_ones_are_forgotten(client, coordinator, report_data):
    download(client, coordinator)
    add_bulk()
    download(client, coordinator)
    assert StoredReport.objects.count() == 1  # replaced, not added
    forgotten = Report(2019, "", View.COORDINATOR, "fi", "csv")
    StoredReport.objects.create(
        **forgotten.fields(), version=0, made_on=datetime.date(2019, 1, 1), content=b""
    )
    StoredReport.objects.filter(year=2019).update(
        rendered_at=timezone.now() - datetime.timedelta(days=KEPT_DAYS + 1)
    )
    refresh_this_year()
    assert not StoredReport.objects.filter(year=2019).exists()


@mock.patch("kokemus.management.commands.worker.close_old_connections")  # the test's own
def test_the_worker_enqueues_the_renders_once_a_changed_version_stands_still(_close, report_data):
    worker, watch = Worker(), ReportWatch()
    with mock.patch("kokemus.management.commands.worker.render_current_reports") as task:
        enqueue = task.enqueue
        worker.watch_reports_once(watch, now=0)
        worker.watch_reports_once(watch, now=REPORT_QUIET_SECONDS - 1)
        assert enqueue.call_count == 0  # not yet: writes may follow
        worker.watch_reports_once(watch, now=REPORT_QUIET_SECONDS)
        assert enqueue.call_count == 1  # after start, once it stood still
        worker.watch_reports_once(watch, now=100)
        assert enqueue.call_count == 1  # nothing changed since
        add_bulk()
        worker.watch_reports_once(watch, now=110)
        add_bulk()
        worker.watch_reports_once(watch, now=130)  # people keep writing: no render
        worker.watch_reports_once(watch, now=150)
        assert enqueue.call_count == 1
        worker.watch_reports_once(watch, now=160)
        assert enqueue.call_count == 2


def test_every_table_the_figures_read_has_its_trigger_after_migrating():
    """On SQLite a migration that rebuilds a table (the supervision tables' new columns did)
    drops its triggers: post_migrate makes them again."""
    assert tables_with_triggers(connection) == set(FIGURE_TABLES)
    assert tables_with_triggers(connection, "reporting_mark_months") == set(MONTH_TABLES)


def test_a_lost_trigger_is_made_again(report_data):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name in ("reporting_raise_data_version", "reporting_raise_data_version_truncate"):
                cursor.execute(f"DROP TRIGGER {name} ON supervision_attendance")
        else:
            for event in ("insert", "update", "delete"):
                cursor.execute(
                    f"DROP TRIGGER reporting_raise_data_version_supervision_attendance_{event}"
                )

    assert ensure_triggers(connection) == ["supervision_attendance"]
    assert "supervision_attendance" in tables_with_triggers(connection)
    # and the data version's trigger made again still raises the months a change reaches
    version, months = current_version(), dict(MonthVersion.objects.values_list("month", "number"))
    Assignment.objects.filter(date=datetime.date(2025, 1, 31)).update(hours=Decimal("7"))
    assert current_version() > version
    assert MonthVersion.objects.get(month="2025-01").number > months.get("2025-01", 0)
