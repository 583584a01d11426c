"""Requests in the admin: read and correct; the work itself happens on the coordinators' pages,
whose services keep offers, bookings and messages consistent."""

from django.contrib import admin

from kokemus.forms import DECIMAL_FORMFIELDS
from orders.models import Offer, Request, StatusLink


class OfferInline(admin.TabularInline):
    model = Offer
    extra = 0
    fields = ("expert", "kind", "status", "deadline", "answered_at", "reason")
    readonly_fields = fields
    can_delete = False


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin):
    list_display = ("received_at", "type", "audience", "service_area", "date", "status")
    list_filter = ("status", "type", "open_call")
    search_fields = ("audience", "requester_unit", "requester_email")
    date_hierarchy = "received_at"
    list_select_related = ("type", "service_area")
    raw_id_fields = ("assignment",)
    inlines = [OfferInline]
    formfield_overrides = DECIMAL_FORMFIELDS


@admin.register(StatusLink)
class StatusLinkAdmin(admin.ModelAdmin):
    list_display = ("request", "created_at", "expires_at", "revoked_at")
    raw_id_fields = ("request",)
    exclude = ("token",)  # the requester's secret is not for anyone else's eyes
