from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from kokemus.concurrency import VersionedModelAdmin
from registry.models import (
    AssignmentType,
    ExperienceArea,
    ExperienceConsent,
    Expert,
    ExpertExperience,
    Professional,
    ServiceArea,
)


class DivisionListFilter(admin.SimpleListFilter):
    title = _("level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("division", _("division")), ("service", _("service"))]

    def queryset(self, request, queryset):
        if self.value() == "division":
            return queryset.filter(parent__isnull=True)
        if self.value() == "service":
            return queryset.filter(parent__isnull=False)
        return queryset


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_sv", "name_en", "parent", "is_active"]
    list_filter = [DivisionListFilter, "is_active", "parent"]
    list_select_related = ["parent"]
    search_fields = ["code", "name", "name_sv", "name_en"]
    autocomplete_fields = ["parent"]


@admin.register(AssignmentType)
class AssignmentTypeAdmin(admin.ModelAdmin):
    list_display = [
        "code", "name", "name_sv", "name_en", "payroll_class", "records_reach", "sort_order",
        "is_active",
    ]  # fmt: skip
    list_editable = ["payroll_class", "records_reach", "sort_order", "is_active"]
    list_filter = ["is_active", "payroll_class", "records_reach"]
    search_fields = ["code", "name", "name_sv", "name_en"]


@admin.register(ExperienceArea)
class ExperienceAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_sv", "name_en"]
    search_fields = ["code", "name", "name_sv", "name_en"]


class ExperienceConsentInline(admin.TabularInline):
    model = ExperienceConsent
    extra = 0
    fields = ["purpose", "given_on", "recorded_by", "withdrawn_at"]
    autocomplete_fields = ["recorded_by"]


class ExpertExperienceInline(admin.TabularInline):
    model = ExpertExperience
    extra = 0
    autocomplete_fields = ["area"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only this expert's valid consent can carry an experience area.
        if db_field.name == "consent":
            expert_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = ExperienceConsent.objects.filter(
                expert_id=expert_id, withdrawn_at__isnull=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Expert)
class ExpertAdmin(VersionedModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "kind",
        "trained",
        "municipality",
        "status",
        "external_id",
        "assignment_count",
    ]
    list_display_links = ["last_name", "first_name"]
    list_filter = ["kind", "trained", "status", "municipality"]
    search_fields = ["first_name", "last_name", "email", "external_id"]
    autocomplete_fields = ["user"]
    date_hierarchy = "created_at"
    readonly_fields = ["anonymised_at", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "first_name",
                    "last_name",
                    "kind",
                    "status",
                    "external_id",
                    "user",
                    "version",
                ]
            },
        ),
        (_("Contact details"), {"fields": ["email", "phone", "municipality", "availability"]}),
        (
            _("Training"),
            {"fields": ["trained", "training_organisation", "training_completed_on"]},
        ),
        (_("Record"), {"fields": ["anonymised_at", "created_at", "updated_at"]}),
    ]
    inlines = [ExperienceConsentInline, ExpertExperienceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_assignment_count=Count("participations"))

    @admin.display(description=_("assignments"), ordering="_assignment_count")
    def assignment_count(self, obj):
        return obj._assignment_count


@admin.register(Professional)
class ProfessionalAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "title", "service_area", "email"]
    list_filter = ["service_area"]
    list_select_related = ["service_area"]
    search_fields = ["first_name", "last_name", "title", "email"]
    autocomplete_fields = ["service_area"]
