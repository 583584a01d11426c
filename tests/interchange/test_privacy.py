"""Erasing an expert reaches the import's stores: uploads on their way and the journals."""

import pytest

from interchange.models import ImportFileChunk, ImportJob, ImportRun
from interchange.services import import_data, import_job_create, import_undo
from kokemus.privacy import expert_anonymise
from registry.models import Expert
from tests.interchange.conftest import EXPERTS, files, with_cell

pytestmark = pytest.mark.django_db


def test_erasure_deletes_uploads_on_their_way_and_redacts_the_journals(coordinator):
    import_data(files(), dry_run=False)
    renamed = with_cell(with_cell(EXPERTS, 0, 3, "aino.uusi@example.fi"), 0, 1, "Aina")
    result = import_data(files(experts=renamed), dry_run=False)
    run = ImportRun.objects.get(pk=result.run_id)
    aina = Expert.objects.get(external_id="E1")
    before = run.journal["registry.expert"]["updated"][str(aina.pk)]["before"]
    assert (before["first_name"], before["email"]) == ("Aino", "aino@example.fi")
    with open(__file__, "rb") as anything:
        import_job_create(files=[("experts.csv", anything)], by=coordinator, language="fi")

    expert_anonymise(expert=aina, by=coordinator)

    assert not ImportJob.objects.exists() and not ImportFileChunk.objects.exists()
    run.refresh_from_db()
    before = run.journal["registry.expert"]["updated"][str(aina.pk)]["before"]
    assert (before["first_name"], before["email"]) == ("***", "***")
    text = str(run.journal)
    assert "Aino" not in text and "aino@example.fi" not in text
    blockers = import_undo(run=run, by=None)  # nothing can put her values back
    assert [b.reason for b in blockers.rows] == ["changed since the import"]
