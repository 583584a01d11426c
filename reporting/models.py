"""The report's files kept in the database, so a download is a read, not a render.

``DataVersion`` is one number that the database itself raises whenever a table the figures
read changes (triggers: migration 0002), whichever way it changes: a form, the admin, an
import's bulk writes, its undo, a shell. A stored file carries the version it was made from
and is served only while that is still the version (reporting/stored.py): never stale.

Neither has a page or an admin; their names show only in the permissions' list.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """The single row (id 1) of the figures' version; the triggers make it when missing."""

    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("data version of the report")
        verbose_name_plural = _("data versions of the report")

    def __str__(self) -> str:
        return str(self.number)


class View(models.TextChoices):
    """Whose figures a file holds: every figure, or without small counts (disclosure.py)."""

    COORDINATOR = "coordinator"
    EVALUATION = "evaluation"


class StoredReport(models.Model):
    """The latest rendered file of one report: a year, a division (or all), a view, a
    language and a format. Replaced in place by a newer render, so each report has one row."""

    year = models.PositiveSmallIntegerField()
    division = models.CharField(max_length=50, blank=True)  # a division's code
    view = models.CharField(max_length=40, choices=View.choices)
    language = models.CharField(max_length=10)
    file_format = models.CharField(max_length=10)
    version = models.BigIntegerField()  # DataVersion.number when the figures were read
    made_on = models.DateField()  # the day the file says it was made
    content = models.BinaryField()
    rendered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stored report file")
        verbose_name_plural = _("stored report files")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "division", "view", "language", "file_format"],
                name="stored_report_one_per_report",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.division or '*'} {self.view} {self.language}.{self.file_format}"


class MonthVersion(models.Model):
    """How often one month's figures have changed: the database raises ``number`` of the
    month ("2026-03") that a change reaches, or of "*" for a change that may reach every month
    (a type, a service area, a group's division, a member). Triggers: migration 0006."""

    month = models.CharField(max_length=7, primary_key=True)
    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("data version of a month")
        verbose_name_plural = _("data versions of months")

    def __str__(self) -> str:
        return f"{self.month}: {self.number}"


class MonthFigures(models.Model):
    """One month's figures as counted (reporting.months), with the versions of the month and
    of "*" they were counted at: used while both are still current, so never stale."""

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    division = models.CharField(max_length=50, blank=True)  # a division's code, "" for all
    version = models.BigIntegerField()
    everything_version = models.BigIntegerField()
    # JSON as text: nothing queries inside it, and PostgreSQL's jsonb would parse the experts'
    # ids on every write (~20 ms a year at 100k assignments)
    counts = models.TextField()

    class Meta:
        verbose_name = _("counted month of the report")
        verbose_name_plural = _("counted months of the report")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "division"], name="month_figures_one_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02} {self.division or '*'}"
