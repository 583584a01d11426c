"""Two processes save the same row at once: the optimistic lock lets exactly one through.

Each save runs in its own ``manage.py shell`` process against the test database, as two
gunicorn workers would. Both load the row (same version), tell the test they are ready, and
save when the test says go, so the two saves race for real. PostgreSQL only: SQLite locks the
whole file, which the other tests cover.
"""

import datetime
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from agreements.models import Agreement, AgreementStatus, Assignment
from registry.models import Expert
from supervision.models import SupervisionGroup
from tests.factories import (
    AgreementFactory,
    AssignmentFactory,
    ExpertFactory,
    SupervisionGroupFactory,
)

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the other processes must see the rows
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")),
        reason="needs PostgreSQL: two processes writing one SQLite file is not the production case",
    ),
]

# Loads the row, says "ready", waits for "go", saves through the service, prints the outcome.
SIGN_AGREEMENT = """
import datetime, json, sys
from django.core.exceptions import ValidationError
from agreements.models import Agreement
from agreements.services import agreement_sign
agreement = Agreement.objects.get(pk={pk})
version = agreement.version
print("ready", flush=True)
sys.stdin.readline()
try:
    agreement_sign(agreement=agreement, signed_on=datetime.date.fromisoformat("{day}"),
                   expected_version=version)
    print(json.dumps({{"saved": True}}), flush=True)
except ValidationError as error:
    print(json.dumps({{"saved": False, "codes": [e.code for e in error.error_list]}}), flush=True)
"""

SAVE_ASSIGNMENT = """
import json, sys
from decimal import Decimal
from django.core.exceptions import ValidationError
from agreements.models import Assignment
from agreements.services import assignment_save
assignment = Assignment.objects.get(pk={pk})
experts = list(assignment.experts.all())
version = assignment.version
print("ready", flush=True)
sys.stdin.readline()
assignment.hours = Decimal("{hours}")
try:
    assignment_save(assignment=assignment, experts=experts, expected_version=version)
    print(json.dumps({{"saved": True}}), flush=True)
except ValidationError as error:
    print(json.dumps({{"saved": False, "codes": [e.code for e in error.error_list]}}), flush=True)
"""

SAVE_EXPERT = """
import json, sys
from django.core.exceptions import ValidationError
from registry.models import Expert
from registry.services import expert_update
expert = Expert.objects.get(pk={pk})
version = expert.version
print("ready", flush=True)
sys.stdin.readline()
try:
    expert_update(expert=expert, fields={{"municipality": "{municipality}"}},
                  expected_version=version)
    print(json.dumps({{"saved": True}}), flush=True)
except ValidationError as error:
    print(json.dumps({{"saved": False, "codes": [e.code for e in error.error_list]}}), flush=True)
"""

SAVE_GROUP = """
import datetime, json, sys
from django.core.exceptions import ValidationError
from registry.models import Expert
from supervision.models import SupervisionGroup
from supervision.services import group_save
group = SupervisionGroup.objects.get(pk={pk})
experts = list(Expert.objects.filter(pk={expert_pk}))
version = group.version
print("ready", flush=True)
sys.stdin.readline()
try:
    group_save(group=group, experts=experts, professionals=[],
               today=datetime.date(2025, 6, 30), expected_version=version)
    print(json.dumps({{"saved": True}}), flush=True)
except ValidationError as error:
    print(json.dumps({{"saved": False, "codes": [e.code for e in error.error_list]}}), flush=True)
"""


def _database_url() -> str:
    """The test database (test_…), which the child processes must use too."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def race(*scripts: str) -> list[dict]:
    """Start one process per script, wait until all are ready, then let them go at once."""
    env = os.environ | {"DATABASE_URL": _database_url(), "LOG_LEVEL": "WARNING"}
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for script in scripts
    ]
    try:
        for process in processes:
            line = process.stdout.readline()
            assert line.strip() == "ready", line + process.stderr.read()
        for process in processes:
            process.stdin.write("go\n")
            process.stdin.flush()
        results = []
        for process in processes:
            stdout, stderr = process.communicate(timeout=60)
            assert process.returncode == 0, stderr
            results.append(json.loads(stdout.strip().splitlines()[-1]))
        return results
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()


def test_two_processes_signing_one_agreement_keep_one_signature():
    agreement = AgreementFactory(status=AgreementStatus.DRAFT, signed_on=None)
    days = ["2025-03-01", "2025-03-02"]
    results = race(*(SIGN_AGREEMENT.format(pk=agreement.pk, day=day) for day in days))

    assert sorted(result["saved"] for result in results) == [False, True]
    loser = next(result for result in results if not result["saved"])
    assert loser["codes"] == ["stale"]
    winner_day = days[[result["saved"] for result in results].index(True)]
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.status == AgreementStatus.ACTIVE
    assert agreement.signed_on == datetime.date.fromisoformat(winner_day)
    assert agreement.version == 2


def test_two_processes_saving_one_assignment_keep_one_version():
    expert = ExpertFactory()
    agreement = AgreementFactory(
        expert=expert,
        status=AgreementStatus.ACTIVE,
        signed_on=datetime.date(2025, 1, 1),
        valid_from=datetime.date(2025, 1, 1),
        valid_until=None,
    )
    assignment = AssignmentFactory(date=datetime.date(2025, 3, 10), hours=Decimal("1"))
    assignment.participations.create(expert=expert, agreement=agreement)
    hours = ["3", "5"]
    results = race(*(SAVE_ASSIGNMENT.format(pk=assignment.pk, hours=h) for h in hours))

    assert sorted(result["saved"] for result in results) == [False, True]
    assert next(r for r in results if not r["saved"])["codes"] == ["stale"]
    winner_hours = hours[[result["saved"] for result in results].index(True)]
    assignment = Assignment.objects.get(pk=assignment.pk)
    assert assignment.hours == Decimal(winner_hours)
    assert assignment.version == 2
    assert list(assignment.participations.values_list("expert_id", flat=True)) == [expert.pk]


def test_two_processes_editing_one_expert_keep_one_edit():
    expert = ExpertFactory(municipality="Kokkola")
    places = ["Kannus", "Oulu"]
    results = race(*(SAVE_EXPERT.format(pk=expert.pk, municipality=m) for m in places))

    assert sorted(result["saved"] for result in results) == [False, True]
    assert next(r for r in results if not r["saved"])["codes"] == ["stale"]
    winner = places[[result["saved"] for result in results].index(True)]
    expert = Expert.objects.get(pk=expert.pk)
    assert (expert.municipality, expert.version) == (winner, 2)


def test_two_processes_saving_one_supervision_group_keep_one_member_list():
    group = SupervisionGroupFactory()
    experts = ExpertFactory.create_batch(2)
    results = race(*(SAVE_GROUP.format(pk=group.pk, expert_pk=expert.pk) for expert in experts))

    assert sorted(result["saved"] for result in results) == [False, True]
    assert next(r for r in results if not r["saved"])["codes"] == ["stale"]
    winner = experts[[result["saved"] for result in results].index(True)]
    group = SupervisionGroup.objects.get(pk=group.pk)
    assert list(group.memberships.values_list("expert_id", flat=True)) == [winner.pk]
    assert group.version == 2
