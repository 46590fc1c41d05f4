"""Page-number pagination: ``?page=N&page_size=M`` with page_size capped at 500."""

from functools import cached_property, partial

from django.core.paginator import Page, Paginator
from rest_framework.pagination import PageNumberPagination

from portfolio.selectors.counts import unfiltered_rows


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
        if self._is_first(number):
            return self._first_page()
        page = super().page(number)
        page.object_list = self._rows(page.object_list)
        return page

    def _rows(self, object_list):
        if self.page_rows is None:
            return object_list
        return self.page_rows(object_list, key=self.page_key)

    def _is_first(self, number) -> bool:
        try:
            return int(number) == 1 and not self.orphans
        except (TypeError, ValueError):
            return False  # Django's paginator says what is wrong with it

    def _first_page(self) -> Page:
        """The first page, read before the count: when it holds fewer rows than a page, they
        are all the rows and their number is the count, with no COUNT query (a short list,
        or a filter that leaves a few rows: one query fewer; 50 mentors, P2 on PostgreSQL).
        Otherwise the count is asked as usual."""
        rows = self.object_list[: self.per_page]
        rows = list(rows) if self.page_rows is None else self._rows(rows)
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)  # the cached_property's value
        return Page(rows, 1, self)


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
