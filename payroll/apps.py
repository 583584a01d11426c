from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayrollConfig(AppConfig):
    name = "payroll"
    verbose_name = _("Payroll")

    def ready(self):
        from auditlog.registry import auditlog

        from agreements.signals import assignment_saved
        from payroll.models import EarningsLimit, PayrollRun, ReportLine
        from payroll.receivers import warn_of_earnings_limits

        # Who reported, approved, returned, ran and exported what, and who recorded a limit.
        auditlog.register(ReportLine)
        auditlog.register(PayrollRun)
        auditlog.register(EarningsLimit)

        assignment_saved.connect(warn_of_earnings_limits, dispatch_uid="payroll-earnings-limits")
