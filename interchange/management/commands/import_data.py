"""manage.py import_data DIR_OR_XLSX: the SPEC's interchange files, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interchange.importer import ImportResult
from interchange.services import files_from_path, import_data


def format_issue(issue) -> str:
    where = ":".join(str(part) for part in (issue.file, issue.line) if part not in ("", None))
    column = f" [{issue.column}]" if issue.column else ""
    return f"{where}{column}: {issue.message}"


class Command(BaseCommand):
    help = "Import experts, agreements and assignments from CSV files in a folder or one XLSX."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="a folder of CSV files or an .xlsx workbook")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count only; write nothing"
        )

    def handle(self, *args, path: Path, dry_run: bool, **options):
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        result = import_data(files_from_path(path), dry_run=dry_run)
        self._print_counts(result)
        if not result.ok:
            for issue in result.errors:
                self.stderr.write(format_issue(issue))
            more = " (and more)" if result.more_errors else ""
            raise CommandError(f"Nothing was imported: {len(result.errors)} errors{more}.")
        if result.applied:
            self.stdout.write(self.style.SUCCESS("Imported."))
        else:
            self.stdout.write("Checked only (--dry-run): nothing was written.")

    def _print_counts(self, result: ImportResult) -> None:
        for name, counts in result.counts.items():
            self.stdout.write(
                f"{name}: {counts.create} to create, {counts.update} to update, "
                f"{counts.unchanged} unchanged"
            )
