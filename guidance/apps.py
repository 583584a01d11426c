from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidanceConfig(AppConfig):
    """Kokemusohjaus periods: an experience guide's goal-oriented work with one client."""

    name = "guidance"
    verbose_name = _("Experience guidance")

    def ready(self):
        from auditlog.registry import auditlog

        from guidance.models import Goal, Meeting, Period

        auditlog.register(Period)
        auditlog.register(Goal)
        auditlog.register(Meeting)
