"""List pages: pagination, sorting by an allowed set of columns and the year, from the URL."""

import datetime

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

PER_PAGE = 25


def year_param(request) -> int:
    """The year named by ?year=; a missing or bad one gives this year in Helsinki."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if datetime.MINYEAR < year < datetime.MAXYEAR else timezone.localdate().year


def month_param(request) -> datetime.date:
    """The first day of the month named by ?year= and ?month=; without them (or with a bad
    one) last month in Helsinki, the month a payroll run is for. Years 1 and 9999 are refused
    too: their neighbouring months do not exist."""
    try:
        first = datetime.date(int(request.GET["year"]), int(request.GET["month"]), 1)
    except (KeyError, ValueError, OverflowError):
        first = None
    if first is None or not datetime.MINYEAR < first.year < datetime.MAXYEAR:
        return previous_month(timezone.localdate().replace(day=1))
    return first


def previous_month(first: datetime.date) -> datetime.date:
    return (first - datetime.timedelta(days=1)).replace(day=1)


def next_month(first: datetime.date) -> datetime.date:
    return (first + datetime.timedelta(days=32)).replace(day=1)


def paginate(request, object_list, *, per_page: int = PER_PAGE) -> Page:
    """The page named by ?page= (an out-of-range or bad number gives the nearest page)."""
    return Paginator(object_list, per_page).get_page(request.GET.get("page"))


def order_by_param(
    request, queryset: QuerySet, *, allowed: dict[str, tuple[str, ...]], default: str
) -> tuple[QuerySet, str]:
    """Sort by ?sort=<key> or ?sort=-<key>, only by the keys in ``allowed``.

    ``allowed`` maps a URL key to the model fields it sorts by, e.g.
    ``{"name": ("last_name", "first_name")}``, or to functions that make the expression to sort
    by at request time (a name in the page's language). Returns the queryset and the key in use.
    """
    sort = request.GET.get("sort", default)
    key = sort.removeprefix("-")
    if key not in allowed:
        sort, key = default, default.removeprefix("-")
    descending = sort.startswith("-")
    ordering = [_ordering(field, descending) for field in allowed[key]]
    return queryset.order_by(*ordering, "pk"), sort


def _ordering(field, descending: bool):
    if callable(field):
        expression = field()
        return expression.desc() if descending else expression.asc()
    return f"-{field}" if descending else field


def paginate_ids(request, queryset: QuerySet, *, rows: QuerySet, per_page: int = PER_PAGE) -> Page:
    """Paginate a long list in two steps: count and sort only ``queryset``'s ids, then fetch
    the page's rows from ``rows`` (with the joins and prefetches the page shows).

    ``queryset`` carries the filters and the sort and nothing else, so PostgreSQL sorts narrow
    rows (100 000 assignments sorted by type: ~40 ms instead of ~160 ms with the display's
    joins) and the paginator's COUNT reads no joins. One more query than ``paginate``.
    """
    page = paginate(request, queryset.values_list("pk", flat=True), per_page=per_page)
    ids = list(page.object_list)
    found = rows.in_bulk(ids)
    page.object_list = [found[pk] for pk in ids if pk in found]  # deleted meanwhile: left out
    return page
