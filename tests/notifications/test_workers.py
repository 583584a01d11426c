"""Two workers sending the same outbox at once send each message once (PostgreSQL)."""

import datetime
import os

import pytest
import time_machine

from agreements.notices import plan_reminders
from notifications.models import Message, Status
from tests.factories import AgreementFactory, AssignmentFactory, ExpertFactory
from tests.test_concurrency import race

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the worker processes must see the rows
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")),
        reason="needs PostgreSQL: two processes writing one SQLite file is not the production case",
    ),
]

DELIVER = """
import json, sys
from notifications.delivery import deliver_due
print("ready", flush=True)
sys.stdin.readline()
print(json.dumps({"sent": deliver_due(batch_size=7)}), flush=True)
"""


def test_two_workers_send_every_reminder_exactly_once(smtp, monkeypatch):
    with time_machine.travel(datetime.datetime(2025, 3, 8, 9, 0, tzinfo=datetime.UTC)):
        for number in range(40):
            expert = ExpertFactory(email=f"kokemus{number}@example.fi")
            agreement = AgreementFactory(expert=expert)
            assignment = AssignmentFactory(date=datetime.date(2025, 3, 10))
            assignment.participations.create(expert=expert, agreement=agreement)
        assert plan_reminders(today=datetime.date(2025, 3, 8)) == 40
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{smtp.port}")

    results = race(DELIVER, DELIVER)

    assert sum(result["sent"] for result in results) == 40
    assert smtp.count() == 40
    assert all(len(smtp.of(f"kokemus{n}@example.fi")) == 1 for n in range(40))
    assert set(Message.objects.values_list("status", flat=True)) == {Status.SENT}
