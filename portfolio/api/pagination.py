"""Page-number pagination: ``?page=N&page_size=M`` with page_size capped at 500."""

from functools import partial

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination


class RowsPaginator(Paginator):
    """Django's paginator that can read its page as plain rows: ``page_rows(sliced
    queryset) -> list`` (a view's fast path for its big list, bar P2)."""

    def __init__(self, *args, page_rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page_rows = page_rows

    def _get_page(self, object_list, *args, **kwargs):
        if self.page_rows is not None:
            object_list = self.page_rows(object_list)
        return super()._get_page(object_list, *args, **kwargs)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        # A view with ``page_rows`` gets its page as finished rows, not model instances.
        self.django_paginator_class = partial(
            RowsPaginator, page_rows=getattr(view, "page_rows", None)
        )
        return super().paginate_queryset(queryset, request, view)
