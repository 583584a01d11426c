"""Two imports at the same time leave one consistent database (issue 9)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from agreements.models import Assignment, Participation
from registry.models import Expert
from tests.interchange.conftest import files

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.mark.usefixtures("reference_data")
def test_two_simultaneous_imports_make_each_row_once(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("two processes need a database server; run with DATABASE_URL=postgres://…")
    for name, data in files():
        (tmp_path / name).write_bytes(data)
    env = {**os.environ, "DATABASE_URL": _database_url()}
    command = [sys.executable, "manage.py", "import_data", str(tmp_path)]

    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE) for _ in "ab"]
    outputs = [run.communicate(timeout=120)[0].decode() for run in runs]

    assert [run.returncode for run in runs] == [0, 0]
    # one made the rows; the other waited for it and found them all unchanged
    assert sum("assignments.csv: 2 to create" in out for out in outputs) == 1
    assert (
        sum("assignments.csv: 0 to create, 0 to update, 2 unchanged" in out for out in outputs) == 1
    )
    assert (Expert.objects.count(), Assignment.objects.count()) == (2, 2)
    assert Participation.objects.count() == 3
