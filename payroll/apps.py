from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayrollConfig(AppConfig):
    name = "payroll"
    verbose_name = _("Payroll")

    def ready(self):
        from auditlog.registry import auditlog

        from payroll.models import EarningsLimit, PayrollRun, ReportLine

        # Who reported, approved, returned, ran and exported what, and who recorded a limit.
        auditlog.register(ReportLine)
        auditlog.register(PayrollRun)
        auditlog.register(EarningsLimit)
