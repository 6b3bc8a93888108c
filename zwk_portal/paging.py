"""Long lists shown a page at a time: 50 rows, the page named in the query string (`?seite=2`).

A Fachdienst with 500 applications got one page of over 400 KB, which took seconds to
render and to read. Filters and sorting stay in the links; a page number out of range
shows the last page, one that is no number the first (Django's `Paginator.get_page`).
"""

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.urls import reverse

PER_PAGE = 50


def page_of(request, rows, per_page: int = PER_PAGE, *, count: int | None = None) -> Page:
    """The page of `rows` that the request asks for, with what `_pagination.html` needs:
    `links` (page numbers, "…" where some are left out) and `query` (the query string
    without the page, for the links). `count`: how many rows there are, where counting
    a simpler query is cheaper than counting `rows` (rows with sums over a join)."""
    paginator = Paginator(rows, per_page)
    if count is not None:
        paginator.count = count  # Paginator.count is a cached property
    page = paginator.get_page(request.GET.get("seite"))
    page.links = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    params = request.GET.copy()
    params.pop("seite", None)
    page.query = params.urlencode()
    return page


def url_per_row(viewname: str) -> Callable[[int], str]:
    """pk → the URL of `viewname` for that pk, for each row of a list: the same as
    reverse(viewname, kwargs={"pk": pk}), with the pattern looked up once, not per row
    (reverse() for each of 50 rows cost more than the rest of their cells)."""
    marker = 987654321
    head, tail = reverse(viewname, kwargs={"pk": marker}).split(str(marker))
    return lambda pk: f"{head}{int(pk)}{tail}"
