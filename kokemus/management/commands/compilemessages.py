"""manage.py compilemessages: Django's command of this name, compiling with Babel instead of GNU
gettext's msgfmt (kokemus.catalogues), so that no system package is needed for it.

It takes Django's options. The catalogues are the project's, in LOCALE_PATHS; ``--ignore`` is
accepted for the callers written for Django's command, which walks the whole folder tree.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kokemus.catalogues import compile_catalogue, is_stale, po_files


class Command(BaseCommand):
    help = "Compiles the .po files of LOCALE_PATHS to the .mo files that Django reads."

    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--locale", "-l", action="append", default=[], help="only these locales"
        )
        parser.add_argument(
            "--exclude", "-x", action="append", default=[], help="not these locales"
        )
        parser.add_argument(
            "--use-fuzzy", "-f", dest="fuzzy", action="store_true", help="use fuzzy translations"
        )
        parser.add_argument(
            "--ignore",
            "-i",
            action="append",
            dest="ignore_patterns",
            default=[],
            metavar="PATTERN",
            help="accepted for Django's callers; only LOCALE_PATHS is read",
        )

    def handle(self, *, locale, exclude, fuzzy, verbosity, **options):
        catalogues = po_files(settings.LOCALE_PATHS, locales=locale, exclude=exclude)
        if not catalogues:
            raise CommandError("No .po files in LOCALE_PATHS for these locales.")
        errors = []
        for po_file in catalogues:
            if not is_stale(po_file):
                if verbosity > 0:
                    self.stdout.write(f"File “{po_file}” is already compiled and up to date.")
                continue
            if verbosity > 0:
                self.stdout.write(f"processing file {po_file.name} in {po_file.parent}")
            errors += compile_catalogue(po_file, use_fuzzy=fuzzy)
        for error in errors:
            self.stderr.write(str(error))
        if errors:
            raise CommandError("compilemessages generated one or more errors.")
