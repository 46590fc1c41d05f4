"""``count`` of an unfiltered list page: the row count the database keeps (migration 0031)
instead of ``COUNT(*)`` over the whole table (bar P8: 65 ms for a million funding rounds),
else a plain ``COUNT(*)`` of the table (issue 17, item 6: the ORM's count query cost more to
build than to run on a small table)."""

from __future__ import annotations

from django.db import connections
from django.db.models import QuerySet

#: the tables whose rows triggers count (migrations 0031 and 0032)
COUNTED = frozenset(
    {
        "portfolio_fundinground",
        "portfolio_startup",
        "portfolio_stagetransition",
        "portfolio_milestone",
        "portfolio_kpireport",
        "portfolio_kpisubmission",
        "portfolio_incubationagreement",
        "portfolio_facilitybooking",
        "portfolio_techtransfer",
        "portfolio_spacelease",
        "portfolio_mentoringsession",
        "portfolio_policyapplication",
        "portfolio_financingintroduction",
    }
)


def unfiltered_count_sql(queryset) -> tuple[str, list] | None:
    """The SQL (and its parameters) that counts the rows of ``queryset`` when it is a whole
    table (no filter, no grouping, no distinct, no slice, no join of its own:
    ``select_related`` and ordering do not change the number): a read of the kept count, or
    a plain ``COUNT(*)``; None otherwise, for the ORM's count."""
    if not isinstance(queryset, QuerySet):
        return None
    query = queryset.query
    if (
        query.where
        or len(query.alias_map) > 1
        or query.distinct
        or query.combinator
        or query.group_by is not None
        or query.is_sliced
        or query.extra
    ):
        return None
    table = query.model._meta.db_table
    if table in COUNTED:
        return "SELECT rows FROM portfolio_row_count WHERE table_name = %s", [table]
    quoted = connections[queryset.db].ops.quote_name(table)
    return f"SELECT COUNT(*) FROM {quoted}", []  # noqa: S608


def unfiltered_rows(queryset) -> int | None:
    """How many rows ``queryset`` holds when it is a whole table (``unfiltered_count_sql``),
    from the kept count or a plain ``COUNT(*)``; None otherwise."""
    found = unfiltered_count_sql(queryset)
    if found is None:
        return None
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(*found)
        row = cursor.fetchone()
    return None if row is None else row[0]
