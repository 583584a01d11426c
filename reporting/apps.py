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
    stored files are made again by the new code (the data version alone would not tell)."""
    from reporting.models import StoredReport

    StoredReport.objects.using(using).all().delete()
