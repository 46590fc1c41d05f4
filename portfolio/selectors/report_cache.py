"""The report cache (issue 17): a report computed once per data version and parameters.

``cached(name, params, compute)`` answers ``compute()``'s value from Django's default cache
(the database's cache table, or Redis with ``REDIS_URL``: shared by every server, never
process memory) when an entry exists for the key, else computes, stores and returns it.

**The key.** The report's name, its parameters (the fund, the resolved ``as_of`` date,
today in Asia/Shanghai by default, and every query parameter), the active language and
the *data version*: a hash of every table's token in ``portfolio_data_version``, read in
one query. Triggers (migration 0033) set a table's token to a fresh random 64-bit value on
every insert, update, delete or truncate, whoever writes (services, the admin, the ORM's
``update()``, raw SQL, a restore), so after any write the next request computes afresh;
entries of older versions are never read again and expire after
``REPORT_CACHE_SECONDS``.

**Transactions.** The tokens are read on the request's own connection, so a transaction
that has written sees its own new tokens: what it computes is keyed by them. If it rolls
back, its random tokens go with it and no later commit can draw them again, so the entry is
never served. The tokens are read before computing: a write that commits while a report is
being computed changes the tokens, so the next request misses.

**Values.** What is stored is plain picklable data: dataclasses of Decimals, dates and text
(a lazy translation pickles as its message and is translated when read; the language is in
the key either way), and fully loaded model instances (an LP, a startup, with what was
selected with them) whose pickles carry their fields. Each caller's value is a fresh copy
(every backend unpickles), so callers cannot change one another's. The API's two biggest
answers (the valley report, the statistics return) keep their compact JSON's bytes
(``ReportView.cached_answer``), compressed (``cached_bytes``). Reports that hold the
fund itself get the caller's fund back (``with_fund``), not a pickled copy; a fund (or any
row) given as a parameter is keyed by its fields as the caller holds them.

``REPORT_CACHE=0`` (settings) turns the cache off: every call computes. Permission checks
and scope stay before the call: only staff reads are cached (founders never reach a cached
report; ``selectors/scope.py``).
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import zlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection, connections, models, router
from django.utils import timezone, translation

T = TypeVar("T")

VERSION_SQL = "SELECT table_name, token FROM portfolio_data_version ORDER BY table_name"
_MISSING = object()


def data_version() -> str:
    """A hash of every table's token (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        rows = cursor.fetchall()
    return hashlib.blake2b(repr(rows).encode(), digest_size=16).hexdigest()


def _plain(value: Any) -> Any:
    """A parameter as it decides the answer: a choice by its value; a row (the fund) by its
    fields as the caller holds them, so a fund changed in memory and not saved is another
    entry (its saved fields are part of the data version too)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, models.Model):
        fields = value._meta.concrete_fields
        return (value._meta.label, *(value.__dict__.get(f.attname) for f in fields))
    return value


def key(name: str, params: tuple) -> str:
    """The cache key of report ``name`` with ``params`` at the current data version."""
    plain = tuple(_plain(value) for value in params)
    parts = repr((plain, translation.get_language(), data_version()))
    return f"report:{name}:{hashlib.sha256(parts.encode()).hexdigest()}"


def cached(name: str, params: tuple, compute: Callable[[], T]) -> T:
    """``compute()``'s value for ``name`` and ``params`` (a tuple of plain values: ids,
    dates, text), from the cache when the data have not changed since it was stored."""
    if not settings.REPORT_CACHE:
        return compute()
    entry = key(name, params)
    value = cache.get(entry, _MISSING)
    if value is _MISSING:
        value = compute()
        purge_expired()
        cache.set(entry, value, settings.REPORT_CACHE_SECONDS)
    return value


#: zlib's fastest level: the statistics return's 14.7 MB of JSON (the bench's large set) in
#: 37 ms to 0.8 MB, read back in 27 ms; level 6 takes three times as long for 0.65 MB
BYTES_LEVEL = 1


def cached_bytes(name: str, params: tuple, compute: Callable[[], bytes]) -> bytes:
    """``cached`` for an answer's bytes, kept compressed. A report's JSON repeats its keys on
    every row and shrinks about 18 times, so a cached read moves a small value out of the
    shared store instead of the whole answer (P8: reading the statistics return's 14.7 MB as
    it was, the database's 20 MB of base64 and decoding them, took 130 of the 170 ms the
    cached request took on the bench's large set, and grew faster than the data). The name
    says the stored form (``:zlib``): an entry written before this stored the bytes as they
    were, under the same data version."""
    if not settings.REPORT_CACHE:
        return compute()
    packed = cached(f"{name}:zlib", params, lambda: zlib.compress(compute(), BYTES_LEVEL))
    return zlib.decompress(packed)


def purge_expired() -> None:
    """On the database cache, delete the entries past their expiry before storing another.
    Django's database cache deletes expired rows only when the table outgrows
    ``MAX_ENTRIES``, and an entry of an older data version is never read (which would
    delete it) again: without this, every write would leave each report's last entry in
    the table for good. One indexed DELETE, on a miss only. Redis expires keys itself."""
    backend = caches["default"]
    if not isinstance(backend, DatabaseCache):
        return
    db = router.db_for_write(backend.cache_model_class)
    writer = connections[db]
    quote = writer.ops.quote_name
    now = timezone.now().replace(microsecond=0)
    with writer.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(backend._table)} WHERE {quote('expires')} < %s",  # noqa: S608
            [writer.ops.adapt_datetimefield_value(now)],
        )


def with_fund(name: str, fund: Any, params: tuple, compute: Callable[[], T]) -> T:
    """``cached`` for a report dataclass with a ``fund`` field: stored without the fund
    (the fund's own columns are part of the data version), answered with the caller's."""
    if not settings.REPORT_CACHE:
        return compute()
    value = cached(
        name,
        (fund, *params),
        lambda: dataclasses.replace(compute(), fund=None),
    )
    return dataclasses.replace(value, fund=fund)
