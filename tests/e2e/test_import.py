"""A coordinator imports spreadsheets in the browser: upload, the worker checks them while the
page shows its progress, the preview says what changes, codes are mapped, the import is
confirmed, and undone.

The background worker is played by the test: it runs the queued job (what `manage.py worker`
does) once the page shows that the job waits, and the page's script notices and reloads.
"""

import pytest

from agreements.models import Agreement, Assignment
from interchange import formats
from interchange.models import ImportJob, ImportRun
from interchange.services import import_data, import_job_run
from registry.models import Expert, ServiceArea
from tests.e2e.axe import serious_violations
from tests.interchange.conftest import ASSIGNMENTS, EXPERTS, csv_bytes, files, with_cell

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _choose(page, tmp_path, pairs):
    paths = []
    for name, data in pairs:
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    page.locator("#id_files").set_input_files(paths)


def _work(page, done_selector: str) -> None:
    """Be the worker: wait until the page shows the job waiting, run it, and wait for the
    page to show the outcome (its script polls the status and reloads)."""
    page.locator("#import-progress").wait_for()
    import_job_run(ImportJob.objects.latest("pk").pk)
    page.locator(done_selector).wait_for()


def _upload(page, tmp_path, pairs, done_selector="#import-counts"):
    _choose(page, tmp_path, pairs)
    page.locator("#upload-form button[type=submit]").click()
    _work(page, done_selector)


def test_coordinator_uploads_sees_progress_and_the_preview_and_confirms(
    page_en, log_in, coordinator, tmp_path
):
    page = page_en
    log_in(page, coordinator.username)
    page.get_by_role("link", name="Import").first.click()
    page.wait_for_url("**/tuonti/")
    _choose(page, tmp_path, files(delimiter=";"))
    page.get_by_role("button", name="Check the files").click()

    page.locator("#import-progress").wait_for()
    assert page.locator("#import-progress-text").inner_text() == (
        "Waiting for the background worker to start."
    )
    assert page.locator("#import-progress progress").count() == 1
    import_job_run(ImportJob.objects.get().pk)
    page.locator("#import-counts").wait_for()

    row = page.locator("#import-counts tr", has_text=formats.ASSIGNMENTS.name)
    assert row.locator("td").all_inner_texts() == ["2", "0", "0"]
    assert not Expert.objects.exists()
    page.locator("#confirm-import").click()
    _work(page, "#import-applied")
    assert page.locator("#import-applied").inner_text() == (
        "Imported: 6 rows created and 0 updated."
    )
    assert Assignment.objects.count() == 2


def test_coordinator_sees_each_error_and_cannot_confirm(page_en, log_in, coordinator, tmp_path):
    page = page_en
    log_in(page, coordinator.username)
    page.goto("/tuonti/")
    bad = [row[:] for row in ASSIGNMENTS]
    bad[1][4] = "0"

    _upload(page, tmp_path, files(assignments=bad), "#import-errors")

    cells = page.locator("#import-errors tbody tr").first.locator("td").all_inner_texts()
    assert cells == ["assignments.csv", "3", "hours", "Hours must be more than zero."]
    assert page.locator("#confirm-import").count() == 0
    assert not Assignment.objects.exists()


def test_the_preview_shows_what_each_updated_row_changes(page, log_in, coordinator, tmp_path):
    import_data(files(), dry_run=False)
    log_in(page, coordinator.username)
    page.goto("/tuonti/")
    experts = with_cell(EXPERTS, 0, 5, "Kannus")
    assignments = with_cell(ASSIGNMENTS, 0, 5, "peruttu")

    _upload(page, tmp_path, files(experts=experts, assignments=assignments))

    experts_table = page.locator("#changes-experts tbody tr")
    assert experts_table.first.locator("td, th").all_inner_texts() == [
        "2",
        "E1",
        "municipality",
        "Kokkola",
        "Kannus",
    ]
    assignments_table = page.locator("#changes-assignments tbody tr")
    assert assignments_table.first.locator("td, th").all_inner_texts() == [
        "2",
        "X1",
        "status",
        "tehty",
        "peruttu",
    ]
    assert serious_violations(page) == []
    page.locator("#confirm-import").click()
    _work(page, "#import-applied")
    assert Expert.objects.get(external_id="E1").municipality == "Kannus"


