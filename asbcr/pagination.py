"""One page of a staff list, with what GOV.UK pagination (``includes/pagination.html``) needs.

Every staff list that can grow with the years (the case list, the detection queue, appeals,
subject access requests, the access log) shows a page at a time: a county's first run of the
day suggests thousands, and a page that renders them all is megabytes and seconds. Hostile
page numbers ("abc", "-1", a number past the end, forty nines) give the nearest real page; a
NUL byte is a 400, as for every parameter read outside a form (``asbcr.forms.submitted``).
"""

from django.core.paginator import Page, Paginator

from asbcr.forms import submitted

PAGE_SIZE = 25
"""Rows on a page of a work list: enough to work through, few enough to read in one go."""


def page_of(
    request,
    rows=None,
    *,
    param: str = "page",
    per_page: int = PAGE_SIZE,
    paginator: Paginator | None = None,
) -> dict:
    """The page of ``rows`` that ``request.GET[param]`` asks for, as the template's context
    (or of ``paginator``'s rows, for a list that pages its own way: the case list).

    ``query`` keeps the request's other parameters (a filter, a sort, another list's page on
    the same screen) so the page links change only this list's page.
    """
    paginator = paginator if paginator is not None else Paginator(rows, per_page)
    page: Page = paginator.get_page(submitted(request.GET, param))
    query = request.GET.copy()
    query.pop(param, None)
    return {
        "page": page,
        "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "param": param,
        "query": query.urlencode(),
    }
