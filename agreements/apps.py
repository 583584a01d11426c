from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements and assignments")

    def ready(self):
        from auditlog.registry import auditlog

        from agreements.models import Agreement, Assignment, Participation

        # Fee terms and who worked when are part of the expert's audit trail (kokemus.privacy).
        auditlog.register(Agreement)
        auditlog.register(Assignment)
        auditlog.register(Participation)
