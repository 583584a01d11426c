"""The coordinator's import in the browser: upload, preview with every error, confirm."""

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements.models import Assignment
from interchange import uploads
from interchange.models import ImportRun
from registry.models import Expert
from tests.interchange.conftest import ASSIGNMENTS, files

pytestmark = pytest.mark.django_db
ENGLISH = {"headers": {"accept-language": "en"}}


def _uploads(pairs):
    return [SimpleUploadedFile(name, data, content_type="text/csv") for name, data in pairs]


def _preview(client, pairs):
    return client.post(reverse("interchange:upload"), {"files": _uploads(pairs)}, **ENGLISH)


def test_upload_page_lists_the_files_and_their_columns(client, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("interchange:upload"), **ENGLISH)

    assert response.status_code == 200
    content = response.content.decode()
    assert "expert_external_ids" in content
    assert 'type="file"' in content and "multiple" in content


def test_preview_counts_and_confirm_writes(client, coordinator):
    client.force_login(coordinator)

    response = _preview(client, files())

    assert response.status_code == 200
    assert response.context["result"].counts["assignments.csv"].create == 2
    assert b'id="confirm-import"' in response.content
    assert not Expert.objects.exists()  # the preview writes nothing

    response = client.post(
        reverse("interchange:confirm"), {"token": response.context["token"]}, **ENGLISH
    )

    assert response.status_code == 302
    assert Assignment.objects.count() == 2
    assert Assignment.objects.get(external_id="X1").created_by == coordinator
    page = client.get(response["Location"], **ENGLISH).content.decode()
    assert "Imported: 6 rows created and 0 updated." in page


def test_preview_lists_every_error_with_file_line_and_column_and_offers_no_confirm(
    client, coordinator
):
    client.force_login(coordinator)
    bad = [row[:] for row in ASSIGNMENTS]
    bad[0][4] = "kaksi"
    bad[1][1] = "juggling"

    response = _preview(client, files(assignments=bad))

    content = response.content.decode()
    assert b'id="confirm-import"' not in response.content
    assert "Nothing was saved" in content
    rows = [(e.file, e.line, e.column) for e in response.context["result"].errors]
    assert rows == [("assignments.csv", 2, "hours"), ("assignments.csv", 3, "type_code")]
    assert "<td>3</td>" in content and "<code>type_code</code>" in content
    assert uploads.SESSION_KEY not in client.session


def test_a_confirmed_import_leaves_one_audit_trail_entry_naming_who_files_and_counts(
    client, coordinator
):
    client.force_login(coordinator)
    token = _preview(client, files()).context["token"]
    assert not LogEntry.objects.filter(content_type__model="importrun").exists()  # preview

    client.post(reverse("interchange:confirm"), {"token": token})

    entry = LogEntry.objects.get(content_type__model="importrun")
    assert (entry.action, entry.actor) == (LogEntry.Action.CREATE, coordinator)
    run = ImportRun.objects.get(pk=entry.object_id)
    assert run.imported_by == coordinator
    assert run.files == ["experts.csv", "agreements.csv", "assignments.csv"]
    assert run.counts["assignments.csv"] == {"create": 2, "update": 0, "unchanged": 0}
    # the trail entry itself holds the figures, should the import row be gone
    assert '"assignments.csv": {"create": 2' in entry.changes_dict["counts"][1]


def test_confirm_twice_imports_once(client, coordinator):
    client.force_login(coordinator)
    token = _preview(client, files()).context["token"]
    client.post(reverse("interchange:confirm"), {"token": token})

    response = client.post(reverse("interchange:confirm"), {"token": token}, **ENGLISH)

    assert response.status_code == 302
    assert "no longer kept" in client.get(response["Location"], **ENGLISH).content.decode()
    assert Assignment.objects.count() == 2


def test_another_users_token_does_not_confirm(client, coordinator, admin_user):
    client.force_login(coordinator)
    token = _preview(client, files()).context["token"]
    client.logout()
    client.force_login(admin_user)

    client.post(reverse("interchange:confirm"), {"token": token})

    assert not Expert.objects.exists()


def test_csv_files_and_a_workbook_together_are_refused(client, coordinator):
    client.force_login(coordinator)

    response = _preview(client, [*files(), ("kokemus.xlsx", b"PK")])

    assert response.status_code == 200
    assert response.context["form"].errors["files"] == ["Give CSV files or one Excel workbook."]
    assert b'id="error-summary"' in response.content


def test_expert_and_evaluation_member_may_not_import(client, expert_alice, evaluation_member):
    for user in (expert_alice, evaluation_member):
        client.force_login(user)
        assert (
            client.post(reverse("interchange:upload"), {"files": _uploads(files())}).status_code
            == 403
        )
    assert not Expert.objects.exclude(user=expert_alice).exists()


def test_upload_page_reads_no_rows(client, coordinator, django_assert_max_num_queries):
    client.force_login(coordinator)
    with django_assert_max_num_queries(6):  # session, user, groups; the page reads no rows
        client.get(reverse("interchange:upload"))
