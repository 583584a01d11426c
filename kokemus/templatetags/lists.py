"""Template tags for list pages: links that keep the current filters in the URL."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (None removes one)."""
    query = context["request"].GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return "?" + query.urlencode() if query else "?"


@register.inclusion_tag("includes/sort_header.html", takes_context=True)
def sort_header(context, key: str, label: str):
    """A <th> whose link sorts by ``key``, toggling the direction; keeps the filters."""
    current = context.get("sort", "")
    ascending = current == key
    descending = current == f"-{key}"
    query = context["request"].GET.copy()
    query["sort"] = f"-{key}" if ascending else key
    query.pop("page", None)
    if ascending:
        aria = "ascending"
        hint = _("sorted ascending")
    elif descending:
        aria = "descending"
        hint = _("sorted descending")
    else:
        aria, hint = None, ""
    return {"url": "?" + query.urlencode(), "label": label, "aria_sort": aria, "hint": hint}
