"""pytest collects the static files itself (tests/preparation.py), only when they are stale."""

import json
import os

import pytest

from tests import preparation


@pytest.fixture
def static_files(tmp_path, settings):
    """One style sheet as the only source, collected into a folder of its own."""
    source = tmp_path / "source"
    source.mkdir()
    (source / "site.css").write_text("body { color: black; }\n")
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "collected"
    return source


def test_a_missing_manifest_is_collected_and_a_current_one_left_alone(static_files, settings):
    manifest = settings.STATIC_ROOT / "staticfiles.json"

    preparation.prepare()
    assert "site.css" in manifest.read_text()
    os.utime(manifest, (2_000_000_000, 2_000_000_000))  # newer than every source file

    preparation.prepare()
    assert manifest.stat().st_mtime == 2_000_000_000


def test_a_source_file_newer_than_the_manifest_is_collected_again(static_files, settings):
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    preparation.prepare()
    (static_files / "site.css").write_text("body { color: navy; }\n")
    os.utime(manifest, (1, 1))  # collected before the change

    preparation.prepare()

    hashed_name = json.loads(manifest.read_text())["paths"]["site.css"]
    assert "navy" in (settings.STATIC_ROOT / hashed_name).read_text()
