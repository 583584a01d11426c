from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.models import Message, Preference
from notifications.services import messages_retry


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox: what was sent, what waits, and what failed for good (retry it here)."""

    list_display = ("created_at", "status", "kind", "to", "subject", "attempts", "sent_at")
    list_filter = ("status", "kind", "language")
    search_fields = ("to", "subject", "event")
    date_hierarchy = "created_at"
    actions = ["retry"]
    fields = (
        ("status", "attempts", "next_attempt_at"),
        "last_error",
        ("kind", "event"),
        ("to", "user", "language"),
        "subject",
        "text",
        "ics",
        ("created_at", "sent_at"),
    )
    readonly_fields = (
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "kind",
        "event",
        "to",
        "user",
        "language",
        "subject",
        "text",
        "ics",
        "created_at",
        "sent_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Try the failed messages again"))
    def retry(self, request, queryset):
        count = messages_retry(messages=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d message goes back to the queue.",
                "%(count)d messages go back to the queue.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "language", "reminder_days", "digest")
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user",)
