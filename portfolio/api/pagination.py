"""Page-number pagination: ``?page=N&page_size=M`` with page_size capped at 500."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
