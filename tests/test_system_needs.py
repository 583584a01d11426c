"""bin/setup's check of the machine: what is missing, in one line with the apt-get command."""

import subprocess
import sys
from pathlib import Path

import pytest

from kokemus import system_needs
from kokemus.system_needs import Library, Need

ROOT = Path(__file__).resolve().parent.parent


def present(*_args) -> bool:
    return True


def absent(*_args) -> bool:
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the libraries are Linux's")
def test_each_missing_need_is_named_with_its_package_in_one_line():
    needs = system_needs.missing(
        making_venv=True, loads=lambda library: "subset" not in library.soname, has_font=absent
    )
    line = system_needs.message(needs)

    assert line == (
        "Kokemus needs HarfBuzz-subset (PDFs), the DejaVu fonts (PDFs): "
        "apt-get install libharfbuzz-subset0 fonts-dejavu-core"
    )
    assert "\n" not in line


def test_nothing_missing_is_nothing_to_say():
    assert system_needs.missing(making_venv=True, loads=present, has_font=present) == []


def test_venv_is_needed_only_to_make_the_environment():
    without_venv = {"loads": present, "has_font": present, "has_venv": absent}

    assert system_needs.missing(making_venv=True, **without_venv) == [system_needs.VENV_NEED]
    assert system_needs.missing(making_venv=False, **without_venv) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the libraries are Linux's")
def test_a_library_that_is_not_on_the_machine_does_not_load():
    nowhere = Library("libkokemus-nowhere.so.0", "kokemus-nowhere", Need("x", "y"))

    assert not system_needs.library_loads(nowhere)


def test_the_font_is_looked_for_in_the_font_folders(tmp_path):
    assert not system_needs.font_installed([str(tmp_path)])
    (tmp_path / "truetype" / "dejavu").mkdir(parents=True)
    (tmp_path / "truetype" / "dejavu" / "DejaVuSans.ttf").write_bytes(b"")

    assert system_needs.font_installed([str(tmp_path)])


def test_too_old_a_python_is_refused_with_what_to_do():
    assert system_needs.python_message((3, 11, 0)) is None
    assert system_needs.python_message((3, 9, 2)).startswith(
        "Kokemus needs Python 3.11 or newer, this is 3.9: apt-get install python3"
    )


def test_the_check_runs_on_the_standard_library_alone():
    """bin/setup runs it with the system's Python, before .venv has Django or anything else."""
    result = subprocess.run(
        [sys.executable, "-S", "-c", "import kokemus.system_needs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
