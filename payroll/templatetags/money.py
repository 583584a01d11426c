"""Amounts kept in whole cents (payroll.amounts), shown as euros in the page's language."""

from django import template
from django.utils.formats import number_format

from agreements.fees import euros

register = template.Library()


@register.filter
def cents(value) -> str:
    """12345 → "123,45" in Finnish, "123.45" in English, with the thousands grouped."""
    return number_format(euros(value), 2, use_l10n=True, force_grouping=True)


@register.filter
def percent(share) -> str:
    """0.934 → "93 %"."""
    return f"{round(share * 100)} %"
