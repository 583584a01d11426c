"""Every user-facing string is translated to fi, sv and en, with no fuzzy entries.

The catalogues are regenerated from the source in a copy of the project, so a new string that
nobody added to the catalogues fails here as surely as an empty translation. Regenerating is
``makemessages``, which needs GNU gettext (xgettext): without it these tests skip with a reason,
and in CI (CI=true) they fail instead. Reading the catalogues needs only Babel.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["fi", "sv", "en"]
SKIP = shutil.ignore_patterns(".venv", ".git", "staticfiles", "node_modules", "*.mo", "build")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    if shutil.which("xgettext") is None:
        message = "makemessages needs GNU gettext: apt-get install gettext"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
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


def _translations(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_and_current(regenerated, language):
    catalogue_file = regenerated / "locale" / language / "LC_MESSAGES" / "django.po"
    with catalogue_file.open("rb") as source:
        catalogue = read_po(source, abort_invalid=True)
    messages = [message for message in catalogue if message.id]  # not the header
    untranslated = [message.id for message in messages if not all(_translations(message))]
    fuzzy = [message.id for message in messages if message.fuzzy]
    broken = [
        (message.id, problem) for message, problems in catalogue.check() for problem in problems
    ]
    assert not untranslated, f"{language}: untranslated {untranslated}"
    assert not fuzzy, f"{language}: fuzzy {fuzzy}"
    assert not broken, f"{language}: {broken}"
