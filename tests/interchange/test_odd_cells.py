"""A NUL character in an imported cell is a cell error, never a server error.

No database column holds one; PostgreSQL refuses the whole statement, so a NUL in a key made
the preview a 500, and one in a name a 500 on confirming a clean preview.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.models import Expert
from tests.interchange.conftest import EXPERTS, files

pytestmark = pytest.mark.django_db
ENGLISH = {"headers": {"accept-language": "en"}}


def _with_nul(column: int) -> list[list[str]]:
    experts = [row[:] for row in EXPERTS]
    experts[0][column] = experts[0][column][:2] + "\x00" + experts[0][column][2:]
    return experts


@pytest.mark.usefixtures("tasks_at_once")  # the worker checks the upload at once
@pytest.mark.parametrize(("column", "name"), [(0, "external_id"), (1, "first_name")])
def test_a_nul_in_a_cell_is_named_in_the_preview(client, coordinator, column, name):
    client.force_login(coordinator)
    uploads = [
        SimpleUploadedFile(file_name, data, content_type="text/csv")
        for file_name, data in files(experts=_with_nul(column))
    ]

    upload = client.post(reverse("interchange:upload"), {"files": uploads}, **ENGLISH)
    response = client.get(upload["Location"], **ENGLISH)

    assert response.status_code == 200
    errors = [(e.file, e.line, e.column, e.message) for e in response.context["result"].errors]
    assert ("experts.csv", 2, name, "Null characters are not allowed.") in errors
    assert not response.context["checked"]  # nothing to confirm
    assert b'id="confirm-import"' not in response.content
    assert not Expert.objects.exists()
