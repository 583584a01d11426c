"""List, and with --apply anonymise, experts past the retention period (GDPR storage limit)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from kokemus.privacy import expert_anonymise, experts_past_retention


class Command(BaseCommand):
    help = (
        "List experts with no agreement and no assignment for --years years (default "
        "RETENTION_YEARS); with --apply, anonymise them. Without --apply nothing changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=settings.RETENTION_YEARS)
        parser.add_argument("--apply", action="store_true", help="anonymise, not only list")

    def handle(self, *args, years: int, apply: bool, **options):
        experts = list(experts_past_retention(years=years))
        for expert in experts:
            self.stdout.write(f"{expert.pk}\t{expert.external_id or ''}\t{expert.full_name}")
        if not apply:
            self.stdout.write(
                f"{len(experts)} experts past {years} years (dry run, nothing changed)."
            )
            return
        for expert in experts:
            expert_anonymise(expert=expert, by=None)
        self.stdout.write(self.style.SUCCESS(f"{len(experts)} experts anonymised."))