def test_a_new_division_named_as_an_existing_one_is_mapped_onto_it(
    page, log_in, coordinator, tmp_path
):
    log_in(page, coordinator.username)
    page.goto("/tuonti/")
    areas = csv_bytes(
        formats.SERVICE_AREAS.column_names[:3],
        [["perhe", "Perhe- ja sosiaalipalvelut", ""], ["perhe_uusi", "Uusi palvelu", "perhe"]],
    )
    agreements = [["A1", "E1", "perhe", "15.12.2024", "1.1.2025", "", "25", "active"]]
    pairs = [
        ("service_areas.csv", areas),
        *files(experts=EXPERTS[:1], agreements=agreements, assignments=[]),
    ]

    _upload(page, tmp_path, pairs, "#same-names")

    assert "family_social" in page.locator("#same-names").inner_text()
    assert serious_violations(page) == []
    page.get_by_label("Käytä family_social: Perhe- ja sosiaalipalvelut").check()
    page.locator("#map-codes").click()
    _work(page, "#confirm-import")
    row = page.locator("#import-counts tr", has_text=formats.SERVICE_AREAS.name)
    assert row.locator("td").all_inner_texts() == ["1", "0", "1"]
    page.locator("#confirm-import").click()
    _work(page, "#import-applied")

    assert not ServiceArea.objects.filter(code="perhe").exists()
    assert ServiceArea.objects.get(code="perhe_uusi").parent.code == "family_social"
    assert Agreement.objects.get().division.code == "family_social"


def test_coordinator_undoes_an_import_and_is_told_what_stops_another(
    page, log_in, coordinator, tmp_path
):
    log_in(page, coordinator.username)
    page.goto("/tuonti/")
    _upload(page, tmp_path, files())
    page.locator("#confirm-import").click()
    _work(page, "#import-applied")
    import_data(files(experts=with_cell(EXPERTS, 0, 5, "Kannus")), dry_run=False)  # a later one

    page.goto("/tuonti/")
    page.locator("#import-runs tbody tr").nth(1).get_by_role("link").click()
    page.locator("#undo-blocked").wait_for()
    assert page.locator("#undo-blockers tbody th").all_inner_texts() == ["Kokemustoimija E1"]
    assert serious_violations(page) == []

    page.goto("/tuonti/")
    page.locator("#import-runs tbody tr").first.get_by_role("link").click()
    page.locator("#undo-import").click()
    page.get_by_text("Tuonti kumottiin.").wait_for()
    assert Expert.objects.get(external_id="E1").municipality == "Kokkola"
    page.goto("/tuonti/")
    page.locator("#import-runs tbody tr").nth(1).get_by_role("link").click()
    page.locator("#undo-import").click()
    page.locator("#import-undone").wait_for()
    assert not Expert.objects.exists() and not Assignment.objects.exists()
    assert ImportRun.objects.filter(undone_at__isnull=False).count() == 2


def test_the_template_in_finnish_imports_as_it_is(page, log_in, coordinator, tmp_path):
    log_in(page, coordinator.username)
    page.goto("/tuonti/")
    with page.expect_download() as download:
        page.locator("#import-template").click()
    template = tmp_path / "tuontipohja.xlsx"
    download.value.save_as(template)

    _upload(page, tmp_path, [("tuontipohja.xlsx", template.read_bytes())])

    counts = [row.split("\t") for row in page.locator("#import-counts tbody tr").all_inner_texts()]
    assert len(counts) == len(formats.FILES)  # a sheet of each file, every row of it new
    assert all(int(new) >= 1 and (changed, same) == ("0", "0") for _, new, changed, same in counts)
    page.locator("#confirm-import").click()
    _work(page, "#import-applied")
    assert Expert.objects.get(external_id="ESIM-1").kind == "peer"  # "vertaistoimija"
    assert Agreement.objects.get(number="TS-ESIM-1").status == "active"  # "allekirjoitettu"
    assert Assignment.objects.get(external_id="TEHTAVA-1").status == "done"  # "tehty"
