from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(forget_stored_reports, sender=self)


def forget_stored_reports(using, **kwargs):
    """A release may draw the files differently: bin/serve migrates on every start, so the
    stored files are made again by the new code (the data version alone would not tell). And
    a migration may have rebuilt a table without its trigger (reporting.triggers)."""
    from django.db import connections

    from reporting.models import StoredReport
    from reporting.triggers import ensure_triggers

    ensure_triggers(connections[using])
    StoredReport.objects.using(using).all().delete()
