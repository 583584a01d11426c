from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Kokemus administration")
admin.site.site_title = _("Kokemus administration")
admin.site.index_title = _("Register and reference data")


class ReadOnlyLogEntryAdmin(LogEntryAdmin):
    """The audit trail can be read in the admin, never edited or deleted."""

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(LogEntry)
admin.site.register(LogEntry, ReadOnlyLogEntryAdmin)
