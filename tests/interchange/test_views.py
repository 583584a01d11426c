"""The coordinator's import in the browser: upload, the worker checks, preview, confirm, undo."""

import datetime
import io

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from agreements.models import Agreement, Assignment
from interchange import formats
from interchange.models import ImportFileChunk, ImportJob, ImportRun, JobStatus
from interchange.services import import_job_run
from registry.models import AssignmentType, Expert, ServiceArea
from tests.factories import AgreementFactory
from tests.interchange.conftest import ASSIGNMENTS, EXPERTS, csv_bytes, files, with_cell

pytestmark = pytest.mark.django_db
ENGLISH = {"headers": {"accept-language": "en"}}


def _uploads(pairs):
    return [SimpleUploadedFile(name, data, content_type="text/csv") for name, data in pairs]


def _upload(client, pairs):
    """Upload; with tasks_at_once the worker has checked the files when this returns."""
    response = client.post(reverse("interchange:upload"), {"files": _uploads(pairs)}, **ENGLISH)
    assert response.status_code == 302, response.content.decode()
    return ImportJob.objects.latest("pk")


def _page(client, job):
    return client.get(reverse("interchange:job", args=[job.pk]), **ENGLISH)


def _confirm(client, job):
    return client.post(reverse("interchange:job_confirm", args=[job.pk]), **ENGLISH)


def test_upload_page_lists_the_files_their_columns_and_offers_the_template(client, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("interchange:upload"), **ENGLISH)

    assert response.status_code == 200
    content = response.content.decode()
    assert "expert_external_ids" in content
    assert 'type="file"' in content and "multiple" in content
    assert f'href="{reverse("interchange:template")}"' in content


def test_the_upload_keeps_the_files_and_leaves_the_work_to_the_worker(client, coordinator):
    """Nothing is read in the request: the worker's task is queued (the database backend of
    the settings), so no proxy or server timeout can cut a long import."""
    client.force_login(coordinator)

    job = _upload(client, files())

    assert (job.status, job.created_by, job.files) == (
        JobStatus.WAITING,
        coordinator,
        ["experts.csv", "agreements.csv", "assignments.csv"],
    )
    assert ImportFileChunk.objects.filter(job=job).count() == 3
    task = DBTaskResult.objects.get()
    assert task.task_path == "interchange.tasks.run_import_job"
    assert task.args_kwargs["kwargs"] == {"job_id": job.pk}
    page = _page(client, job).content.decode()
    assert 'id="import-progress"' in page and "Waiting for the background worker" in page
    assert "js/import-progress." in page

    assert import_job_run(job.pk) == JobStatus.CHECKED

    job.refresh_from_db()
    assert job.result["counts"]["assignments.csv"]["create"] == 2
    assert not Expert.objects.exists()  # checked, not imported
    assert 'id="confirm-import"' in _page(client, job).content.decode()


def test_a_large_file_is_kept_in_pieces(client, coordinator, monkeypatch):
    monkeypatch.setattr("interchange.services.CHUNK_BYTES", 100)
    client.force_login(coordinator)

    job = _upload(client, files())

    experts = files()[0][1]
    pieces = ImportFileChunk.objects.filter(job=job, file_index=0).order_by("sequence")
    assert pieces.count() == -(-len(experts) // 100)
    assert b"".join(bytes(piece.data) for piece in pieces) == experts


def test_the_status_view_tells_the_progress(client, coordinator):
    client.force_login(coordinator)
    job = _upload(client, files())
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, phase="reading", percent=40, rows_read=4000
    )

    status = client.get(reverse("interchange:job_status", args=[job.pk]), **ENGLISH).json()

    assert status == {
        "finished": False,
        "percent": 40,
        "text": "Reading the files: 4000 rows read.",
    }
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.CHECKED)
    finished = client.get(reverse("interchange:job_status", args=[job.pk])).json()
    assert finished["finished"] is True


