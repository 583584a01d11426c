from django.contrib import admin

from kokemus.concurrency import VersionedInlineForm, VersionedModelAdmin
from supervision.models import (
    Attendance,
    GroupMembership,
    SessionSeries,
    SupervisionGroup,
    SupervisionSession,
    SupervisionTopic,
    TopicProposal,
)


class MembershipInline(admin.TabularInline):
    model = GroupMembership
    form = VersionedInlineForm
    extra = 1
    autocomplete_fields = ["expert", "professional"]


class SessionInline(admin.TabularInline):
    model = SupervisionSession
    form = VersionedInlineForm
    extra = 0
    fields = [
        "date",
        "start_time",
        "duration_minutes",
        "facilitator",
        "location",
        "series",
        "version",
    ]
    readonly_fields = ["series"]
    show_change_link = True


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(VersionedModelAdmin):
    list_display = ["name", "kind", "division", "supervisor", "is_active"]
    list_filter = ["kind", "is_active", "division"]
    list_select_related = ["division", "supervisor"]
    search_fields = ["name", "supervisor__first_name", "supervisor__last_name"]
    autocomplete_fields = ["division", "supervisor"]
    inlines = [MembershipInline, SessionInline]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "membership":
            kwargs["queryset"] = GroupMembership.objects.select_related("expert", "professional")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ProposalInline(admin.TabularInline):
    model = TopicProposal
    extra = 0
    fields = ["proposed_by", "text", "taken_up", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["proposed_by"]


@admin.register(SupervisionSession)
class SupervisionSessionAdmin(VersionedModelAdmin):
    list_display = ["group", "date", "duration_minutes", "facilitator"]
    list_filter = ["group__kind", "group"]
    list_select_related = ["group"]
    search_fields = ["group__name", "facilitator", "notes"]
    autocomplete_fields = ["group"]
    filter_horizontal = ["topics"]
    date_hierarchy = "date"
    inlines = [AttendanceInline, ProposalInline]
    readonly_fields = ["series"]


@admin.register(SessionSeries)
class SessionSeriesAdmin(VersionedModelAdmin):
    """Read here; changed on the group's page, which moves its sessions and tells members."""

    list_display = ["group", "rule", "weekday", "interval_weeks", "first_date", "last_date"]
    list_select_related = ["group"]
    search_fields = ["group__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SupervisionTopic)
class SupervisionTopicAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_sv", "name_en"]
    search_fields = ["code", "name", "name_sv", "name_en"]
