"""Payroll in the admin: to look, not to change. Lines, runs and limits change only through
payroll.services, which keep exported runs locked and notify the experts; an edit here would
bypass both."""

from django.contrib import admin

from payroll.models import EarningsLimit, PayrollRun, ReportLine


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportLine)
class ReportLineAdmin(ReadOnlyAdmin):
    list_display = ("pk", "participation", "status", "sign", "hours", "kilometres", "run")
    list_filter = ("status", "payroll_class")
    list_select_related = ("participation__expert", "participation__assignment", "run")
    search_fields = ("participation__expert__last_name", "participation__assignment__title")
    exclude = ("receipt",)  # personal data: opened through Kokemus, which checks who asks

    def get_queryset(self, request):
        return super().get_queryset(request).defer("run__sums")  # a run's kept sums: large


@admin.register(PayrollRun)
class PayrollRunAdmin(ReadOnlyAdmin):
    list_display = ("month", "status", "created_by", "created_at", "exported_by", "exported_at")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("sums")  # every expert's fees: not shown


@admin.register(EarningsLimit)
class EarningsLimitAdmin(ReadOnlyAdmin):
    list_display = ("expert", "basis", "monthly_limit", "yearly_limit", "consent_given_on")
    list_select_related = ("expert",)
