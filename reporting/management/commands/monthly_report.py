"""python manage.py monthly_report --year YYYY [--format json|csv|xlsx|pdf] [--output FILE]
[--division CODE]: the monthly follow-up table (SPEC machine interface)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from registry.models import ServiceArea
from reporting import exports
from reporting.selectors import monthly_figures


class Command(BaseCommand):
    help = "Print or write the monthly follow-up table of a year."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=exports.FORMATS, default="json", dest="file_format")
        parser.add_argument("--output", help="a file to write; standard output if not given")
        parser.add_argument("--division", help="the code of a division to report on alone")

    def handle(self, *, year, file_format, output, division, **options):
        area = None
        if division:
            area = ServiceArea.objects.filter(code=division, parent__isnull=True).first()
            if area is None:
                raise CommandError(f"No division with the code {division!r}.")
        content = exports.render(monthly_figures(year, area), file_format)
        if output:
            with open(output, "wb") as file:
                file.write(content)
        elif file_format in ("json", "csv"):
            self.stdout.write(content.decode("utf-8"), ending="" if file_format == "csv" else "\n")
        else:
            sys.stdout.buffer.write(content)  # binary: xlsx and pdf
