"""Queries compiled once per database connection and run again with new values.

Building an ORM query and compiling it to SQL costs more than running it for the lookups
every request makes (issue 17, item 4): the API token with its user, the browser's session
with its user. A ``PrebuiltQuery`` keeps Django's own SQL, column converters and
``from_db`` and only runs them again with the value looked up. It is still one query to the
database each time, so a token revoked, a session ended or a user deactivated takes effect
on the very next request.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, router
from django.db.models import BigIntegerField, CharField, F, Func, Model
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import RawSQL

#: what stands for the looked-up value while the SQL is compiled (text; for an integer
#: key, ``INTEGER_SENTINEL``, a key no row has)
SENTINEL = "\x00lookup"
INTEGER_SENTINEL = -2_000_000_007  # in a 32-bit key's range: out of range, Django compiles no SQL

#: a placeholder of Django's SQL, as Django's SQLite backend finds it (``%s`` not after ``%``)
_PLACEHOLDER = re.compile(r"(?<!%)%s")


def named(sql: str, params: list) -> tuple[str, dict]:
    """``sql`` and ``params`` with the placeholders named (``%(p0)s``, ``%(p1)s``, ...),
    done once for a statement run again and again. Both databases take named parameters;
    SQLite's backend then fills the names in by ``%`` formatting, where a statement with
    ``%s`` placeholders is rewritten by a regular expression on every execution: 24 µs for
    a 10-row startups page's 2 KB statement, 12 µs for the token's, of a 1.4 ms request
    (bar P7)."""
    names = iter(range(len(params)))
    sql = _PLACEHOLDER.sub(lambda _match: f"%(p{next(names)})s", sql)
    if next(names, None) is not None:
        raise ValueError("the SQL has fewer placeholders than parameters")
    return sql, {f"p{i}": value for i, value in enumerate(params)}


class PrebuiltQuery:
    """``build(SENTINEL)`` compiled for ``connection``: ``fetch(value)`` runs it with
    ``value`` in the sentinel's place and gives the first row's object (with the related
    objects its ``select_related`` names, one level), or None."""

    def __init__(self, build: Callable, connection, sentinel=SENTINEL):
        compiler = build(sentinel).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        self.sql, self.params = named(sql, list(params))
        self.value_at = f"p{list(params).index(sentinel)}"
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
        params = dict(self.params)
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
            field.set_cached_value(obj, None if other.pk is None else other)  # a null link
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


class PageCount:
    """The row count asked to come with a page (``counting``): its SQL and parameters, and
    ``rows`` once the page's query has read it (None while no query has)."""

    def __init__(self, sql: str, params: list):
        self.sql = sql
        self.params = params
        self.rows: int | None = None
        self.read = False  # a page query took it (it may have found no row to read it from)


_page_count: ContextVar[PageCount | None] = ContextVar("page_count", default=None)


@contextmanager
def counting(sql: str, params: list) -> Iterator[PageCount]:
    """Within this block, the first prebuilt page query (``page_values``) also reads the
    scalar ``sql`` (a whole table's count) in the same statement: one round trip to the
    database for a page and its ``count`` instead of two (bar P2 on PostgreSQL, where a
    50-row list paid three round trips besides its page). ``PageCount.read`` says whether a
    query took it; the caller counts another way when none did."""
    holder = PageCount(sql, params)
    token = _page_count.set(holder)
    try:
        yield holder
    finally:
        _page_count.reset(token)


class PrebuiltPage:
    """A list's ``values_list`` query compiled once, LIMIT and OFFSET left as parameters:
    ``rows(low, high)`` runs it for one page, with the column converters the ORM applies.
    With a ``count`` (``PageCount``), the statement's last column is that scalar (the
    table's count: an uncorrelated subquery, which both databases run once) and ``rows``
    gives it too."""

    def __init__(self, queryset, columns: tuple[str, ...], connection, count=None):
        columns = _dates_as_stored(queryset, columns, connection)
        if count is not None:  # last, so the ORDER BY's column numbers stay as they are
            columns = (*columns, RawSQL(count.sql, count.params, BigIntegerField()))
        query = queryset.values_list(*columns).query.clone()
        query.clear_limits()
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        self.sql, self.params = named(f"{sql} LIMIT %s OFFSET %s", [*params, None, None])
        self.limit, self.offset = f"p{len(params)}", f"p{len(params) + 1}"
        self.counted = count is not None
        self.compiler = compiler
        converters = _without_date_parsing(
            compiler.get_converters([col for col, _sql, _alias in compiler.select]), connection
        )
        if self.counted:  # the count is read once, from the first row (``rows``): not per row
            converters.pop(len(compiler.select) - 1, None)
        self.converters = converters

    def rows(self, low: int, high: int) -> tuple[list[tuple], int | None]:
        """The page's rows and, for a counted page that has a row, the count."""
        with self.compiler.connection.cursor() as cursor:
            cursor.execute(self.sql, {**self.params, self.limit: high - low, self.offset: low})
            rows = cursor.fetchall()
        if self.converters:
            rows = [tuple(row) for row in self.compiler.apply_converters(rows, self.converters)]
        if not self.counted:
            return rows, None
        return [row[:-1] for row in rows], int(rows[0][-1]) if rows else None


