"""compilemessages compiles with Babel: no GNU gettext on the machine, same result for Django."""

import gettext
import os

import pytest
from django.core.management import CommandError, call_command

from kokemus.catalogues import compile_stale

CATALOGUE = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: fi\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Assignments"
msgstr "Tehtävät"

#, python-format
msgid "Unknown expert %(id)s."
msgstr "{unknown_expert}"

#, python-format
msgid "%(count)s row"
msgid_plural "%(count)s rows"
msgstr[0] "%(count)s rivi"
msgstr[1] "%(count)s riviä"

#, fuzzy
msgid "Hours"
msgstr "Tunnit?"
"""


@pytest.fixture
def locale_path(tmp_path, settings, monkeypatch):
    """A catalogue of its own in LOCALE_PATHS, and no msgfmt to be found on PATH."""
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    settings.LOCALE_PATHS = [tmp_path]
    (tmp_path / "fi" / "LC_MESSAGES").mkdir(parents=True)
    return tmp_path


def write_catalogue(locale_path, unknown_expert="Tuntematon kokemustoimija %(id)s."):
    po_file = locale_path / "fi" / "LC_MESSAGES" / "django.po"
    po_file.write_text(CATALOGUE.format(unknown_expert=unknown_expert), encoding="utf-8")
    return po_file


def read_mo(po_file) -> gettext.GNUTranslations:
    with po_file.with_suffix(".mo").open("rb") as mo:
        return gettext.GNUTranslations(mo)


def test_compilemessages_needs_no_gettext_and_gives_what_django_reads(locale_path):
    po_file = write_catalogue(locale_path)

    call_command("compilemessages", "--ignore", ".venv", verbosity=0)

    translations = read_mo(po_file)
    assert translations.gettext("Assignments") == "Tehtävät"
    assert translations.gettext("Unknown expert %(id)s.") % {"id": "E1"} == (
        "Tuntematon kokemustoimija E1."
    )
    assert translations.ngettext("%(count)s row", "%(count)s rows", 1) == "%(count)s rivi"
    assert translations.ngettext("%(count)s row", "%(count)s rows", 5) == "%(count)s riviä"
    assert translations.gettext("Hours") == "Hours"  # fuzzy entries are left out


def test_a_broken_placeholder_is_refused_and_nothing_is_written(locale_path, capsys):
    po_file = write_catalogue(locale_path, unknown_expert="Tuntematon %(ide)s.")

    with pytest.raises(CommandError):
        call_command("compilemessages", verbosity=0)

    assert "ide" in capsys.readouterr().err
    assert not po_file.with_suffix(".mo").exists()


def test_only_missing_or_older_files_are_compiled(locale_path):
    po_file = write_catalogue(locale_path)
    assert compile_stale([locale_path]) == []
    mo_file = po_file.with_suffix(".mo")
    os.utime(mo_file, (1, 1))  # as if compiled long before the catalogue changed

    compile_stale([locale_path])
    compiled_at = mo_file.stat().st_mtime
    compile_stale([locale_path])

    assert compiled_at > 1
    assert mo_file.stat().st_mtime == compiled_at  # up to date: left alone
