"""List, and with --apply anonymise, experts past the retention period (GDPR storage limit);
and erase the requesters' details of requests past theirs."""

from django.conf import settings
from django.core.management.base import BaseCommand

from kokemus.privacy import expert_anonymise, experts_past_retention
from orders.services import requests_erase, requests_past_retention


class Command(BaseCommand):
    help = (
        "List experts with no agreement and no assignment for --years years (default "
        "RETENTION_YEARS) and count the closed requests older than REQUEST_RETENTION_DAYS; "
        "with --apply, anonymise those experts and erase those requesters' details. Without "
        "--apply nothing changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=settings.RETENTION_YEARS)
        parser.add_argument("--apply", action="store_true", help="anonymise, not only list")

    def handle(self, *args, years: int, apply: bool, **options):
        experts = list(experts_past_retention(years=years))
        requests = requests_past_retention(days=settings.REQUEST_RETENTION_DAYS)
        for expert in experts:
            self.stdout.write(f"{expert.pk}\t{expert.external_id or ''}\t{expert.full_name}")
        if not apply:
            self.stdout.write(
                f"{len(experts)} experts past {years} years and {requests.count()} requests past "
                f"{settings.REQUEST_RETENTION_DAYS} days (dry run, nothing changed)."
            )
            return
        for expert in experts:
            expert_anonymise(expert=expert, by=None)
        erased = requests_erase(requests)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(experts)} experts anonymised, {erased} requesters' details erased."
            )
        )
