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

A process does not write the counter on every request: it reserves a few slots of the
window's count at once (``Reservations``: up to 16, a sixteenth of what is left of N, one at
a time near N) and hands them to its next requests, so no more than N are admitted across
all servers, and a client may be refused a few requests early when its requests spread over
processes that each hold slots (at most 15 a process).

The increment is atomic where the backend allows: on Redis ``INCR`` with the window's
expiry in one round trip; the local-memory cache's lock keeps the window's expiry. When the
shared cache is the database's (the default), the counters live in their own table
(``RateCounter``) beside it, in the same database: one ``INSERT ... ON CONFLICT DO UPDATE
... RETURNING`` a reservation counts and reads (no lost count between servers; the
database serialises the two writes). The cache's own row cost a read, an unpickling and a
compare-and-set ``UPDATE``: 0.27 ms of a 2.2 ms token request on SQLite, against 0.05
(bar P7, docs/benchmark-notes.md). Any other backend reads and writes the counter with the
window's expiry.
"""

from __future__ import annotations

import datetime as dt
import math
import threading

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


def _counted_in_database(key: str, timeout: float, amount: int) -> int:
    """``amount`` more on the database counter ``key`` (a row made at ``amount``, expiring
    after ``timeout`` seconds, at a window's first count); returns the new count. A window's
    first count also deletes the counters of ended windows (an indexed ``DELETE``, once a
    window and client). Each is one statement, one round trip (``_unsynced``)."""
    connection = connections[router.db_for_write(RateCounter)]
    quote = connection.ops.quote_name
    table = quote(RateCounter._meta.db_table)
    key_column, count, expires = (quote(name) for name in ("key", "count", "expires"))
    now = timezone.now()
    unsynced = _unsynced(connection)
    row = "VALUES (%s, %s, %s)" if unsynced is None else f"SELECT %s, %s, %s FROM {unsynced}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {count}, {expires}) {row} "  # noqa: S608
            f"ON CONFLICT ({key_column}) DO UPDATE SET {count} = {table}.{count} + %s "
            f"RETURNING {count}",
            [
                key,
                amount,
                connection.ops.adapt_datetimefield_value(now + dt.timedelta(seconds=timeout)),
                amount,
            ],
        )
        (counted,) = cursor.fetchone()
        if counted == amount:
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


def count_request(cache, key: str, timeout: float, amount: int = 1) -> int:
    """Add ``amount`` to the counter ``key`` (created at ``amount``, expiring after
    ``timeout`` seconds); returns the new count. One small integer whatever the number of
    requests."""
    if isinstance(cache, RedisCache):
        # One round trip, atomic (MULTI): the count, and the window's expiry set again (the
        # same moment each time: the remaining seconds of the same window). Django's incr
        # would ask EXISTS first, and add() once a window.
        key = cache.make_and_validate_key(key)
        pipeline = cache._cache.get_client(key, write=True).pipeline(transaction=True)
        pipeline.incr(key, amount)
        pipeline.expire(key, math.ceil(timeout))
        count, _expiry_set = pipeline.execute()
        return count
    if isinstance(cache, ATOMIC_INCR):
        try:
            return cache.incr(key, amount)
        except ValueError:  # no counter yet in this window
            if cache.add(key, amount, timeout):
                return amount
            return cache.incr(key, amount)
    if isinstance(cache, DatabaseCache):
        return _counted_in_database(cache.make_and_validate_key(key), timeout, amount)
    # Another backend: read and write it.
    value = (cache.get(key) or 0) + amount
    cache.set(key, value, timeout)
    return value


#: the most slots of a window's count a process reserves at once, and the share of the
#: slots left that it may take (``reserve_size``)
RESERVE_MOST = 16
RESERVE_SHARE = 16


def reserve_size(limit: int, seen: int) -> int:
    """How many slots to reserve when this process last saw the count at ``seen``: a
    sixteenth of what is left of ``limit``, at most ``RESERVE_MOST``, at least one. Far from
    the limit a process writes the counter once in 16 requests; near it, one slot at a
    time, so what it may leave unused shrinks with what is left (below 32 a limit is counted
    request by request: the exports' 30 a minute are)."""
    return max(1, min(RESERVE_MOST, (limit - seen) // RESERVE_SHARE))


class Reservations:
    """Slots of windows' counts that this process reserved in the shared counter and has
    not yet handed to a request: ``key`` -> [next slot, last slot, the window's end].

    A request takes the next slot it holds; with none left, the process adds
    ``reserve_size`` to the shared counter in one write and holds the slots up to the count
    it gets back. Each slot is handed to one request of one process (the counter's increment
    is atomic), so a window admits at most N requests across every worker and server, as
    when each request added one. A process that stops getting a client's requests leaves its
    slots unused: across P processes (threads, with gthread workers) a client may be refused
    after as few as N − P × 15 in the worst case (300 a minute, two workers: 270). Once the
    count a process saw reaches N it refuses that client for the rest of the window without
    a write (a count never falls within its window). Slots of ended windows are dropped (at
    most once a second).

    Bar P7: the counter's write was a round trip on PostgreSQL and SQLite's write lock shared
    by the workers on every token request (docs/benchmark-notes.md, eleventh part)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._held: dict[str, list] = {}
        self._purged = 0.0

    def take(self, key: str) -> tuple[int | None, int]:
        """A held slot of ``key`` (None when none is left) and the last count seen."""
        with self._lock:
            held = self._held.get(key)
            if held is None:
                return None, 0
            if held[0] <= held[1]:
                held[0] += 1
                return held[0] - 1, held[1]
            return None, held[1]

    def hold(self, key: str, first: int, last: int, ends: float, now: float) -> None:
        """Slots ``first`` to ``last`` of ``key``, whose window ends at ``ends``."""
        with self._lock:
            if now - self._purged >= 1:
                self._held = {k: held for k, held in self._held.items() if held[2] > now}
                self._purged = now
            held = self._held.get(key)
            if held is None or held[1] < last:  # a newer reservation of another thread
                self._held[key] = [first, last, ends]

    def clear(self) -> None:
        with self._lock:
            self._held.clear()


#: this process's reserved slots (each worker process has its own)
RESERVATIONS = Reservations()


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
        self.count = self._slot(f"{self.key}_{window}")
        if self.count > self.num_requests:
            return self.throttle_failure()
        return True

    def _slot(self, key: str) -> int:
        """This request's place in the window's count (``Reservations``)."""
        slot, seen = RESERVATIONS.take(key)
        if slot is not None:
            return slot
        if seen >= self.num_requests:
            return seen + 1  # refused: the window is spent
        size = reserve_size(self.num_requests, seen)
        # A second past the window's end: the database cache stores whole seconds.
        timeout = self.window_end - self.now + 1
        last = count_request(caches[self.cache_alias], key, timeout, size)
        RESERVATIONS.hold(key, last - size + 2, last, self.window_end, self.now)
        return last - size + 1

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
