"""Work pairs in the admin: read and correct; the coordinators' pages are where pairs are made
and their links sent."""

from django.contrib import admin

from kokemus.concurrency import VersionedModelAdmin
from pairs.models import PairLink, PlanStep, WorkPair


class PlanStepInline(admin.TabularInline):
    model = PlanStep
    extra = 0
    fields = ("position", "kind", "title", "due_on", "done_on", "done_by")


@admin.register(WorkPair)
class WorkPairAdmin(VersionedModelAdmin):
    list_display = ("expert", "professional", "started_on", "ended_on", "supervision_group")
    list_filter = ("started_on", "ended_on")
    search_fields = ("expert__last_name", "professional__last_name", "external_id")
    list_select_related = ("expert", "professional", "supervision_group")
    raw_id_fields = ("expert", "professional", "mentor_expert", "mentor_professional")
    inlines = [PlanStepInline]


@admin.register(PairLink)
class PairLinkAdmin(admin.ModelAdmin):
    list_display = ("pair", "created_at", "expires_at", "revoked_at")
    list_select_related = ("pair__expert", "pair__professional")
    raw_id_fields = ("pair",)
    exclude = ("token",)  # the professional's secret is not for anyone else's eyes
