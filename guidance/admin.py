"""Periods in the admin: read and correct. The work itself happens on the period's pages,
whose services keep the meetings' assignments in step."""

from django.contrib import admin

from guidance.models import Goal, Meeting, Period
from kokemus.concurrency import VersionedModelAdmin


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0
    fields = ("position", "text", "outcome")


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 0
    fields = ("date", "start_time", "hours", "place", "is_start", "assignment")
    readonly_fields = fields  # a meeting is its assignment: changed on the period's pages
    can_delete = False


@admin.register(Period)
class PeriodAdmin(VersionedModelAdmin):
    list_display = ("client_code", "guide", "referred_on", "started_on", "ended_on", "status")
    list_filter = ("status",)
    search_fields = ("client_code", "external_id")
    date_hierarchy = "referred_on"
    list_select_related = ("guide",)
    raw_id_fields = ("guide", "referred_by", "request")
    inlines = [GoalInline, MeetingInline]
