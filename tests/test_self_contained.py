"""Kokemus stands on its own: no tracked file names a path outside the repository.

A clone anywhere must find everything it refers to inside itself: tests, documentation and
scripts that read a sibling folder or an absolute path on someone's machine fail or mislead
everywhere else. The patterns below are spelled so that this file does not match itself.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE = re.compile(
    r"\.\./+shared\b"  # the folder beside the repository that held the specification
    r"|(?<![\w.~-])/wor[k]/"  # the workplace where the project was first written
    r"|(?<![\w.~-])/(?:hom[e]|User[s])/\w"  # someone's home folder
)


def tracked_files(root: Path) -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True
    ).stdout
    return [root / name for name in listed.decode().split("\0") if name]


def references_outside(root: Path) -> list[str]:
    """``file:line: match`` for each reference to a path outside ``root``, in text files."""
    found = []
    for path in tracked_files(root):
        if not path.is_file():
            continue  # deleted in the work tree, not yet in the index
        data = path.read_bytes()
        if b"\0" in data[:8000]:
            continue  # binary
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
            for match in OUTSIDE.finditer(line):
                found.append(f"{path.relative_to(root)}:{number}: {match.group()}")
    return found


def in_git_checkout(root: Path) -> bool:
    return shutil.which("git") is not None and (root / ".git").exists()


def test_no_tracked_file_names_a_path_outside_the_repository():
    if not in_git_checkout(ROOT):
        message = "not a git checkout: the tracked files are unknown"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)

    assert references_outside(ROOT) == []


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_check_finds_a_sibling_folder_and_absolute_paths(tmp_path):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    workplace = "/" + "work"
    (tmp_path / "conftest.py").write_text(f'SAMPLES = "{workplace}/shared/samples"\n')
    (tmp_path / "README.md").write_text(
        "# Title\n\nSee `../" + "shared/SPEC.md` and /" + "home/anna/notes.\n"
    )
    (tmp_path / "deploy.md").write_text("Install into /srv/kokemus; docs/report.md; ../docs\n")
    (tmp_path / "untracked.md").write_text(f"{workplace}/anything\n")
    subprocess.run(
        ["git", "add", "conftest.py", "README.md", "deploy.md"], cwd=tmp_path, check=True
    )

    assert references_outside(tmp_path) == [
        f"README.md:3: ../{'shared'}",
        f"README.md:3: /{'home'}/a",
        f"conftest.py:1: {workplace}/",
    ]
