"""List pages: pagination and sorting by an allowed set of columns, both from the URL."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

PER_PAGE = 25


def paginate(request, object_list, *, per_page: int = PER_PAGE) -> Page:
    """The page named by ?page= (an out-of-range or bad number gives the nearest page)."""
    return Paginator(object_list, per_page).get_page(request.GET.get("page"))


def order_by_param(
    request, queryset: QuerySet, *, allowed: dict[str, tuple[str, ...]], default: str
) -> tuple[QuerySet, str]:
    """Sort by ?sort=<key> or ?sort=-<key>, only by the keys in ``allowed``.

    ``allowed`` maps a URL key to the model fields it sorts by, e.g.
    ``{"name": ("last_name", "first_name")}``. Returns the queryset and the key in use.
    """
    sort = request.GET.get("sort", default)
    key = sort.removeprefix("-")
    if key not in allowed:
        sort, key = default, default.removeprefix("-")
    prefix = "-" if sort.startswith("-") else ""
    return queryset.order_by(*(prefix + field for field in allowed[key]), "pk"), sort
