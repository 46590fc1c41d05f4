"""Row counts the database keeps (migration 0031): ``count`` of an unfiltered list page
without ``COUNT(*)`` over the whole table (bar P8: 65 ms for a million funding rounds)."""

from __future__ import annotations

from django.db import connections
from django.db.models import QuerySet

#: the tables whose rows triggers count (migration 0031)
COUNTED = frozenset({"portfolio_fundinground"})


def unfiltered_rows(queryset) -> int | None:
    """How many rows ``queryset`` holds when it is a whole counted table (no filter, no
    grouping, no distinct, no slice; joins and ordering do not change the number), from the
    kept count; None otherwise, or when no count is kept, for ``COUNT(*)``."""
    if not isinstance(queryset, QuerySet):
        return None
    query = queryset.query
    if (
        query.model._meta.db_table not in COUNTED
        or query.where
        or query.distinct
        or query.combinator
        or query.group_by is not None
        or query.is_sliced
        or query.extra
    ):
        return None
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            "SELECT rows FROM portfolio_row_count WHERE table_name = %s",
            [query.model._meta.db_table],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]
