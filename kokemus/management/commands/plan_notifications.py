"""Record the periodic e-mail messages that are due and send the outbox.

Run every few minutes (bin/serve does; or the systemd timer of docs/deployment.md). Each
message is keyed by its event, so runs on several servers at once record it once.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from agreements.notices import plan_agreement_endings, plan_reminders, plan_weekly_digest
from interchange.services import import_jobs_remove_stale
from notifications.delivery import deliver_due
from orders.notices import plan_unanswered_offers
from supervision.notices import plan_session_reminders


class Command(BaseCommand):
    help = "Record due reminders, agreement-end notices and digests, then send the outbox."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-send", action="store_true", help="Only record; the task worker sends."
        )

    def handle(self, *args, no_send=False, **options):
        today = timezone.localdate()
        recorded = (
            plan_reminders(today=today)
            + plan_session_reminders(today=today)
            + plan_agreement_endings(today=today)
            + plan_weekly_digest(today=today)
            + plan_unanswered_offers()
        )
        import_jobs_remove_stale()  # not e-mail, but periodic too: uploads a day old go
        sent = 0 if no_send else deliver_due()
        self.stdout.write(f"recorded {recorded}, sent {sent}")
