"""Filters of the coordinator's agreement list, all read from the URL so a view can be
bookmarked."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, AgreementStatus
from agreements.selectors import agreements_expiring
from registry.models import ServiceArea


class AgreementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Expert or number"), method="filter_search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=AgreementStatus.choices, empty_label=_("All")
    )
    division = django_filters.ModelChoiceFilter(
        label=_("Division"),
        queryset=ServiceArea.objects.filter(parent__isnull=True),
        empty_label=_("All"),
    )
    expiring = django_filters.BooleanFilter(
        label=_("Expires within 30 days"),
        method="filter_expiring",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Agreement
        fields = ["q", "status", "division", "expiring"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        every_word_in_name = Q()
        for word in value.split():
            every_word_in_name &= Q(expert__first_name__icontains=word) | Q(
                expert__last_name__icontains=word
            )
        return queryset.filter(
            Q(number__icontains=value) | Q(expert__email__icontains=value) | every_word_in_name
        )

    def filter_expiring(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return agreements_expiring(queryset, today=timezone.localdate())