@pytest.mark.usefixtures("tasks_at_once")
def test_preview_counts_and_confirm_writes(client, coordinator):
    client.force_login(coordinator)

    job = _upload(client, files())

    response = _page(client, job)
    assert response.context["result"].counts["assignments.csv"].create == 2
    assert b'id="confirm-import"' in response.content
    assert not Expert.objects.exists()  # the preview writes nothing

    response = _confirm(client, job)

    assert response.status_code == 302
    assert Assignment.objects.count() == 2
    assert Assignment.objects.get(external_id="X1").created_by == coordinator
    page = client.get(response["Location"], **ENGLISH).content.decode()
    assert "Imported: 6 rows created and 0 updated." in page
    assert not ImportFileChunk.objects.filter(job=job).exists()  # no longer needed
    assert reverse("interchange:run_undo", args=[ImportRun.objects.get().pk]) in page


@pytest.mark.usefixtures("tasks_at_once")
def test_preview_lists_every_error_with_file_line_and_column_and_offers_no_confirm(
    client, coordinator
):
    client.force_login(coordinator)
    bad = [row[:] for row in ASSIGNMENTS]
    bad[0][4] = "kaksi"
    bad[1][1] = "juggling"

    response = _page(client, _upload(client, files(assignments=bad)))

    content = response.content.decode()
    assert b'id="confirm-import"' not in response.content
    assert "Nothing was saved" in content
    rows = [(e.file, e.line, e.column) for e in response.context["result"].errors]
    assert rows == [("assignments.csv", 2, "hours"), ("assignments.csv", 3, "type_code")]
    assert "<td>3</td>" in content and "<code>type_code</code>" in content
    assert "kaksi is not a number" in content


@pytest.mark.usefixtures("tasks_at_once")
def test_a_confirmed_import_leaves_one_audit_trail_entry_naming_who_files_and_counts(
    client, coordinator
):
    client.force_login(coordinator)
    job = _upload(client, files())
    assert not LogEntry.objects.filter(content_type__model="importrun").exists()  # preview

    _confirm(client, job)

    entry = LogEntry.objects.get(content_type__model="importrun")
    assert (entry.action, entry.actor) == (LogEntry.Action.CREATE, coordinator)
    run = ImportRun.objects.get(pk=entry.object_id)
    assert run.imported_by == coordinator
    assert run.files == ["experts.csv", "agreements.csv", "assignments.csv"]
    assert run.counts["assignments.csv"] == {"create": 2, "update": 0, "unchanged": 0}
    # the trail entry itself holds the figures, should the import row be gone; not the journal
    assert '"assignments.csv": {"create": 2' in entry.changes_dict["counts"][1]
    assert "journal" not in entry.changes_dict


@pytest.mark.usefixtures("tasks_at_once")
def test_confirm_twice_imports_once(client, coordinator):
    client.force_login(coordinator)
    job = _upload(client, files())
    _confirm(client, job)

    response = _confirm(client, job)

    assert response.status_code == 302
    page = client.get(response["Location"], **ENGLISH).content.decode()
    assert "This import has already been confirmed." in page
    assert Assignment.objects.count() == 2
    assert ImportRun.objects.count() == 1


@pytest.mark.usefixtures("tasks_at_once")
def test_another_users_upload_is_not_found_and_cannot_be_confirmed(client, coordinator, admin_user):
    client.force_login(coordinator)
    job = _upload(client, files())
    client.logout()
    client.force_login(admin_user)

    assert _page(client, job).status_code == 404
    assert _confirm(client, job).status_code == 404
    assert client.get(reverse("interchange:job_status", args=[job.pk])).status_code == 404
    assert not Expert.objects.exists()


def test_csv_files_and_a_workbook_together_are_refused(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("interchange:upload"),
        {"files": _uploads([*files(), ("kokemus.xlsx", b"PK")])},
        **ENGLISH,
    )

    assert response.status_code == 200
    assert response.context["form"].errors["files"] == ["Give CSV files or one Excel workbook."]
    assert b'id="error-summary"' in response.content
    assert not ImportJob.objects.exists()


