"""List filters from URL parameters, so a filtered view can be bookmarked."""

import datetime

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agreements.forms.assignments import expert_row_choices
from agreements.models import Assignment, AssignmentStatus
from agreements.selectors import expert_choices
from kokemus.lists import next_month
from kokemus.widgets import LongSelect
from registry.forms import ServiceAreaChoiceField
from registry.models import AssignmentType, Expert
from registry.selectors import service_areas_by_division

ALL = _("All")


class ServiceAreaFilter(django_filters.ModelChoiceFilter):
    field_class = ServiceAreaChoiceField


# Years 0000 and 9999 are refused too: there is no year 0, and December 9999 has no next month
# to end the range with (as kokemus.lists.month_param).
month_validator = RegexValidator(
    r"^(?!0000|9999)\d{4}-(0[1-9]|1[0-2])$",
    _("Give the month as YYYY-MM, for example 2025-03."),
)


class AssignmentFilter(django_filters.FilterSet):
    month = django_filters.CharFilter(
        label=_("Month"),
        method="filter_month",
        validators=[month_validator],
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    type = django_filters.ModelChoiceFilter(
        label=_("Assignment type"), queryset=AssignmentType.objects.all(), empty_label=ALL
    )
    service_area = ServiceAreaFilter(
        label=_("Service area"),
        queryset=service_areas_by_division(),
        method="filter_service_area",
        help_text=_("A division includes its services."),
        empty_label=ALL,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=AssignmentStatus.choices, empty_label=ALL
    )
    expert = django_filters.ModelChoiceFilter(
        label=_("Expert"),
        # Only what an option shows: 500 experts with every field were a third of the page.
        queryset=Expert.objects.filter(anonymised_at__isnull=True).only(
            "pk", "first_name", "last_name", "anonymised_at"
        ),
        field_name="participations__expert",
        widget=LongSelect,
    )

    class Meta:
        model = Assignment
        fields = ["month", "type", "service_area", "status", "expert"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The options as rows, not 500 model instances (half the page's time); the field still
        # checks a chosen expert against its queryset.
        self.form.fields["expert"].widget.choices = expert_row_choices(expert_choices(), ALL)

    def filter_month(self, queryset, name, value):
        if not value:
            return queryset
        year, month = (int(part) for part in value.split("-"))
        first = datetime.date(year, month, 1)
        after = next_month(first)
        return queryset.filter(date__gte=first, date__lt=after)

    def filter_service_area(self, queryset, name, value):
        # A division stands for itself and every service under it.
        return queryset.filter(Q(service_area=value) | Q(service_area__parent=value))
