"""Rate limits of the API (see docs/deploy.md, "Throttling").

Exports stream every matching row, so they are the expensive requests: ``exports`` limits
CSV/XLSX answers per user. Scripts authenticate with a token; ``token-burst`` caps how fast one
token may call any endpoint. People in the browser (session) are limited only on exports.
Counts live in the default cache, which every app server shares (docs/deploy.md).

Each limit is a **fixed window** (issue 17, item 5): the rate's period is cut into windows
aligned on the clock (a minute from :00 for ``N/minute``), and one integer per client and
window counts its requests (``<key>_<window number>``, expiring with its window). The first
N requests of a window are admitted, the rest answer 429 with ``Retry-After`` the seconds to
the window's end. DRF's own throttle kept a list of every admitted request's time, read,
unpickled, trimmed and written back whole on each request: its cost grew with the rate. A
fixed window may admit up to 2N within one period straddling two windows (N at the end of
one, N at the start of the next); the limits here are against runaway scripts, not exact
quotas, and that is the price of one small counter.

The increment is atomic where the backend allows: on Redis ``INCR`` with the window's
expiry in one round trip; the local-memory cache's lock keeps the window's expiry. When the
shared cache is the database's (the default), the counters live in their own table
(``RateCounter``) beside it, in the same database: one ``INSERT ... ON CONFLICT DO UPDATE
... RETURNING`` a request counts and reads (no lost count between servers; the database
serialises the two writes). The cache's own row cost a read, an unpickling and a
compare-and-set ``UPDATE``: 0.27 ms of a 2.2 ms token request on SQLite, against 0.05
(bar P7, docs/benchmark-notes.md). Any other backend reads and writes the counter with the
window's expiry.
"""

from __future__ import annotations

import datetime as dt
import math

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.memcached import BaseMemcachedCache
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.utils import timezone
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from portfolio import security
from portfolio.api.renderers import EXPORT_RENDERERS
from portfolio.models import ApiToken, RateCounter

#: backends whose ``incr`` is atomic and keeps the key's expiry (Redis has its own path)
ATOMIC_INCR = (LocMemCache, BaseMemcachedCache)


def _counted_in_database(key: str, timeout: float) -> int:
    """One request more on the database counter ``key`` (a row made at 1, expiring after
    ``timeout`` seconds, at a window's first request); returns the new count. A window's
    first request also deletes the counters of ended windows (an indexed ``DELETE``, once a
    window and client). Each is one statement, one round trip (``_unsynced``)."""
    connection = connections[router.db_for_write(RateCounter)]
    quote = connection.ops.quote_name
    table = quote(RateCounter._meta.db_table)
    key_column, count, expires = (quote(name) for name in ("key", "count", "expires"))
    now = timezone.now()
    unsynced = _unsynced(connection)
    row = "VALUES (%s, 1, %s)" if unsynced is None else f"SELECT %s, 1, %s FROM {unsynced}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {count}, {expires}) {row} "  # noqa: S608
            f"ON CONFLICT ({key_column}) DO UPDATE SET {count} = {table}.{count} + 1 "
            f"RETURNING {count}",
            [key, connection.ops.adapt_datetimefield_value(now + dt.timedelta(seconds=timeout))],
        )
        (counted,) = cursor.fetchone()
        if counted == 1:
            using = "" if unsynced is None else f" USING {unsynced}"
            cursor.execute(
                f"DELETE FROM {table}{using} WHERE {expires} < %s",  # noqa: S608
                [connection.ops.adapt_datetimefield_value(now)],
            )
    return counted


#: a row source that switches off the wait for the disk for its statement's transaction
UNSYNCED = "(SELECT set_config('synchronous_commit', 'off', true)) AS unsynced"


def _unsynced(connection) -> str | None:
    """On PostgreSQL, outside any transaction: ``UNSYNCED``, which the counter's statement
    reads from, so that its own transaction (the statement, in autocommit) commits
    without waiting for the disk (``set_config(..., true)``: this transaction only). A
    durable commit waited for the disk's flush, 3.8 ms on the bench machine against 0.13,
    and every token request writes its counter (bar P7); a ``SET LOCAL`` in a transaction
    of its own cost three round trips more (BEGIN, SET, COMMIT: 0.93 → 0.35 ms a counted
    request in one process). A crash may lose the last fraction of a second of counts: a
    rate limit's counter, never business data. Inside a transaction (a caller's
    ``atomic``) None, so no other write is made less durable; SQLite (WAL,
    ``synchronous=NORMAL``) does not wait for the disk at a commit: None."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    return UNSYNCED


def count_request(cache, key: str, timeout: float) -> int:
    """Add one to the counter ``key`` (created at 1 expiring after ``timeout`` seconds);
    returns the new count. One small integer whatever the number of requests."""
    if isinstance(cache, RedisCache):
        # One round trip, atomic (MULTI): the count, and the window's expiry set again (the
        # same moment each time: the remaining seconds of the same window). Django's incr
        # would ask EXISTS first, and add() once a window.
        key = cache.make_and_validate_key(key)
        pipeline = cache._cache.get_client(key, write=True).pipeline(transaction=True)
        pipeline.incr(key)
        pipeline.expire(key, math.ceil(timeout))
        count, _expiry_set = pipeline.execute()
        return count
    if isinstance(cache, ATOMIC_INCR):
        try:
            return cache.incr(key)
        except ValueError:  # no counter yet in this window
            if cache.add(key, 1, timeout):
                return 1
            return cache.incr(key)
    if isinstance(cache, DatabaseCache):
        return _counted_in_database(cache.make_and_validate_key(key), timeout)
    # Another backend: read and write it.
    value = (cache.get(key) or 0) + 1
    cache.set(key, value, timeout)
    return value


class SettingsRateThrottle(SimpleRateThrottle):
    """Reads its rate from the settings when used (DRF reads them once, at import); counts
    in fixed windows (module docstring) instead of DRF's list of request times."""

    cache_alias = "default"

    def get_rate(self):
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError:
            raise ImproperlyConfigured(f"No throttle rate set for scope {self.scope!r}.") from None

    def get_ident(self, request):
        """The client's address as the security log and the lockouts see it (behind trusted
        proxies, the forwarded client's), not DRF's own reading of X-Forwarded-For."""
        return security.client_ip(request)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = math.floor(self.now / self.duration)
        self.window_end = (window + 1) * self.duration
        # A second past the window's end: the database cache stores whole seconds.
        timeout = self.window_end - self.now + 1
        self.count = count_request(caches[self.cache_alias], f"{self.key}_{window}", timeout)
        if self.count > self.num_requests:
            return self.throttle_failure()
        return True

    def wait(self):
        """Seconds until the window ends and the counter starts again."""
        return max(self.window_end - self.now, 1)


class ExportRateThrottle(SettingsRateThrottle):
    """CSV/XLSX exports per user (the JSON pages are not counted)."""

    scope = "exports"

    def get_cache_key(self, request, view):
        if not isinstance(getattr(request, "accepted_renderer", None), EXPORT_RENDERERS):
            return None
        if request.user and request.user.is_authenticated:
            ident = request.user.pk
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenBurstRateThrottle(SettingsRateThrottle):
    """Requests per API token, so a runaway script cannot hog the server."""

    scope = "token-burst"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
