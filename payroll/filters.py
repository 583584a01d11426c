"""The approval list's filters, from the URL so that a filtered list can be bookmarked."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agreements.filters.assignments import month_validator
from kokemus.lists import next_month
from payroll.models import LineStatus


class LineFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=LineStatus.choices, empty_label=_("All")
    )
    month = django_filters.CharFilter(
        label=_("Month of the work"),
        method="filter_month",
        validators=[month_validator],
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    expert = django_filters.CharFilter(label=_("Expert's name"), method="filter_expert")

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else None
        if data is not None and "status" not in data:
            data["status"] = LineStatus.SUBMITTED  # the list's purpose: what waits
        super().__init__(data, *args, **kwargs)

    def filter_month(self, queryset, name, value):
        year, month = (int(part) for part in value.split("-"))
        first = datetime.date(year, month, 1)
        return queryset.filter(
            participation__assignment__date__gte=first,
            participation__assignment__date__lt=next_month(first),
        )

    def filter_expert(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(participation__expert__first_name__icontains=word)
                | Q(participation__expert__last_name__icontains=word)
            )
        return queryset
