from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairsConfig(AppConfig):
    """Work pairs (työparit): an expert and a professional who work together over time, their
    gradual-start plan and the professional's private link to it."""

    name = "pairs"
    verbose_name = _("Work pairs")

    def ready(self):
        from auditlog.registry import auditlog

        from pairs.models import WorkPair

        auditlog.register(WorkPair, mask_fields=["notes"])
