"""What a test run needs besides its database, prepared by pytest itself (tests/conftest.py), so
that plain ``pytest`` works after bin/setup just as bin/test does.

The environment comes first, from ``[tool.pytest.ini_options] env`` in pyproject.toml
(pytest-env sets it before Django reads its settings): DEBUG stays off, as in production, with
a SECRET_KEY for tests unless one is given, and plain HTTP to the test server. Then, at the start
of the session:

- the translations are compiled where a ``.mo`` is missing or older than its catalogue;
- the static files are collected where whitenoise's manifest is missing or older than a source
  file: with DEBUG off, pages link the hashed names the manifest gives. When nothing changed
  this costs a look at the files' times, not a collectstatic.

What cannot be prepared stops the run at once with one line saying what to run.
"""

import gettext
import os

import pytest
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test.signals import setting_changed

SETUP_HINT = "run bin/setup, then pytest again"
# collectstatic's own default ignore patterns
IGNORE_PATTERNS = ["CVS", ".*", "*~"]


def prepare() -> None:
    _check_environment()
    _compile_translations()
    _collect_static_files()


def _check_environment() -> None:
    if settings.SECURE_SSL_REDIRECT:
        pytest.exit(
            "The tests' environment is not set (SECURE_SSL_REDIRECT is on): pytest-env is "
            f"missing: {SETUP_HINT}.",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


def _compile_translations() -> None:
    try:  # Babel, which an environment made before it was a dependency lacks
        from kokemus.catalogues import compile_stale, is_stale, po_files
    except ImportError as error:
        pytest.exit(f"{error}: {SETUP_HINT}.", returncode=pytest.ExitCode.USAGE_ERROR)
    if not any(is_stale(po_file) for po_file in po_files(settings.LOCALE_PATHS)):
        return
    errors = compile_stale(settings.LOCALE_PATHS)
    if errors:
        pytest.exit(
            f"The translations do not compile: {errors[0]}", returncode=pytest.ExitCode.USAGE_ERROR
        )
    # Django read the default language's catalogue while setting itself up, before there was
    # a .mo to read: forget it, as override_settings(LOCALE_PATHS=...) would, and Python's
    # gettext cache of .mo files by path too, or the old file's texts come back.
    gettext._translations.clear()
    setting_changed.send(
        sender=settings._wrapped.__class__,
        setting="LOCALE_PATHS",
        value=settings.LOCALE_PATHS,
        enter=False,
    )


def _collect_static_files() -> None:
    manifest_name = getattr(staticfiles_storage, "manifest_name", None)
    if manifest_name is None:
        return  # plain storage (DEBUG on): pages link the source files by their names
    manifest = os.path.join(settings.STATIC_ROOT, manifest_name)
    try:
        collected_at = os.stat(manifest).st_mtime
    except FileNotFoundError:
        collected_at = None
    if collected_at is not None and _newest_source_file() <= collected_at:
        return
    call_command("collectstatic", interactive=False, verbosity=0)


def _newest_source_file() -> float:
    newest = 0.0
    for finder in get_finders():
        for path, storage in finder.list(IGNORE_PATTERNS):
            newest = max(newest, os.stat(storage.path(path)).st_mtime)
    return newest
