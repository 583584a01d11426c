"""No browser or proxy keeps a copy of what a logged-in user was sent.

Expert pages, the JSON data export, agreement and fee PDFs and the fees CSV carry personal
data; a shared computer's browser cache or a caching proxy kept them. Every response to a
logged-in user says ``Cache-Control: private, no-store``; static files, the same for everyone,
keep their long cache life.
"""

from operator import attrgetter

import pytest
from django.templatetags.static import static
from django.urls import reverse

from tests.test_access_matrix import MATRIX, ROLES, world  # noqa: F401 (fixture)

LOGGED_IN = ROLES[1:]


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def _roles_to_ask(row) -> list[str]:
    """The first logged-in role the view answers, and the first it refuses (403) if any."""
    answers = row.answers()
    served = [role for role in LOGGED_IN if answers[role] != "403"]
    refused = [role for role in LOGGED_IN if answers[role] == "403"]
    return served[:1] + refused[:1]


@pytest.fixture
def no_pdf_rendering(monkeypatch):
    """The header is the question here, not the PDF (tests/test_pdf.py renders real ones)."""
    monkeypatch.setattr("kokemus.pdf._write_pdf", lambda html: b"%PDF-1.7\n", raising=False)


@pytest.mark.django_db
@pytest.mark.parametrize("name", MATRIX)
def test_every_answer_to_a_logged_in_user_is_private_and_not_stored(
    name, request, client, no_pdf_rendering
):
    row = MATRIX[name]
    objects = request.getfixturevalue("world")
    url = reverse(name, kwargs={key: attrgetter(path)(objects) for key, path in row.kwargs.items()})
    for role in _roles_to_ask(row):
        client.force_login(request.getfixturevalue(role))

        response = getattr(client, row.method)(url)

        assert {"private", "no-store"} <= _directives(response), (role, response.status_code)


@pytest.mark.django_db
def test_a_page_not_found_for_a_logged_in_user_is_not_stored(client, expert_alice):
    client.force_login(expert_alice)

    response = client.get("/ei-ole/")

    assert response.status_code == 404
    assert {"private", "no-store"} <= _directives(response)


@pytest.mark.django_db
def test_what_anyone_may_see_keeps_its_cache_headers(client, expert_alice):
    response = client.get(reverse("accessibility_statement"))
    assert "no-store" not in _directives(response)

    client.force_login(expert_alice)
    response = client.get(static("css/kokemus.css"))
    response.close()  # the file whitenoise opened

    assert response.status_code == 200
    assert "no-store" not in _directives(response)
    assert "max-age=" in response["Cache-Control"]
