"""List filters from URL parameters, so a filtered view can be bookmarked."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.models import GroupKind, SupervisionGroup

ALL = _("All")


class GroupFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=GroupKind.choices, empty_label=ALL)
    is_active = django_filters.BooleanFilter(
        label=_("Active"),
        # django-filter's own widget offers "Unknown" for the empty choice.
        widget=forms.Select(choices=[("", ALL), ("true", _("yes")), ("false", _("no"))]),
    )

    class Meta:
        model = SupervisionGroup
        fields = ["kind", "is_active"]
