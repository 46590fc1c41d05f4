"""Page-number pagination: ``?page=N&page_size=M`` with page_size capped at 500."""

from functools import cached_property, partial

from django.core.paginator import Page, Paginator
from rest_framework.pagination import PageNumberPagination

from portfolio import prebuilt
from portfolio.selectors.counts import unfiltered_count_sql, unfiltered_rows


class RowsPaginator(Paginator):
    """Django's paginator whose page holds plain rows: ``page_rows(sliced queryset, key=)
    -> list``, applied to the page's still-lazy ``object_list`` (a view's fast path for its
    big list, bar P2); ``page_key`` is passed on (``prebuilt.page_values``)."""

    def __init__(self, *args, page_rows=None, page_key=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page_rows = page_rows
        self.page_key = page_key

    @cached_property
    def count(self) -> int:
        """A whole table's row count (``selectors.counts``: kept, or a plain ``COUNT(*)``),
        else the ORM's count as Django's paginator asks it."""
        kept = unfiltered_rows(self.object_list)
        return super().count if kept is None else kept

    def page(self, number):
        """Django's page; for an unfiltered list read as rows, the page and its ``count`` in
        one query (``prebuilt.counting``). Anything else, and a page number that is not a
        page (a word, below one, past the end), goes Django's way, whose errors DRF shows."""
        counted = None
        if self.page_rows is not None and self.orphans == 0 and "count" not in self.__dict__:
            counted = unfiltered_count_sql(self.object_list)
        if isinstance(number, str) and number.isascii() and number.isdigit():
            number = int(number)
        if counted is None or not isinstance(number, int) or not 1 <= number < 2**31 // 500:
            return self._counted_apart(number)  # (an OFFSET past 2**31 is no page of ours)
        bottom = (number - 1) * self.per_page
        with prebuilt.counting(*counted) as count:
            rows = self.page_rows(
                self.object_list[bottom : bottom + self.per_page], key=self.page_key
            )
        if not count.read:  # not read through a prebuilt page: count apart, check the number
            number = self.validate_number(number)
        elif count.rows is not None:
            self.count = count.rows
        elif bottom == 0:
            self.count = 0  # nothing on the first page of a whole table: it is empty
        else:
            return self._counted_apart(number)  # past the end (Django's EmptyPage)
        return Page(rows, number, self)

    def _counted_apart(self, number):
        page = super().page(number)
        if self.page_rows is not None:
            page.object_list = self.page_rows(page.object_list, key=self.page_key)
        return page


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        # A view with ``page_rows`` gets its page as finished rows, not model instances;
        # with a ``page_key``, an unfiltered page's query is compiled once (``prebuilt``).
        self.django_paginator_class = partial(
            RowsPaginator,
            page_rows=getattr(view, "page_rows", None),
            page_key=view.page_key() if hasattr(view, "page_key") else None,
        )
        return super().paginate_queryset(queryset, request, view)
