"""The expert list's search and filters, all read from the URL so a view can be bookmarked."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from registry.models import ExperienceArea, Expert, ExpertKind, ExpertStatus
from registry.selectors import consented_experiences

YES_NO = [("yes", _("yes")), ("no", _("no"))]
ALL = _("All")


def _municipalities():
    """The municipalities experts live in, for the filter's choices (read when the form is)."""
    names = (
        Expert.objects.exclude(municipality="")
        .order_by("municipality")
        .values_list("municipality", flat=True)
        .distinct()
    )
    return [(name, name) for name in names]


class ExpertFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search by name or e-mail"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ExpertKind.choices, empty_label=ALL)
    trained = django_filters.ChoiceFilter(
        label=_("Trained"), choices=YES_NO, empty_label=ALL, method="filter_trained"
    )
    municipality = django_filters.ChoiceFilter(
        label=_("Municipality"), choices=_municipalities, empty_label=ALL
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ExpertStatus.choices, empty_label=ALL
    )
    covered = django_filters.ChoiceFilter(
        label=_("Agreement covers today"),
        choices=YES_NO,
        empty_label=ALL,
        method="filter_covered",
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Experience area"),
        queryset=ExperienceArea.objects.all(),
        empty_label=ALL,
        method="filter_area",
    )

    class Meta:
        model = Expert
        fields = ["q", "kind", "trained", "municipality", "status", "covered", "area"]

    def search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(
                Q(first_name__icontains=term)
                | Q(last_name__icontains=term)
                | Q(email__icontains=term)
            )
        return queryset

    def filter_trained(self, queryset, name, value):
        return queryset.filter(trained=value == "yes")

    def filter_covered(self, queryset, name, value):
        # ``covered_today`` is annotated by agreements.selectors.experts_for_list
        return queryset.filter(covered_today=value == "yes")

    def filter_area(self, queryset, name, value):
        """Only areas under a valid consent count: a withdrawn consent finds nobody."""
        return queryset.filter(
            Exists(consented_experiences().filter(expert=OuterRef("pk"), area=value))
        )
