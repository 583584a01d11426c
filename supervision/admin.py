from django.contrib import admin

from kokemus.concurrency import VersionedInlineForm, VersionedModelAdmin
from supervision.models import (
    Attendance,
    GroupMembership,
    SupervisionGroup,
    SupervisionSession,
    SupervisionTopic,
)


class MembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 1
    autocomplete_fields = ["expert", "professional"]


class SessionInline(admin.TabularInline):
    model = SupervisionSession
    form = VersionedInlineForm
    extra = 0
    fields = ["date", "start_time", "duration_minutes", "facilitator", "location", "version"]
    show_change_link = True


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(VersionedModelAdmin):
    list_display = ["name", "kind", "division", "supervisor_name", "is_active"]
    list_filter = ["kind", "is_active", "division"]
    list_select_related = ["division"]
    search_fields = ["name", "supervisor_name"]
    autocomplete_fields = ["division"]
    inlines = [MembershipInline, SessionInline]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "membership":
            kwargs["queryset"] = GroupMembership.objects.select_related("expert", "professional")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(SupervisionSession)
class SupervisionSessionAdmin(VersionedModelAdmin):
    list_display = ["group", "date", "duration_minutes", "facilitator"]
    list_filter = ["group__kind", "group"]
    list_select_related = ["group"]
    search_fields = ["group__name", "facilitator", "notes"]
    autocomplete_fields = ["group"]
    filter_horizontal = ["topics"]
    date_hierarchy = "date"
    inlines = [AttendanceInline]


@admin.register(SupervisionTopic)
class SupervisionTopicAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_sv", "name_en"]
    search_fields = ["code", "name", "name_sv", "name_en"]
