from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Register")

    def ready(self):
        from auditlog.registry import auditlog

        from registry.models import ExperienceConsent, Expert, ExpertExperience

        # The trail records who changed which personal field, never the old or new value, so
        # that erasure (kokemus.privacy) leaves no name in it. A fresh list: auditlog appends
        # its own masked fields to the one it is given.
        personal = ["first_name", "last_name", "email", "phone", "municipality", "availability"]
        auditlog.register(Expert, mask_fields=personal)
        auditlog.register(ExperienceConsent, mask_fields=["purpose"])
        auditlog.register(ExpertExperience)