def test_files_over_the_size_limit_are_refused_in_the_form(client, coordinator, settings):
    settings.IMPORT_MAX_MEGABYTES = 0
    client.force_login(coordinator)

    response = client.post(reverse("interchange:upload"), {"files": _uploads(files())}, **ENGLISH)

    assert response.context["form"].errors["files"] == [
        "The files are too large: at most 0 MB together."
    ]
    assert not ImportJob.objects.exists()


def test_expert_and_evaluation_member_may_not_import(client, expert_alice, evaluation_member):
    for user in (expert_alice, evaluation_member):
        client.force_login(user)
        assert (
            client.post(reverse("interchange:upload"), {"files": _uploads(files())}).status_code
            == 403
        )
    assert not Expert.objects.exclude(user=expert_alice).exists()
    assert not ImportJob.objects.exists()


def test_upload_page_reads_no_rows(client, coordinator, django_assert_max_num_queries):
    client.force_login(coordinator)
    with django_assert_max_num_queries(7):  # session, user, groups, the latest imports
        client.get(reverse("interchange:upload"))


# the preview says what changes (issue 16) --------------------------------------------------


@pytest.mark.usefixtures("tasks_at_once")
def test_the_preview_shows_old_and_new_values_of_each_changed_column(client, coordinator):
    client.force_login(coordinator)
    _confirm(client, _upload(client, files()))
    changed = with_cell(with_cell(ASSIGNMENTS, 0, 4, "3"), 0, 5, "cancelled")

    response = _page(client, _upload(client, files(assignments=changed)))

    content = response.content.decode()
    table = content.split('id="changes-assignments"')[1].split("</table>")[0]
    assert "1 row to update" in table
    rows = table.split("<tr>")[2:]
    assert ["<td>2</td>" in row and '<th scope="row">X1</th>' in row for row in rows] == [
        True,
        True,
    ]
    assert "<code>hours</code></td>\n        <td>2.50</td>\n        <td>3.00</td>" in table
    assert "<code>status</code></td>\n        <td>done</td>\n        <td>cancelled</td>" in table


# names already in Kokemus under other codes (issue 16) ------------------------------------

# The sample organisation's divisions, named as the default ones are under other codes.
SAME_NAMES = csv_bytes(
    formats.SERVICE_AREAS.column_names[:3],
    [
        ["perhe", "Perhe- ja sosiaalipalvelut", ""],
        ["perhe_lapsi", "Lastensuojelu", "perhe"],
        ["uusi", "Aivan uusi palvelu", "perhe"],
    ],
)
AGREEMENT_WITH_PERHE = [
    ["A1", "E1", "perhe", "15.12.2024", "1.1.2025", "31.12.2025", "25,50", "active"],
    ["A2", "E2", "perhe", "2025-01-10", "2025-01-15", "", "20", "active"],
]


@pytest.mark.usefixtures("tasks_at_once")
def test_a_new_code_with_an_existing_name_is_warned_of_and_can_be_mapped(client, coordinator):
    client.force_login(coordinator)
    pairs = [
        ("service_areas.csv", SAME_NAMES),
        *files(agreements=AGREEMENT_WITH_PERHE, assignments=[]),
    ]
    job = _upload(client, pairs)

    page = _page(client, job).content.decode()
    assert 'id="same-names"' in page
    result = job.__class__.objects.get(pk=job.pk).result
    warned = {item["code"]: item["existing"] for item in result["same_names"]}
    assert warned == {
        "perhe": [["family_social", "Perhe- ja sosiaalipalvelut"]],
        "perhe_lapsi": [["child_welfare", "Lastensuojelu"]],
    }

    response = client.post(
        reverse("interchange:job_map", args=[job.pk]),
        {
            "map:service_areas.csv:perhe": "family_social",
            "map:service_areas.csv:perhe_lapsi": "child_welfare",
        },
    )

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.mapping == {
        "service_areas.csv": {"perhe": "family_social", "perhe_lapsi": "child_welfare"}
    }
    assert job.result["counts"]["service_areas.csv"] == {"create": 1, "update": 0, "unchanged": 2}
    page = _page(client, job).content.decode()
    assert 'value="family_social" class="form-check-input"' in page or "checked" in page
    _confirm(client, job)
    assert not ServiceArea.objects.filter(code__in=["perhe", "perhe_lapsi"]).exists()
    assert ServiceArea.objects.get(code="uusi").parent.code == "family_social"
    assert set(Agreement.objects.values_list("division__code", flat=True)) == {"family_social"}


