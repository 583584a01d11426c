"""The translation catalogues: each ``.po`` file compiled to the ``.mo`` file Django reads.

Babel compiles them, so that neither the set-up, a server nor a test run needs GNU gettext
installed on the machine; only ``makemessages``, which extracts the strings from the source, does
(a developer's task). ``manage.py compilemessages`` runs this (kokemus's own command of that name).
"""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po


@dataclass
class CompileError:
    po_file: Path
    message: str

    def __str__(self) -> str:
        return f"{self.po_file}: {self.message}"


def po_files(locale_paths, *, locales=(), exclude=()) -> list[Path]:
    """The catalogues under ``locale_paths`` (``<path>/<locale>/LC_MESSAGES/*.po``), optionally
    only of ``locales`` and never of ``exclude``."""
    found = []
    for path in map(Path, locale_paths):
        for po_file in sorted(path.glob("*/LC_MESSAGES/*.po")):
            locale = po_file.parent.parent.name
            if (not locales or locale in locales) and locale not in exclude:
                found.append(po_file)
    return found


def mo_file(po_file: Path) -> Path:
    return po_file.with_suffix(".mo")


def is_stale(po_file: Path) -> bool:
    """No compiled file yet, or one older than its catalogue (as Django's command judges)."""
    try:
        return mo_file(po_file).stat().st_mtime < po_file.stat().st_mtime
    except FileNotFoundError:
        return True


def compile_catalogue(po_file: Path, *, use_fuzzy: bool = False) -> list[CompileError]:
    """Write ``po_file``'s ``.mo`` beside it, unless a translation breaks a placeholder.

    Like ``msgfmt --check-format``: a translation whose ``%(name)s`` placeholders differ from
    its source would fail when shown, so the catalogue is refused and nothing is written.
    Fuzzy entries are left out unless ``use_fuzzy``.
    """
    try:
        with po_file.open("rb") as source:
            catalogue = read_po(source, abort_invalid=True)
    except (PoFileError, UnicodeDecodeError) as error:
        return [CompileError(po_file, str(error))]
    errors = [
        CompileError(po_file, f"line {message.lineno}: {problem}")
        for message, problems in catalogue.check()
        for problem in problems
    ]
    if errors:
        return errors
    # A reader (a running server) never sees a half-written file: write aside, then rename.
    target = mo_file(po_file)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".mo")
    try:
        with os.fdopen(handle, "wb") as out:
            write_mo(out, catalogue, use_fuzzy=use_fuzzy)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return []


def compile_stale(locale_paths) -> list[CompileError]:
    """Compile every catalogue whose ``.mo`` is missing or older; cheap when none is."""
    errors = []
    for po_file in po_files(locale_paths):
        if is_stale(po_file):
            errors += compile_catalogue(po_file)
    return errors
