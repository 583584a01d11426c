from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def figure(value) -> str:
    """Counts as they are, hours and euros with two decimals in the page's language."""
    if isinstance(value, Decimal):
        return number_format(value, 2)
    return str(value)