@pytest.mark.usefixtures("tasks_at_once")
def test_a_mapping_to_a_code_that_was_not_offered_is_refused(client, coordinator):
    client.force_login(coordinator)
    job = _upload(client, [("service_areas.csv", SAME_NAMES)])

    response = client.post(
        reverse("interchange:job_map", args=[job.pk]),
        {"map:service_areas.csv:perhe": "health"},
        **ENGLISH,
    )

    job.refresh_from_db()
    assert job.mapping == {}
    assert "Choose one of the offered codes." in client.get(response["Location"]).content.decode()


@pytest.mark.usefixtures("tasks_at_once")
def test_same_names_of_assignment_types_in_any_language_are_found(client, coordinator):
    client.force_login(coordinator)
    types = csv_bytes(["code", "name"], [["tuki", "Client support"]])

    job = _upload(client, [("assignment_types.csv", types)])

    assert job.__class__.objects.get(pk=job.pk).result["same_names"][0]["existing"] == [
        ["client_support", "Asiakkaan tukena"]
    ]


# undo (issue 16) -----------------------------------------------------------------------------


@pytest.mark.usefixtures("tasks_at_once")
def test_an_import_is_undone_when_nothing_was_recorded_on_its_rows(client, coordinator):
    client.force_login(coordinator)
    _confirm(client, _upload(client, files()))
    run = ImportRun.objects.get()
    types = csv_bytes(["code", "name"], [["client_support", "Client support"]])
    _confirm(client, _upload(client, [("assignment_types.csv", types)]))
    renaming = ImportRun.objects.latest("pk")

    page = client.get(reverse("interchange:run_undo", args=[renaming.pk]), **ENGLISH)
    assert b'id="undo-import"' in page.content
    response = client.post(reverse("interchange:run_undo", args=[renaming.pk]), **ENGLISH)

    assert response.status_code == 302
    assert AssignmentType.objects.get(code="client_support").name == "Asiakkaan tukena"
    client.post(reverse("interchange:run_undo", args=[run.pk]))
    assert not Expert.objects.exists() and not Assignment.objects.exists()
    run.refresh_from_db()
    assert (run.undone_by, run.undone_at is not None) == (coordinator, True)
    page = client.get(reverse("interchange:run_undo", args=[run.pk]), **ENGLISH).content.decode()
    assert 'id="import-undone"' in page and 'id="undo-import"' not in page


@pytest.mark.usefixtures("tasks_at_once")
def test_the_undo_page_names_the_rows_recorded_on_since_and_undoes_nothing(client, coordinator):
    client.force_login(coordinator)
    _confirm(client, _upload(client, files()))
    run = ImportRun.objects.get()
    aino = Expert.objects.get(external_id="E1")
    AgreementFactory(
        number="TS-LATER", expert=aino, valid_from=datetime.date(2026, 1, 1), valid_until=None
    )

    page = client.get(reverse("interchange:run_undo", args=[run.pk]), **ENGLISH).content.decode()
    client.post(reverse("interchange:run_undo", args=[run.pk]), **ENGLISH)

    assert 'id="undo-blocked"' in page and 'id="undo-import"' not in page
    assert "Expert by experience E1" in page
    assert "1 commission agreement made since the import refers to it (TS-LATER" in page
    assert Expert.objects.count() == 2 and Assignment.objects.count() == 2
    assert ImportRun.objects.get().undone_at is None


