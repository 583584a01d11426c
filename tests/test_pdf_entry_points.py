"""Every PDF view answers with a PDF whatever started Python: a script without
``if __name__ == "__main__":`` (which multiprocessing's spawn would run again, failing every
PDF with a 500) and ``manage.py shell -c``.

Each runs in a process of its own against a temporary SQLite database that it fills with a
little data through the factories, and asks for the PDFs through Django's test client.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR

# No main guard on purpose: all of it runs at import, as in a quick script.
FETCH_EVERY_PDF = """
import json

import django

django.setup()

from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import reverse

from agreements.models import AssignmentStatus
from kokemus.access import Role
from tests.factories import AgreementFactory, AssignmentFactory, ParticipationFactory
from tests.factories import ExpertFactory, UserFactory

setup_test_environment()  # the test client's host, 'testserver', is allowed
coordinator = UserFactory(username="koordinaattori", groups=[Role.COORDINATOR])
evaluation = UserFactory(username="arvioija", groups=[Role.EVALUATION])
alice = UserFactory(username="alice", groups=[Role.EXPERT])
agreement = AgreementFactory(expert=ExpertFactory(user=alice))
ParticipationFactory(
    agreement=agreement, assignment=AssignmentFactory(status=AssignmentStatus.DONE)
)
expert = agreement.expert
urls = {
    "agreement": (coordinator, reverse("agreements:agreement_pdf", args=[agreement.pk])),
    "own agreement": (alice, reverse("portal:agreement_pdf", args=[agreement.pk])),
    "fee statement": (alice, reverse("portal:fee_statement_pdf") + "?year=2025"),
    "monthly report": (evaluation, reverse("reporting:export", args=["pdf"]) + "?year=2025"),
    "data export": (coordinator, reverse("registry:expert_data_pdf", args=[expert.pk])),
}
answers = {}
for name, (user, url) in urls.items():
    client = Client(raise_request_exception=False)  # a failure is a 500, as a user gets it
    client.force_login(user)
    response = client.get(url)
    answers[name] = [
        response.status_code,
        response.get("Content-Type"),
        response.content[:5].decode("latin-1"),
    ]
print(json.dumps(answers))
"""
EVERY_PDF = {
    name: [200, "application/pdf", "%PDF-"]
    for name in ("agreement", "own agreement", "fee statement", "monthly report", "data export")
}


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory):
    """An empty SQLite database with every migration, copied by each test that fills one."""
    path = tmp_path_factory.mktemp("pdf-entry-points") / "migrated.sqlite3"
    result = _run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], path)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def database(migrated_database, tmp_path):
    return shutil.copy(migrated_database, tmp_path / "kokemus.sqlite3")


def _run(command: list[str], database) -> subprocess.CompletedProcess:
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "kokemus.settings",
        "PYTHONPATH": str(ROOT),  # a script's own folder comes first on its path, not ours
        "SECURE_SSL_REDIRECT": "false",  # the test client speaks plain HTTP
    }
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def _answers(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_a_script_without_a_main_guard_gets_every_pdf(database, tmp_path):
    script = tmp_path / "pdfs.py"
    script.write_text(FETCH_EVERY_PDF, encoding="utf-8")
    assert _answers(_run([sys.executable, str(script)], database)) == EVERY_PDF


def test_manage_py_shell_gets_every_pdf(database):
    command = [sys.executable, "manage.py", "shell", "--no-startup", "-c", FETCH_EVERY_PDF]
    assert _answers(_run(command, database)) == EVERY_PDF
