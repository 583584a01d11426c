"""A new user logs in as each demo role in a real browser."""

import pytest
from django.core.management import call_command

from kokemus.management.commands.load_demo import DEMO_PASSWORD, LOGINS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_each_demo_login_works_in_the_browser(page, log_in):
    call_command("load_demo", verbosity=0)
    for login in LOGINS:
        page.goto("/")
        assert "/kirjaudu/" in page.url, "login is required"
        assert page.get_by_label("Käyttäjätunnus").is_visible()  # the form speaks Finnish
        log_in(page, login.username, DEMO_PASSWORD)
        assert page.locator("h1").inner_text().startswith("Tervetuloa"), login.username
        admin_links = page.get_by_role("link", name="Ylläpito").count()
        assert admin_links == (1 if login.role == "admin" else 0), login.username
        page.get_by_role("button", name="Kirjaudu ulos").click()
        page.wait_for_url("**/kirjaudu/")
