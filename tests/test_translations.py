"""Every user-facing string is translated to fi, sv and en, with no fuzzy entries.

The catalogues are regenerated from the source in a copy of the project, so a new string that
nobody added to the catalogues fails here as surely as an empty translation.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["fi", "sv", "en"]
SKIP = shutil.ignore_patterns(".venv", ".git", "staticfiles", "node_modules", "*.mo", "build")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("kokemus") / "project"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    env = os.environ | {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{copy}/db.sqlite3"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-obsolete", "--ignore", "tests"]
        + [f"--locale={code}" for code in LANGUAGES],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return copy


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_and_current(regenerated, language):
    catalogue = regenerated / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(catalogue)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip()
    assert "untranslated" not in statistics, f"{language}: {statistics}"
    assert "fuzzy" not in statistics, f"{language}: {statistics}"
