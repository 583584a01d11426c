"""Kokemus's background worker: the task queue (django-tasks' db_worker, which sends e-mail)
plus the periodic planner (plan_notifications) every PLAN_INTERVAL seconds in a thread, and a
thread that enqueues the report renders once the figures' data version has changed and then
stood still for a while (reporting/stored.py), whatever changed it (a form, an import, its undo).

bin/serve starts one beside gunicorn and bin/demo one beside the development server; several
of them on several servers send nothing twice (notifications.delivery). The worker ends when
the process that started it does, so a killed server leaves no worker behind.
"""

import io
import logging
import os
import threading
import time
from dataclasses import dataclass

from django.core.management import call_command
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from reporting.stored import current_version
from reporting.tasks import render_current_reports

logger = logging.getLogger(__name__)
# How often the worker looks at the report data version: one primary-key read.
REPORT_WATCH_SECONDS = 2
# How long the version must stand still before the renders: while people keep writing, a
# render (seconds of CPU) would be old before it was done, and would slow their pages.
REPORT_QUIET_SECONDS = 30


@dataclass
class ReportWatch:
    seen: int | None = None  # the version last read
    since: float = 0.0  # when it was first read
    rendered: int | None = None  # the version the renders were last enqueued for


class Command(DbWorkerCommand):
    help = "Run the background worker: queued tasks and, every few minutes, the planner."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--plan-interval",
            type=int,
            default=int(os.environ.get("PLAN_INTERVAL", "300")),
            help="Seconds between runs of plan_notifications (0: never).",
        )

    def handle(self, *args, plan_interval: int, **options):
        if plan_interval:
            parent = os.getppid()
            planner = threading.Thread(
                target=self.plan_forever, args=(plan_interval, parent), daemon=True
            )
            planner.start()
        watcher = threading.Thread(
            target=self.watch_reports_forever, args=(os.getppid(),), daemon=True
        )
        watcher.start()
        super().handle(*args, **options)

    def watch_reports_forever(self, parent: int) -> None:
        watch = ReportWatch()
        while os.getppid() == parent:
            self.watch_reports_once(watch, time.monotonic())
            time.sleep(REPORT_WATCH_SECONDS)

    def watch_reports_once(self, watch: ReportWatch, now: float) -> None:
        """Enqueue the renders when a version not rendered for has stood still for
        REPORT_QUIET_SECONDS (also after start)."""
        try:
            version = current_version()
            if version != watch.seen:
                watch.seen, watch.since = version, now
            elif version != watch.rendered and now - watch.since >= REPORT_QUIET_SECONDS:
                render_current_reports.enqueue()
                watch.rendered = version
        except Exception:  # noqa: BLE001 - log it and look again next round
            logger.exception("watching the report data version failed")
        finally:
            close_old_connections()

    def plan_forever(self, interval: int, parent: int) -> None:
        next_run = 0.0
        while os.getppid() == parent:
            if time.monotonic() >= next_run:
                self.plan_once()
                next_run = time.monotonic() + interval
            time.sleep(2)
        os._exit(0)  # the server that started us is gone

    def plan_once(self) -> None:
        try:
            call_command("plan_notifications", "--no-send", stdout=io.StringIO())
        except Exception:  # noqa: BLE001 - log it and try again next round
            logger.exception("plan_notifications failed")
        finally:
            close_old_connections()
