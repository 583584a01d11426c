"""What Kokemus needs from the machine beyond its Python packages, checked before the set-up.

    python3 -m kokemus.system_needs [--making-venv]

bin/setup runs this with the system's Python before anything is installed, so it uses the
standard library only (and runs on a Python too old for Kokemus, to say so). Each need names the
Debian/Ubuntu package that brings it. Where any is missing it prints one line, the apt-get
command that installs them all, and exits 1.

- Python 3.11 or newer, and its venv module with ensurepip to make .venv (``--making-venv``).
- For PDFs, WeasyPrint's libraries: Pango and PangoFT2 (they bring GLib, HarfBuzz and
  Fontconfig), and HarfBuzz-subset, without which WeasyPrint warns on import (a test error
  under pytest's ``filterwarnings = error``) and embeds fonts the slow way.
- The DejaVu fonts that static/css/pdf.css sets the PDFs in.

Not needed: GNU gettext (Babel compiles the translations; only a developer's makemessages uses
it) and a C compiler (every Python dependency installs as a wheel). Chromium, for the browser
tests only, is checked by those tests.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass

MINIMUM_PYTHON = (3, 11)


@dataclass(frozen=True)
class Need:
    what: str  # for the message: what is missing and what for
    package: str  # the Debian/Ubuntu package that brings it


@dataclass(frozen=True)
class Library:
    soname: str  # the file WeasyPrint opens on Linux
    name: str  # the short name, for ctypes.util.find_library
    need: Need


LIBRARIES = (
    Library("libpango-1.0.so.0", "pango-1.0", Need("Pango (PDFs)", "libpango-1.0-0")),
    Library("libpangoft2-1.0.so.0", "pangoft2-1.0", Need("PangoFT2 (PDFs)", "libpangoft2-1.0-0")),
    Library(
        "libharfbuzz-subset.so.0",
        "harfbuzz-subset",
        Need("HarfBuzz-subset (PDFs)", "libharfbuzz-subset0"),
    ),
)
FONT_FILE = "DejaVuSans.ttf"
FONT_NEED = Need("the DejaVu fonts (PDFs)", "fonts-dejavu-core")
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
VENV_NEED = Need("Python's venv module", "python3-venv")


def library_loads(library: Library) -> bool:
    try:
        ctypes.CDLL(library.soname)
    except OSError:
        return ctypes.util.find_library(library.name) is not None
    return True


def font_installed(font_dirs: Iterable[str] = FONT_DIRS) -> bool:
    for folder in font_dirs:
        for _root, _dirs, files in os.walk(os.path.expanduser(folder)):
            if FONT_FILE in files:
                return True
    return False


def venv_works() -> bool:
    """Debian and Ubuntu ship venv without ensurepip, which ``python3 -m venv`` needs."""
    return all(importlib.util.find_spec(name) for name in ("venv", "ensurepip"))


def missing(
    *,
    making_venv: bool,
    loads: Callable[[Library], bool] = library_loads,
    has_font: Callable[[], bool] = font_installed,
    has_venv: Callable[[], bool] = venv_works,
) -> list[Need]:
    """The needs this machine does not meet, in the order of the message."""
    needs = []
    if making_venv and not has_venv():
        needs.append(VENV_NEED)
    if sys.platform.startswith("linux"):  # the packages named are Debian's and Ubuntu's
        needs += [library.need for library in LIBRARIES if not loads(library)]
        if not has_font():
            needs.append(FONT_NEED)
    return needs


def message(needs: list[Need]) -> str:
    """One line: what is missing, and the command that installs it."""
    whats = ", ".join(need.what for need in needs)
    packages = " ".join(need.package for need in needs)
    return f"Kokemus needs {whats}: apt-get install {packages}"


def python_message(version=sys.version_info) -> str | None:
    if tuple(version[:2]) >= MINIMUM_PYTHON:
        return None
    wanted = ".".join(map(str, MINIMUM_PYTHON))
    return (
        f"Kokemus needs Python {wanted} or newer, this is {version[0]}.{version[1]}: "
        f"apt-get install python3 (Debian 12, Ubuntu 24.04), or PYTHON=python{wanted} bin/setup"
    )


def main(argv: list[str]) -> int:
    too_old = python_message()
    if too_old:
        print(too_old, file=sys.stderr)
        return 1
    needs = missing(making_venv="--making-venv" in argv)
    if needs:
        print(message(needs), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
