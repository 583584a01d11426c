from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        pre_migrate.connect(drop_sqlite_month_triggers, sender=self)
        post_migrate.connect(forget_stored_reports, sender=self)


def drop_sqlite_month_triggers(using, **kwargs):
    """SQLite cannot rebuild a table that another table's trigger names (reporting.triggers):
    the month triggers are off while migrations run, and made again after."""
    from django.db import connections

    from reporting.triggers import drop_month_triggers

    connection = connections[using]
    if connection.vendor == "sqlite":
        drop_month_triggers(connection)


def forget_stored_reports(using, **kwargs):
    """A release may count or draw differently: bin/serve migrates on every start, so the
    counted months and the stored files are made again by the new code (the versions alone
    would not tell). And a migration may have rebuilt a table without its triggers
    (reporting.triggers)."""
    from django.db import connections

    from reporting.models import MonthFigures, StoredReport
    from reporting.triggers import ensure_triggers

    ensure_triggers(connections[using])
    MonthFigures.objects.using(using).all().delete()
    StoredReport.objects.using(using).all().delete()
