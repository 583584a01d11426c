from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from agreements.models import Agreement, Assignment, Participation
from agreements.services import assignment_validate
from kokemus.concurrency import VersionedModelAdmin
from kokemus.forms import DECIMAL_FORMFIELDS


@admin.register(Agreement)
class AgreementAdmin(VersionedModelAdmin):
    list_display = [
        "number",
        "expert",
        "division",
        "status",
        "signed_on",
        "valid_from",
        "valid_until",
        "hourly_fee",
    ]
    list_filter = ["status", "division"]
    list_select_related = ["expert", "division"]
    search_fields = ["number", "expert__first_name", "expert__last_name", "expert__external_id"]
    autocomplete_fields = ["expert", "division"]
    date_hierarchy = "valid_from"
    formfield_overrides = DECIMAL_FORMFIELDS


class ParticipationFormSet(BaseInlineFormSet):
    """Apply the covering-agreement rule here too, with the same messages as the forms."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        assignment = self.instance
        forms = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        experts = [f.cleaned_data["expert"] for f in forms]
        if assignment.date is None or assignment.hours is None:
            return  # the assignment's own fields carry the error
        try:
            covering = assignment_validate(
                date=assignment.date,
                end_date=assignment.end_date,
                hours=assignment.hours,
                experts=experts,
            )
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        for form in forms:
            form.instance.agreement = covering[form.cleaned_data["expert"].pk]


class ParticipationInline(admin.TabularInline):
    model = Participation
    formset = ParticipationFormSet
    extra = 1
    fields = ["expert", "hours", "agreement"]
    readonly_fields = ["agreement"]
    autocomplete_fields = ["expert"]
    formfield_overrides = DECIMAL_FORMFIELDS


@admin.register(Assignment)
class AssignmentAdmin(VersionedModelAdmin):
    list_display = ["title", "date", "type", "service_area", "hours", "status", "contact"]
    list_filter = ["status", "type", "service_area"]
    list_select_related = ["type", "service_area", "contact"]
    search_fields = ["title", "external_id", "description"]
    autocomplete_fields = ["type", "service_area", "contact"]
    date_hierarchy = "date"
    inlines = [ParticipationInline]
    formfield_overrides = DECIMAL_FORMFIELDS

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["assignment", "expert", "hours", "agreement"]
    list_select_related = ["assignment", "expert", "agreement__expert"]
    search_fields = ["expert__first_name", "expert__last_name", "assignment__title"]
    readonly_fields = ["assignment", "expert", "agreement"]
    date_hierarchy = "assignment__date"
    formfield_overrides = DECIMAL_FORMFIELDS

    def has_add_permission(self, request):
        return False  # participants are added on their assignment
