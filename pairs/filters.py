"""The pair list's filters from URL parameters, so a filtered view can be bookmarked."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pairs.models import WorkPair
from pairs.selectors import active_condition

ACTIVE, ENDED = "active", "ended"


class PairFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("Pairs"),
        choices=[(ACTIVE, _("active")), (ENDED, _("ended"))],
        empty_label=_("All"),
        method="filter_state",
    )
    name = django_filters.CharFilter(label=_("Name"), method="filter_name")

    class Meta:
        model = WorkPair
        fields = ["state", "name"]

    def __init__(self, data=None, *args, today, **kwargs):
        if data is not None and "state" not in data:  # active pairs unless asked otherwise
            data = data.copy()
            data["state"] = ACTIVE
        super().__init__(data, *args, **kwargs)
        self.today = today

    def filter_state(self, queryset, name, value):
        if value == ACTIVE:
            return queryset.filter(active_condition(self.today))
        if value == ENDED:
            return queryset.exclude(active_condition(self.today))
        return queryset

    def filter_name(self, queryset, name, value):
        words = value.split()[:4]
        for word in words:
            queryset = queryset.filter(
                Q(expert__first_name__icontains=word)
                | Q(expert__last_name__icontains=word)
                | Q(professional__first_name__icontains=word)
                | Q(professional__last_name__icontains=word)
            )
        return queryset
