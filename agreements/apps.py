from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements and assignments")

    def ready(self):
        from auditlog.registry import auditlog
        from django.db.models.signals import post_migrate, pre_migrate

        from agreements.models import Agreement, Assignment, Participation

        # Fee terms and who worked when are part of the expert's audit trail (kokemus.privacy).
        auditlog.register(Agreement)
        auditlog.register(Assignment)
        # the days are the assignment's, copied by the database: its own trail has them,
        # and a save() of an instance that never had them would log them as cleared
        auditlog.register(Participation, exclude_fields=["first_day", "last_day"])
        pre_migrate.connect(_drop_sqlite_day_triggers, sender=self)
        post_migrate.connect(_ensure_sqlite_day_triggers, sender=self)


def _drop_sqlite_day_triggers(using, **kwargs):
    from django.db import connections

    from agreements.triggers import drop_sqlite_day_triggers

    if connections[using].vendor == "sqlite":
        drop_sqlite_day_triggers(connections[using])


def _ensure_sqlite_day_triggers(using, **kwargs):
    from django.db import connections

    from agreements.triggers import ensure_sqlite_day_triggers

    if connections[using].vendor == "sqlite":
        ensure_sqlite_day_triggers(connections[using])
