"""manage.py export_data DIR: the SPEC's interchange files, which import_data reads back."""

from pathlib import Path

from django.core.management.base import BaseCommand

from interchange.exports import export_data


class Command(BaseCommand):
    help = "Write service areas, assignment types, experts, agreements and assignments as CSV."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        for name, count in export_data(directory).items():
            self.stdout.write(f"{directory / name}: {count} rows")
