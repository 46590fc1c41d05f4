"""Queries compiled once per database connection and run again with new values.

Building an ORM query and compiling it to SQL costs more than running it for the lookups
every request makes (issue 17, item 4): the API token with its user, the browser's session
and the session's user. A ``PrebuiltQuery`` keeps Django's own SQL, column converters and
``from_db`` and only runs them again with the value looked up. It is still one query to the
database each time, so a token revoked, a session ended or a user deactivated takes effect
on the very next request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connections, router
from django.db.models import Model

#: what stands for the looked-up value while the SQL is compiled (text; for an integer
#: key, ``INTEGER_SENTINEL``, a key no row has)
SENTINEL = "\x00lookup"
INTEGER_SENTINEL = -2_000_000_007  # in a 32-bit key's range: out of range, Django compiles no SQL


class PrebuiltQuery:
    """``build(SENTINEL)`` compiled for ``connection``: ``fetch(value)`` runs it with
    ``value`` in the sentinel's place and gives the first row's object (with the related
    objects its ``select_related`` names, one level), or None."""

    def __init__(self, build: Callable, connection, sentinel=SENTINEL):
        compiler = build(sentinel).query.get_compiler(connection=connection)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.value_at = self.params.index(sentinel)
        self.compiler = compiler
        self.converters = compiler.get_converters([col for col, _sql, _alias in compiler.select])
        main = compiler.klass_info
        self.parts = [
            (
                info["model"],
                [compiler.select[i][0].target.attname for i in info["select_fields"]],
                info["select_fields"],
                info.get("field"),
            )
            for info in (main, *main.get("related_klass_infos", ()))
        ]
        self.db = connection.alias

    def fetch(self, value) -> Model | None:
        params = list(self.params)
        params[self.value_at] = value
        with self.compiler.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if self.converters:
            (row,) = self.compiler.apply_converters([row], self.converters)
        (model, names, at, _field), *related = self.parts
        obj = model.from_db(self.db, names, [row[i] for i in at])
        for rel_model, rel_names, rel_at, field in related:
            other = rel_model.from_db(self.db, rel_names, [row[i] for i in rel_at])
            field.set_cached_value(obj, other)
        return obj


def fetch(name: str, model: type[Model], build: Callable, value, sentinel=SENTINEL) -> Model | None:
    """``build``'s first row for ``value`` through the connection's ``PrebuiltQuery`` called
    ``name`` (compiled on first use; ``sentinel``: see ``INTEGER_SENTINEL``)."""
    return compiled(name, model, build, sentinel).fetch(value)


def compiled(name: str, model: type[Model], build: Callable, sentinel=SENTINEL) -> PrebuiltQuery:
    """The ``PrebuiltQuery`` called ``name`` of the connection ``model`` is read from."""
    connection = connections[router.db_for_read(model)]
    queries = connection.__dict__.setdefault("_prebuilt_queries", {})
    query = queries.get(name)
    if query is None:
        query = queries[name] = PrebuiltQuery(build, connection, sentinel)
    return query


# --- list pages (issue 17, items 3 and 6) -------------------------------------------------------


class PrebuiltPage:
    """A list's ``values_list`` query compiled once, LIMIT and OFFSET left as parameters:
    ``rows(low, high)`` runs it for one page, with the column converters the ORM applies."""

    def __init__(self, values, connection):
        query = values.query.clone()
        query.clear_limits()
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        self.sql = f"{sql} LIMIT %s OFFSET %s"
        self.params = list(params)
        self.compiler = compiler
        self.converters = compiler.get_converters([col for col, _sql, _alias in compiler.select])

    def rows(self, low: int, high: int) -> list[tuple]:
        with self.compiler.connection.cursor() as cursor:
            cursor.execute(self.sql, [*self.params, high - low, low])
            rows = cursor.fetchall()
        if self.converters:
            rows = [tuple(row) for row in self.compiler.apply_converters(rows, self.converters)]
        return rows


def page_values(queryset, columns: tuple[str, ...], key=None) -> list[tuple]:
    """``list(queryset.values_list(*columns))`` for a page (a sliced queryset). With a
    ``key`` (what, besides WHERE and ORDER BY, decides the list's SQL: its view) and no
    WHERE clause (no filter, search or founder's scope), through the connection's
    ``PrebuiltPage`` for that key, columns and ordering: building and compiling the ORM
    query cost more than running it on a small page (0.8 ms of a 10-row startups page's
    2.8 on SQLite, bar P7)."""
    query = queryset.query
    if key is None or query.where or not query.is_sliced or query.high_mark is None:
        return list(queryset.values_list(*columns))
    connection = connections[queryset.db]
    pages = connection.__dict__.setdefault("_prebuilt_pages", {})
    name = (
        key,
        columns,
        query.order_by,
        query.extra_order_by,
        query.default_ordering,
        query.standard_ordering,
    )
    page = pages.get(name)
    if page is None:
        page = pages[name] = PrebuiltPage(queryset.values_list(*columns), connection)
    return page.rows(query.low_mark, query.high_mark)
