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
        # Not a run's kept sums: every expert's fees, ~50 kB a run, in a log nobody reads
        # through Kokemus (the run's page records who saw which expert's fees).
        auditlog.register(PayrollRun, exclude_fields=["sums"])
        auditlog.register(EarningsLimit)

        assignment_saved.connect(warn_of_earnings_limits, dispatch_uid="payroll-earnings-limits")
