"""The coordinators' request queue: filters from URL parameters, so a view can be bookmarked."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agreements.filters.assignments import ALL, ServiceAreaFilter, month_validator
from kokemus.lists import next_month
from orders.models import Request, RequestStatus
from registry.selectors import service_areas_by_division


class RequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RequestStatus.choices, empty_label=ALL
    )
    service_area = ServiceAreaFilter(
        label=_("Service area"),
        queryset=service_areas_by_division(),
        method="filter_service_area",
        help_text=_("A division includes its services."),
        empty_label=ALL,
    )
    month = django_filters.CharFilter(
        label=_("Month of the assignment"),
        method="filter_month",
        validators=[month_validator],
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )

    class Meta:
        model = Request
        fields = ["status", "service_area", "month"]

    def filter_month(self, queryset, name, value):
        if not value:
            return queryset
        year, month = (int(part) for part in value.split("-"))
        first = datetime.date(year, month, 1)
        return queryset.filter(date__gte=first, date__lt=next_month(first))

    def filter_service_area(self, queryset, name, value):
        # A division stands for itself and every service under it.
        return queryset.filter(Q(service_area=value) | Q(service_area__parent=value))
