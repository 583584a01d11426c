"""The expert's reflection, the professional's feedback and the coordinators' list filter."""

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.filters.assignments import ALL, month_validator
from feedback.models import ProfessionalFeedback, Reflection
from feedback.selectors import calls_for_attention
from kokemus.lists import next_month

LOAD_CHOICES = [
    (1, _("1 – very light")),
    (2, _("2 – light")),
    (3, _("3 – moderate")),
    (4, _("4 – heavy")),
    (5, _("5 – very heavy")),
]
RATING_CHOICES = [
    (1, _("1 – not useful")),
    (2, _("2 – of little use")),
    (3, _("3 – fairly useful")),
    (4, _("4 – useful")),
    (5, _("5 – very useful")),
]


class ReflectionForm(forms.ModelForm):
    load = forms.TypedChoiceField(
        label=_("How heavy did the assignment feel?"),
        choices=LOAD_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Reflection
        fields = ["how_it_went", "load", "wants_talk"]
        labels = {
            "how_it_went": _("How did it go?"),
            "wants_talk": _("I would like a follow-up talk with a coordinator"),
        }
        help_texts = {
            "how_it_went": _("A few words are enough. Only you and the coordinators read this.")
        }
        widgets = {"how_it_went": forms.Textarea(attrs={"rows": 4})}


class ProfessionalFeedbackForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label=_("How useful was the experts' contribution?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ProfessionalFeedback
        fields = ["rating", "comment"]
        labels = {"comment": _("Comment (optional)")}
        help_texts = {
            "comment": _("What went well, what could be better? Write nothing about clients.")
        }
        widgets = {"comment": forms.Textarea(attrs={"rows": 4})}


class ReflectionFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("Shown"),
        choices=[
            ("waiting", _("Waiting for a coordinator")),
            ("handled", _("Handled")),
        ],
        method="filter_state",
        empty_label=ALL,
    )
    wants_talk = django_filters.ChoiceFilter(
        label=_("Wants a follow-up talk"),
        choices=[("yes", _("yes")), ("no", _("no"))],
        method="filter_wants_talk",
        empty_label=ALL,
    )
    load = django_filters.ChoiceFilter(
        label=_("Load at least"),
        choices=[(str(n), str(n)) for n in range(2, 6)],
        method="filter_load",
        empty_label=ALL,
    )
    month = django_filters.CharFilter(
        label=_("Month of the assignment"),
        method="filter_month",
        validators=[month_validator],
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )

    class Meta:
        model = Reflection
        fields = ["state", "wants_talk", "load", "month"]

    def filter_state(self, queryset, name, value):
        if value == "waiting":
            return queryset.filter(calls_for_attention())
        if value == "handled":
            return queryset.filter(handled_at__isnull=False)
        return queryset

    def filter_wants_talk(self, queryset, name, value):
        return queryset.filter(wants_talk=value == "yes") if value else queryset

    def filter_load(self, queryset, name, value):
        return queryset.filter(load__gte=int(value)) if value else queryset

    def filter_month(self, queryset, name, value):
        if not value:
            return queryset
        year, month = (int(part) for part in value.split("-"))
        first = datetime.date(year, month, 1)
        return queryset.filter(
            participation__assignment__date__gte=first,
            participation__assignment__date__lt=next_month(first),
        )
