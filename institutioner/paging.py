"""Lists that grow with the data show a page at a time, the filters kept in the page links."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from institutioner.inputs import whole_number

PER_PAGE = 50


def page_of(
    items, request: HttpRequest, per_page: int | None = None, *, count: int | None = None
) -> Page:
    """The page `?side=N` of `items` (a queryset is counted and cut in the database). A page
    number that is not a number, or below 1, gives the first; one beyond the last, the last.
    `count`: how many `items` hold, when the caller counted them already (with other figures
    in one query), so that they are not counted again."""
    number = whole_number(request.GET.get("side")) or 1
    paginator = Paginator(items, per_page or PER_PAGE)
    if count is not None:
        paginator.count = count  # a cached property: set, it is not computed
    return paginator.get_page(number)


def page_query(request: HttpRequest) -> str:
    """The query string without the page number: the filters, kept by the page links."""
    query = request.GET.copy()
    query.pop("side", None)
    return query.urlencode()
