from django.contrib import admin

from interchange.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """The record of imports is read, never written, here: the import itself writes it."""

    list_display = ("imported_at", "imported_by", "__str__", "undone_at")
    list_select_related = ("imported_by",)
    readonly_fields = ("imported_at", "imported_by", "files", "counts", "undone_at", "undone_by")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("journal")  # megabytes for a large import

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