def _dates_as_stored(queryset, columns: tuple, connection) -> tuple:
    """On SQLite, ``columns`` with each date column read through SQLite's unary plus
    (``+"founded_on"``), which gives the stored ISO text as it is. Python's sqlite3 module
    parses a column declared ``date`` into a ``date`` (Django registers the parser) that the
    page's readers write back as the same text (``rows.date_text``); an expression has no
    declared type, so nothing is parsed: 50 parses and 50 ``isoformat`` calls fewer on a
    10-row startups page (bar P7). PostgreSQL's driver makes the dates: unchanged there."""
    if connection.vendor != "sqlite":
        return columns
    return tuple(
        Func(F(name), template="+%(expressions)s", output_field=CharField())
        if _is_date_field(queryset.model, name)
        else name
        for name in columns
    )


def _is_date_field(model: type[Model], name: str) -> bool:
    """``name`` (a ``values_list`` key, through relations: "startup__admitted_on") is a
    model's ``DateField``; an annotation is not (SQLite gives a computed date as text)."""
    *relations, last = name.split(LOOKUP_SEP)
    try:
        for part in relations:
            model = model._meta.get_field(part).related_model
        field = model._meta.get_field(last)
    except (FieldDoesNotExist, AttributeError):
        return False
    return not field.is_relation and field.get_internal_type() == "DateField"


def _without_date_parsing(converters: dict, connection) -> dict:
    """A page's column converters without SQLite's date parsing: a page's rows are written
    by readers that give a date as its ISO text (``rows.date_text``, ``plain._date``), which
    is what SQLite holds (and hands over for a computed column, e.g. a last round's date), so
    parsing it into a ``date`` to write it back is skipped: 70 calls on a 10-row startups
    page, 2.5% of its request under gunicorn (bar P7). PostgreSQL has no such converter."""
    parse = getattr(connection.ops, "convert_datefield_value", None)
    if parse is None:
        return converters
    kept = {}
    for at, (functions, expression) in converters.items():
        functions = [function for function in functions if function != parse]
        if functions:
            kept[at] = (functions, expression)
    return kept


def page_values(queryset, columns: tuple[str, ...], key=None) -> list[tuple]:
    """``list(queryset.values_list(*columns))`` for a page (a sliced queryset; a date may
    come as its ISO text, see ``_without_date_parsing``). With a
    ``key`` (what, besides WHERE and ORDER BY, decides the list's SQL: its view) and no
    WHERE clause (no filter, search or founder's scope), through the connection's
    ``PrebuiltPage`` for that key, columns and ordering: building and compiling the ORM
    query cost more than running it on a small page (0.8 ms of a 10-row startups page's
    2.8 on SQLite, bar P7). Inside ``counting``, that query reads the count too."""
    query = queryset.query
    if key is None or query.where or not query.is_sliced or query.high_mark is None:
        return list(queryset.values_list(*columns))
    count = _page_count.get()
    if count is not None and count.read:
        count = None  # the page's count is taken: a second query of the page reads none
    connection = connections[queryset.db]
    pages = connection.__dict__.setdefault("_prebuilt_pages", {})
    name = (
        key,
        columns,
        query.order_by,
        query.extra_order_by,
        query.default_ordering,
        query.standard_ordering,
        None if count is None else (count.sql, *count.params),
    )
    page = pages.get(name)
    if page is None:
        page = pages[name] = PrebuiltPage(queryset, columns, connection, count)
    if count is None:
        return page.rows(query.low_mark, query.high_mark)[0]
    rows, count.rows = page.rows(query.low_mark, query.high_mark)
    count.read = True
    return rows
