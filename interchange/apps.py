from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterchangeConfig(AppConfig):
    name = "interchange"
    verbose_name = _("Import and export")

    def ready(self):
        from auditlog.registry import auditlog

        from interchange.models import ImportRun

        auditlog.register(ImportRun, exclude_fields=["journal"])  # counts say enough
