"""Notification benchmark (not a test): 10,000 reminders due at once, sent by one worker.

    .venv/bin/python bench/notification_benchmark.py                  # SQLite, 10,000
    .venv/bin/python bench/notification_benchmark.py --reminders 2000
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/...

Migrates a scratch database (a temporary SQLite file, or a PostgreSQL database
"kokemus_bench_mail" that is dropped afterwards), creates one expert with one planned
assignment two days ahead per reminder, starts a local SMTP server (aiosmtpd), then times the
planner (plan_reminders) and the worker's delivery batch by batch, counting each batch's
queries. See docs/performance.md "## Notifications".
"""

import argparse
import datetime
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "kokemus_bench_mail"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    args = parser.parse_args()
    postgres = os.environ.get("BENCH_POSTGRES_URL")
    with tempfile.TemporaryDirectory() as folder:
        if postgres:
            base = postgres.rsplit("/", 1)[0]
            url = f"{base}/{BENCH_DB}"
            subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", BENCH_DB])
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", BENCH_DB], check=True)
        else:
            url = f"sqlite:///{folder}/bench.sqlite3"
        os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="kokemus.settings")
        sys.path.insert(0, str(ROOT))
        try:
            run(args.reminders, "PostgreSQL" if postgres else "SQLite")
        finally:
            if postgres:
                from django.db import connections

                connections.close_all()
                subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", BENCH_DB])


def run(reminders: int, engine: str) -> None:
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from agreements.notices import plan_reminders
    from notifications.delivery import BATCH_SIZE, claim, send

    call_command("migrate", verbosity=0)
    today = datetime.date(2030, 3, 1)
    create_bookings(reminders, today + datetime.timedelta(days=2))

    class Count:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            self.received += 1
            return "250 OK"

    handler = Count()
    with socket.socket() as probe:  # a free port for the SMTP server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as planning:
        recorded = plan_reminders(today=today)
    plan_seconds = time.perf_counter() - started

    batch_queries, sent = [], 0
    started = time.perf_counter()
    while True:
        with CaptureQueriesContext(connection) as queries:
            batch = claim(worker="bench", batch_size=BATCH_SIZE)
            if batch:
                sent += send(batch)
        if not batch:
            break
        batch_queries.append(len(queries))
    send_seconds = time.perf_counter() - started
    controller.stop()

    print(f"{engine}: {reminders} reminders due")
    print(f"  planner: recorded {recorded} in {plan_seconds:.1f} s, {len(planning)} queries")
    print(
        f"  worker:  sent {sent} (SMTP server received {handler.received}) in {send_seconds:.1f} s"
        f" = {sent / send_seconds:.0f}/s, {len(batch_queries)} batches of {BATCH_SIZE},"
        f" queries per batch min {min(batch_queries)} max {max(batch_queries)}"
    )


def create_bookings(count: int, day: datetime.date) -> None:
    """One expert, agreement and planned assignment per reminder, written in bulk."""
    from decimal import Decimal

    from agreements.models import Agreement, AgreementStatus, Assignment, Participation
    from registry.models import AssignmentType, Expert, ServiceArea

    kind = AssignmentType.objects.first()
    area = ServiceArea.objects.filter(parent__isnull=True).first()
    experts = Expert.objects.bulk_create(
        Expert(first_name="Aino", last_name=f"Testi{n}", email=f"e{n}@example.fi")
        for n in range(count)
    )
    agreements = Agreement.objects.bulk_create(
        Agreement(
            number=f"B-{n}",
            expert=expert,
            division=area,
            status=AgreementStatus.ACTIVE,
            signed_on=day.replace(month=1, day=1),
            valid_from=day.replace(month=1, day=1),
        )
        for n, expert in enumerate(experts)
    )
    assignments = Assignment.objects.bulk_create(
        Assignment(title="Luento", type=kind, service_area=area, date=day, hours=Decimal(2))
        for _n in range(count)
    )
    Participation.objects.bulk_create(
        Participation(assignment=assignment, expert=agreement.expert, agreement=agreement)
        for assignment, agreement in zip(assignments, agreements, strict=True)
    )


if __name__ == "__main__":
    main()
