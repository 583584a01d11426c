"""The accessibility statement (saavutettavuusseloste) is public and linked from every page."""

from django.urls import reverse


def test_statement_is_public_and_names_the_organisation_and_feedback_address(client, settings):
    settings.ORGANISATION_NAME = "Soite"
    settings.ACCESSIBILITY_CONTACT_EMAIL = "saavutettavuus@example.fi"
    response = client.get(reverse("accessibility_statement"), HTTP_ACCEPT_LANGUAGE="fi")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Saavutettavuusseloste" in content
    assert "Soite" in content
    assert 'href="mailto:saavutettavuus@example.fi"' in content
    assert "26.11.2026" in content  # the assessment date, in Finnish format


def test_login_page_links_to_the_statement(client):
    response = client.get(reverse("login"))
    assert f'href="{reverse("accessibility_statement")}"' in response.content.decode()
