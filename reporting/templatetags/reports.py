from decimal import Decimal

from django import template
from django.utils.formats import number_format

from reporting.selectors import Hidden

register = template.Library()


@register.filter
def figure(value) -> str:
    """A count, or hours and euros with two decimals, in thousands as the page's language
    writes them (1 234 and 25 216,25 in Finnish); a hidden figure as its marker ("< 3"), which
    the table's note explains."""
    if isinstance(value, Hidden):
        return str(value)
    if isinstance(value, Decimal):
        return number_format(value, 2, force_grouping=True)
    return number_format(value, force_grouping=True)
