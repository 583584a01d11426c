"""Refused, missing and failed pages speak the user's language inside Kokemus's own layout."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import bad_request, server_error

from tests.factories import AssignmentFactory


@pytest.mark.django_db
def test_a_page_closed_to_the_role_says_so_in_finnish_with_the_menu(login, evaluation_member):
    response = login(evaluation_member).get(reverse("registry:expert_list"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Ei pääsyä</h1>" in page
    assert 'aria-label="Päävalikko"' in page  # inside the layout, with the menu
    assert f'href="{reverse("home")}">Takaisin etusivulle</a>' in page


@pytest.mark.django_db
def test_someone_elses_assignment_is_not_found_in_swedish(login, expert_alice):
    client = login(expert_alice)
    client.cookies["django_language"] = "sv"
    other = AssignmentFactory()
    response = client.get(reverse("portal:assignment_detail", args=[other.pk]))
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="sv">' in page
    assert "<h1>Sidan hittades inte</h1>" in page
    assert other.title not in page


def test_a_server_error_page_needs_no_request_context_and_no_database():
    """No django_db mark: pytest-django fails the test if the page touches the database."""
    request = RequestFactory().get("/")
    with translation.override("en"):
        response = server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "<h1>Something went wrong</h1>" in page
    assert "tell the administrator" in page


@pytest.mark.django_db
def test_an_out_of_date_form_says_so_in_finnish(coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = client.post(reverse("registry:expert_create"), {"first_name": "Aino"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Lomake oli vanhentunut</h1>" in page
    assert "CSRF" not in page


def test_a_bad_request_page_needs_no_database():
    with translation.override("sv"):
        response = bad_request(RequestFactory().get("/"), exception=None)
    assert response.status_code == 400
    assert "Inget sparades." in response.content.decode()
