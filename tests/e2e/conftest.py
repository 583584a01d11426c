"""Playwright driving Debian's Chromium against pytest-django's live_server.

Without Chromium these tests skip with a reason; in CI (CI=true) they fail instead, so a
missing browser can never pass for green.
"""

import os
import shutil
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Every UserFactory user's password.
PASSWORD = "salasana-testiin-123"

# Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are
# still plain synchronous code, so Django's async guard does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def committed_reference_data(reference_data):
    """Browser tests need committed data, so they run in flushed transactional databases."""


@pytest.fixture(autouse=True)
def styles_by_their_plain_names(settings):
    """The live server serves static files from the source folders by their plain names, so
    the pages must link them so: under the production storage's hashed names every style
    sheet answered 404 and the pages were tested without their CSS."""
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    settings.STORAGES = settings.STORAGES | {"staticfiles": plain}


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


def _browse(browser, live_server, locale: str):
    """A fresh browser context; fails the test if any page broke the Content-Security-Policy."""
    context = browser.new_context(base_url=live_server.url, locale=locale)
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def page(browser, live_server):
    """A Finnish user's browser (Finnish is the default language)."""
    yield from _browse(browser, live_server, "fi-FI")


@pytest.fixture
def page_en(browser, live_server):
    """A browser asking for English, for tests that read English labels."""
    yield from _browse(browser, live_server, "en-US")


@pytest.fixture
def log_in():
    """Log a browser in through the login form, as a person does: ``log_in(page, username)``.

    The fields are found by their ids, so the page may be in any language; it returns once the
    form has let the user in (a refused login times out on the login page).
    """

    def _log_in(page, username: str, password: str = PASSWORD) -> None:
        login_path = reverse("login")
        page.goto(login_path)
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: urlsplit(url).path != login_path)

    return _log_in
