"""A coordinator uploads a CSV file, reads the preview and confirms the import."""

import pytest

from agreements.models import Assignment
from interchange import formats
from registry.models import Expert
from tests.interchange.conftest import ASSIGNMENTS, files

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _upload(page, tmp_path, pairs):
    paths = []
    for name, data in pairs:
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    page.locator("#id_files").set_input_files(paths)
    page.get_by_role("button", name="Check the files").click()
    page.locator("#import-counts").wait_for()


def test_coordinator_uploads_sees_the_preview_and_confirms(page_en, log_in, coordinator, tmp_path):
    page = page_en
    log_in(page, coordinator.username)
    page.get_by_role("link", name="Import").click()
    page.wait_for_url("**/tuonti/")

    _upload(page, tmp_path, files(delimiter=";"))

    row = page.locator("#import-counts tr", has_text=formats.ASSIGNMENTS.name)
    assert row.locator("td").all_inner_texts() == ["2", "0", "0"]
    assert not Expert.objects.exists()
    page.locator("#confirm-import").click()
    page.get_by_text("Imported: 6 rows created and 0 updated.").wait_for()
    assert Assignment.objects.count() == 2


def test_coordinator_sees_each_error_and_cannot_confirm(page_en, log_in, coordinator, tmp_path):
    page = page_en
    log_in(page, coordinator.username)
    page.goto("/tuonti/")
    bad = [row[:] for row in ASSIGNMENTS]
    bad[1][4] = "0"

    _upload(page, tmp_path, files(assignments=bad))

    cells = page.locator("#import-errors tbody tr").first.locator("td").all_inner_texts()
    assert cells == ["assignments.csv", "3", "hours", "Hours must be more than zero."]
    assert page.locator("#confirm-import").count() == 0
    assert not Assignment.objects.exists()
