"""A list page of 25 rows read in one query (issue 14): the rows with the list's total as a window
count, so Min konto's lists cost no COUNT query of their own. A page past the end (an old link)
gives the last page, as Paginator.get_page does."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

PAGE_SIZE = 25


def page_number(page: int | str | None) -> int:
    try:
        number = int(page or 1)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def page_of(rows: QuerySet, page: int | str | None, *, size: int = PAGE_SIZE) -> Page:
    """One page of the ordered queryset `rows`."""
    number = page_number(page)
    start = (number - 1) * size
    listed = list(rows.annotate(paging_total=Window(Count("pk")))[start : start + size])
    if not listed and number > 1:
        return Paginator(rows, size).get_page(number)  # past the end: counted, then the last page
    paginator = Paginator(listed, size)
    paginator.count = listed[0].paging_total if listed else 0  # read with the rows
    return Page(listed, number, paginator)
