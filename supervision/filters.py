"""List filters from URL parameters, so a filtered view can be bookmarked."""

import django_filters
from django.utils.translation import gettext_lazy as _

from supervision.models import GroupKind, SupervisionGroup


class GroupFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=GroupKind.choices)
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = SupervisionGroup
        fields = ["kind", "is_active"]