# the template (issue 16) ---------------------------------------------------------------------


def test_the_template_has_every_sheet_its_columns_an_example_and_the_allowed_values(
    client, coordinator
):
    client.force_login(coordinator)

    response = client.get(reverse("interchange:template"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [spec.name.removesuffix(".csv") for spec in formats.FILES]
    for spec in formats.FILES:
        rows = list(workbook[spec.name.removesuffix(".csv")].iter_rows(values_only=True))
        assert list(rows[0]) == spec.column_names
        # assignments has a second example: the example meeting's assignment
        assert len(rows) == (3 if spec is formats.ASSIGNMENTS else 2) and rows[1][0]
    experts = workbook["experts"]
    assert experts["G2"].value == "vertaistoimija"  # the page's language: Finnish
    assert "vertaistoimija" in experts["G1"].comment.text
    assert "peer (vertaistoimija)" in experts["G1"].comment.text
    status = workbook["agreements"]["H1"].comment.text
    assert "Pakollinen" in status and "active (allekirjoitettu, voimassa)" in status
    assert "mental_health" in workbook["agreements"]["C1"].comment.text
    lists = [v.formula1 for v in workbook["assignments"].data_validations.dataValidation]
    assert lists == ['"suunniteltu,tehty,peruttu"', '"asiakkaat,asukkaat,henkilöstö,opiskelijat"']


def test_an_expert_may_not_download_the_template(client, expert_alice):
    client.force_login(expert_alice)
    assert client.get(reverse("interchange:template")).status_code == 403


@pytest.mark.usefixtures("tasks_at_once")
def test_a_file_in_finnish_words_imports_through_the_browser(client, coordinator):
    client.force_login(coordinator)
    experts = with_cell(
        with_cell(EXPERTS, 0, 6, "Koulutettu kokemustoimija"), 1, 6, "VERTAISTOIMIJA"
    )
    assignments = with_cell(with_cell(ASSIGNMENTS, 0, 5, "Tehty"), 1, 5, "suunniteltu")

    job = _upload(client, files(experts=experts, assignments=assignments))
    _confirm(client, job)

    assert dict(Expert.objects.values_list("external_id", "kind")) == {"E1": "expert", "E2": "peer"}
    assert dict(Assignment.objects.values_list("external_id", "status")) == {
        "X1": "done",
        "X2": "planned",
    }


@pytest.mark.usefixtures("tasks_at_once")
def test_the_job_page_and_its_status_read_a_fixed_number_of_rows(
    client, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    job = _upload(client, files())
    with django_assert_max_num_queries(4):  # session, user, groups, the job
        _page(client, job)
    with django_assert_max_num_queries(4):  # session, user, groups, the job
        client.get(reverse("interchange:job_status", args=[job.pk]))


@pytest.mark.usefixtures("tasks_at_once")
def test_the_undo_page_reads_the_same_number_of_rows_for_few_and_many(client, coordinator):
    """The checks go by model and relation in chunks of ids, never row by row: session,
    user, groups, the run, later undone runs, the versions of experts, agreements and
    assignments, the participations of new assignments, and one query per relation (of any
    app) to the rows the undo would remove."""
    client.force_login(coordinator)
    rows = [
        [f"X{n}", "client_support", "mh_outpatient", "10.3.2025", "1", "done", "E1|E2", "T"]
        for n in range(120)
    ]
    counts = []
    for assignments in (ASSIGNMENTS, rows):
        for model in (ImportRun, Assignment, Agreement, Expert):  # each round from nothing
            model.objects.all().delete()
        _confirm(client, _upload(client, files(assignments=assignments)))
        run = ImportRun.objects.get()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("interchange:run_undo", args=[run.pk]))
        assert b'id="undo-import"' in response.content
        counts.append(len(queries))
    assert counts[0] == counts[1] < 40  # a query per model that points at what it removes
