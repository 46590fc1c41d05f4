"""Rate limits in fixed windows (issue 17, item 5; portfolio/api/throttles.py): the first N
requests of a window are admitted, the next answer 429 with ``Retry-After`` the seconds to
the window's end, a new window admits again, and the count is one small integer in the
shared store whatever the number of requests: on the local-memory cache of the tests, the
database (production's default: the counters' own table beside the database cache) and
Redis (when ``REDIS_URL`` is set, as production with it)."""

from __future__ import annotations

import datetime as dt
import math
import os
import time
import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.exceptions import Throttled

from portfolio.api import throttles
from portfolio.models import ApiToken, RateCounter
from tests.support.caches import DATABASE_CACHE
from tests.support.clients import login

LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "windows"}
DATABASE = DATABASE_CACHE
BACKENDS = {"locmem": LOCMEM, "database": DATABASE}
if os.environ.get("REDIS_URL"):
    BACKENDS["redis"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }

#: a minute's start (any multiple of 60 seconds since the epoch)
MINUTE = 60 * 29_500_000


@pytest.fixture(params=sorted(BACKENDS))
def backend(request, db):
    config = dict(BACKENDS[request.param])
    # Redis may be shared: this test's keys only, under their own prefix.
    config["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    with override_settings(CACHES={"default": config}):
        yield request.param
        if request.param != "redis":
            caches["default"].clear()


@pytest.fixture
def clock(monkeypatch):
    """The throttles' clock, set by the test: ``clock.now = ...``."""

    class Clock:
        now = MINUTE + 10.0

    monkeypatch.setattr(throttles.SettingsRateThrottle, "timer", staticmethod(lambda: Clock.now))
    return Clock


def rates(**overrides):
    framework = dict(settings.REST_FRAMEWORK)
    framework["DEFAULT_THROTTLE_RATES"] = {**framework["DEFAULT_THROTTLE_RATES"], **overrides}
    return override_settings(REST_FRAMEWORK=framework)


def script(user) -> tuple[Client, ApiToken]:
    token, key = ApiToken.issue(user)
    return Client(HTTP_AUTHORIZATION=f"Token {key}"), token


def counter_key(throttle_class, ident, now: float) -> str:
    throttle = throttle_class()
    window = math.floor(now / throttle.duration)
    return throttle.cache_format % {"scope": throttle.scope, "ident": ident} + f"_{window}"


def stored(key: str) -> int | None:
    """The count kept for ``key``: in the cache, or the database's counter row when the
    cache is the database's."""
    cache = caches["default"]
    if isinstance(cache, throttles.DatabaseCache):
        row = RateCounter.objects.filter(key=cache.make_and_validate_key(key)).first()
        return None if row is None else row.count
    return cache.get(key)


def database_expiry(key: str) -> dt.datetime:
    return RateCounter.objects.get(key=caches["default"].make_and_validate_key(key)).expires


def test_the_n_plus_first_request_of_a_window_is_refused(backend, clock, viewer):
    client, _token = script(viewer)
    with rates(**{"token-burst": "4/minute"}):
        assert [client.get("/api/v1/stages/").status_code for _ in range(4)] == [200] * 4
        clock.now = MINUTE + 41.2
        refused = client.get("/api/v1/stages/")
    assert refused.status_code == 429
    # DRF's answer, as before: the detail in the request's language and Retry-After, here
    # the seconds to the window's end (18.8, rounded up).
    assert refused["Retry-After"] == "19"
    assert refused.json() == {"detail": str(Throttled(wait=18.8).detail)}
    assert refused["Content-Type"].startswith("application/json")


def test_a_new_window_admits_again(backend, clock, viewer):
    client, _token = script(viewer)
    with rates(**{"token-burst": "3/minute"}):
        statuses = [client.get("/api/v1/stages/").status_code for _ in range(5)]
        clock.now = MINUTE + 59.999
        statuses.append(client.get("/api/v1/stages/").status_code)
        clock.now = MINUTE + 60.0  # the next minute
        statuses += [client.get("/api/v1/stages/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429, 429, 429, 200, 200, 200, 429]


def test_refused_requests_do_not_hold_the_next_window(backend, clock, viewer):
    """A script that goes on calling after its 429 is admitted again when the window
    turns (the refusals counted in the old window's counter, not the new one's)."""
    client, _token = script(viewer)
    with rates(**{"token-burst": "2/minute"}):
        for _ in range(50):
            client.get("/api/v1/stages/")
        clock.now = MINUTE + 75
        assert client.get("/api/v1/stages/").status_code == 200


def test_the_counter_is_one_small_integer_whatever_the_requests(backend, clock, viewer):
    client, token = script(viewer)
    with rates(**{"token-burst": "1000/minute"}):
        for _ in range(120):
            assert client.get("/api/v1/stages/").status_code == 200
        key = counter_key(throttles.TokenBurstRateThrottle, token.pk, clock.now)
        # the slots this process reserved: eight reservations of 16 for 120 requests
        assert stored(key) == 128
        assert type(stored(key)) is int
    if backend == "database":
        assert RateCounter.objects.count() == 1  # one row, not one per request
        table = connection.ops.quote_name(settings.CACHE_TABLE)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            assert cursor.fetchone() == (0,)  # and nothing in the cache table


def test_limits_are_per_client_and_per_scope(backend, clock, viewer, fund_manager):
    one, _ = script(viewer)
    two, _ = script(viewer)  # another token of the same person: its own count
    with rates(**{"token-burst": "2/minute", "exports": "1/minute"}):
        assert [one.get("/api/v1/stages/").status_code for _ in range(3)] == [200, 200, 429]
        assert two.get("/api/v1/stages/").status_code == 200
        browser = login(fund_manager)  # exports are counted per user, in the browser too
        assert browser.get("/api/v1/stages/", {"format": "csv"}).status_code == 200
        assert browser.get("/api/v1/stages/", {"format": "csv"}).status_code == 429
        assert browser.get("/api/v1/stages/").status_code == 200  # JSON is not an export


# --- slots reserved by a process (throttles.Reservations) -------------------------------------


class Process:
    """One worker process's reserved slots: requests made "in" it use its ``Reservations``
    (every process has its own; the shared counter is the backend's)."""

    def __init__(self, monkeypatch):
        self.reservations = throttles.Reservations()
        self.monkeypatch = monkeypatch

    def get(self, client, path="/api/v1/stages/"):
        self.monkeypatch.setattr(throttles, "RESERVATIONS", self.reservations)
        return client.get(path).status_code


def test_a_process_writes_the_counter_once_in_sixteen_requests(backend, clock, viewer):
    client, token = script(viewer)
    key = counter_key(throttles.TokenBurstRateThrottle, token.pk, clock.now)
    writes = []
    counted = throttles.count_request

    def count(cache, key, timeout, amount=1):
        writes.append(amount)
        return counted(cache, key, timeout, amount)

    with rates(**{"token-burst": "1000/minute"}), pytest.MonkeyPatch.context() as patch:
        patch.setattr(throttles, "count_request", count)
        assert [client.get("/api/v1/stages/").status_code for _ in range(48)] == [200] * 48
    assert writes == [16, 16, 16]
    assert stored(key) == 48


def test_the_reservations_shrink_near_the_limit():
    assert [throttles.reserve_size(300, seen) for seen in (0, 44, 45, 200, 268, 269, 299)] == [
        16,
        16,
        15,
        6,
        2,
        1,
        1,
    ]
    assert throttles.reserve_size(30, 0) == 1  # the exports' 30 a minute: one by one


def test_one_process_admits_exactly_the_limit(backend, clock, viewer, monkeypatch):
    client, token = script(viewer)
    one = Process(monkeypatch)
    with rates(**{"token-burst": "100/minute"}):
        statuses = [one.get(client) for _ in range(130)]
    assert statuses == [200] * 100 + [429] * 30
    key = counter_key(throttles.TokenBurstRateThrottle, token.pk, clock.now)
    assert stored(key) == 100  # and the refusals after the count reached it wrote nothing


def test_processes_together_never_admit_more_than_the_limit(backend, clock, viewer, monkeypatch):
    """Two workers taking a client's requests in turn, then one of them alone: each slot of
    the shared count goes to one request, so no more than N are admitted, and near the limit
    the reservations are single slots, so here none is left unused."""
    client, token = script(viewer)
    one, two = Process(monkeypatch), Process(monkeypatch)
    with rates(**{"token-burst": "100/minute"}):
        statuses = [worker.get(client) for _ in range(40) for worker in (one, two)]
        statuses += [one.get(client) for _ in range(60)]
    assert statuses == [200] * 100 + [429] * 40
    key = counter_key(throttles.TokenBurstRateThrottle, token.pk, clock.now)
    assert stored(key) == 100  # the refusals, once the count seen was spent, wrote nothing


def test_slots_a_process_left_unused_are_refused_elsewhere(backend, clock, viewer, monkeypatch):
    """The price of reserving: a worker that got one request and no more holds the rest of
    its reservation (here 5 slots of 6), which the other worker cannot use: 95 of the 100
    are admitted, never more (``Reservations``: at most 15 a process)."""
    client, _token = script(viewer)
    one, two = Process(monkeypatch), Process(monkeypatch)
    with rates(**{"token-burst": "100/minute"}):
        statuses = [two.get(client)] + [one.get(client) for _ in range(120)]
    assert statuses == [200] * 95 + [429] * 26


def test_a_process_keeps_no_slots_of_ended_windows(clock, db):
    reservations = throttles.Reservations()
    reservations.hold("a_1", 2, 16, ends=MINUTE + 60, now=MINUTE + 1)
    reservations.hold("b_1", 2, 16, ends=MINUTE + 60, now=MINUTE + 1.5)
    assert reservations.take("a_1") == (2, 16)
    reservations.hold("c_2", 2, 16, ends=MINUTE + 120, now=MINUTE + 61)  # a second on
    assert reservations.take("a_1") == (None, 0) and reservations.take("b_1") == (None, 0)
    assert reservations.take("c_2") == (2, 16)


def test_the_counter_expires_with_its_window(backend, clock):
    cache = caches["default"]
    assert throttles.count_request(cache, "probe", timeout=30) == 1
    assert throttles.count_request(cache, "probe", timeout=30) == 2
    key = cache.make_and_validate_key("probe")
    if backend == "redis":
        left = cache._cache.get_client(key).ttl(key)
    elif backend == "locmem":
        left = cache._expire_info[key] - time.time()
    else:
        left = (database_expiry("probe") - dt.datetime.now(dt.UTC)).total_seconds()
    assert 0 < left <= 30


def test_the_database_counter_keeps_its_windows_expiry(db):
    with override_settings(CACHES={"default": DATABASE}):
        cache = caches["default"]
        throttles.count_request(cache, "probe", timeout=30)
        before = database_expiry("probe")
        for _ in range(5):
            throttles.count_request(cache, "probe", timeout=3000)
        assert database_expiry("probe") == before  # the increments leave the expiry alone
        assert stored("probe") == 6


@pytest.mark.django_db(transaction=True)
def test_the_database_counts_in_one_statement():
    """A counted request is one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` (the
    cache's row cost a read and a compare-and-set), on both databases, and one round trip:
    on PostgreSQL its commit without waiting for the disk rides in the same statement (a
    ``SET LOCAL`` in a transaction of its own cost BEGIN, SET and COMMIT besides)."""
    with override_settings(CACHES={"default": DATABASE}):
        cache = caches["default"]
        throttles.count_request(cache, "probe", 60)  # the window's first: makes the row
        statements = _statements(lambda: throttles.count_request(cache, "probe", 60))
        assert stored("probe") == 2
    assert len(statements) == 1, statements
    assert "ON CONFLICT" in statements[0] and "RETURNING" in statements[0]
    assert ("synchronous_commit" in statements[0]) == (connection.vendor == "postgresql")


@pytest.mark.django_db(transaction=True)  # on PostgreSQL: the DELETE that commits unsynced
def test_a_windows_first_request_deletes_the_ended_windows_counters():
    with override_settings(CACHES={"default": DATABASE}):
        cache = caches["default"]
        throttles.count_request(cache, "throttle_token-burst_1_100", 60)
        throttles.count_request(cache, "throttle_token-burst_2_100", 60)
        RateCounter.objects.update(expires=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))  # ended
        throttles.count_request(cache, "throttle_token-burst_3_100", 60)  # still under way
        assert throttles.count_request(cache, "throttle_token-burst_1_101", 60) == 1
        assert sorted(RateCounter.objects.values_list("key", flat=True)) == [
            cache.make_and_validate_key(f"throttle_token-burst_{n}") for n in ("1_101", "3_100")
        ]
        # a request counted in a window under way deletes nothing
        throttles.count_request(cache, "throttle_token-burst_3_100", 60)
        assert RateCounter.objects.count() == 2


def test_a_backend_without_atomic_increments_counts_too(tmp_path):
    """Any other backend (here the file cache) reads and writes the counter."""
    config = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}
    with override_settings(CACHES={"default": {**config, "LOCATION": str(tmp_path)}}):
        cache = caches["default"]
        assert [throttles.count_request(cache, "probe", 60) for _ in range(3)] == [1, 2, 3]


def _statements(run) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        run()
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_the_database_counter_commits_without_waiting_for_the_disk_alone():
    """On PostgreSQL the counter's own transaction commits asynchronously (a durable commit
    waited 3.8 ms for the disk on every token request); inside a caller's transaction
    nothing is changed, so no other write loses durability. SQLite (WAL, synchronous=NORMAL)
    does not wait for the disk at a commit: nothing to change."""
    with override_settings(CACHES={"default": DATABASE}):
        cache = caches["default"]
        alone = _statements(lambda: throttles.count_request(cache, "probe", 60))
        alone += _statements(lambda: throttles.count_request(cache, "probe", 60))
        assert stored("probe") == 2
        unsynced = [sql for sql in alone if "synchronous_commit" in sql]
        if connection.vendor == "postgresql":
            # the window's first request (its INSERT and its DELETE of ended windows), then
            # the second's INSERT: each statement commits unsynced, in one round trip
            assert unsynced == alone and len(alone) == 3
            with connection.cursor() as cursor:
                # a statement that reads from the row source runs with the setting off
                # (its commit is when PostgreSQL reads it) ...
                cursor.execute(
                    f"SELECT current_setting('synchronous_commit') FROM {throttles.UNSYNCED}"
                )
                assert cursor.fetchone()[0] == "off"
                # ... and the setting ends with that statement's transaction
                cursor.execute("SHOW synchronous_commit")
                assert cursor.fetchone()[0] == "on"
        else:
            assert unsynced == []
        with transaction.atomic():
            inside = _statements(lambda: throttles.count_request(cache, "probe", 60))
        assert not any("synchronous_commit" in sql for sql in inside)
        assert stored("probe") == 3
