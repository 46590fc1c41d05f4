"""Shared fixtures: one persona per role, and small domain objects. Helpers and worlds live in
``tests/support/``; this file holds fixtures only."""

from __future__ import annotations

import math
import time

import pytest
from django.utils import translation

from tests.support import factories


@pytest.fixture(autouse=True)
def english():
    """Tests read messages in English unless they switch language themselves; the product's
    default (Chinese) is tested explicitly in test_i18n.py."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """API rate-limit counters live in the cache; each test starts with none, and with no
    slots of them reserved by this process (``throttles.Reservations``)."""
    from django.core.cache import cache

    from portfolio.api.throttles import RESERVATIONS

    cache.clear()
    RESERVATIONS.clear()
    yield


@pytest.fixture
def report_cache_off(settings):
    """Reports computed on every call (``REPORT_CACHE``): for the tests that count or time
    what computing a report costs, not what serving it from the cache costs (the cache
    itself: tests/test_report_cache.py). The autouse ``fresh_rate_limits`` empties the
    cache before every test, reports included."""
    settings.REPORT_CACHE = False


@pytest.fixture(autouse=True)
def throttle_clock_from_a_window_start(monkeypatch):
    """Rate limits count in windows aligned on the clock (portfolio/api/throttles.py). Each
    test's throttle clock starts at the start of a day (so of a minute and an hour too) and
    runs on from there, so a test that makes N+1 requests in a few seconds never sees a
    window end between them. Tests of the windows set their own clock."""
    from portfolio.api.throttles import SettingsRateThrottle

    started = time.time()
    day = 86400 * math.floor(started / 86400)
    monkeypatch.setattr(
        SettingsRateThrottle, "timer", staticmethod(lambda: day + (time.time() - started))
    )


@pytest.fixture(autouse=True)
def evidence_store(tmp_path_factory, settings):
    """Evidence files go to a fresh private folder per test, never to ``var/evidence``."""
    location = tmp_path_factory.mktemp("evidence") / "store"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "portfolio.evidence_storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_superuser=True)


@pytest.fixture
def viewer(db):
    return factories.UserFactory(username="viewer", role="viewers")


@pytest.fixture
def staff_user(db):
    return factories.UserFactory(username="staff", role="incubator-staff")


@pytest.fixture
def fund_manager(db):
    return factories.UserFactory(username="manager", role="fund-managers")


@pytest.fixture
def persona(request, db):
    """A user for the role named by the test's parameter ("anonymous" gives None)."""
    return factories.make_user(request.param)


@pytest.fixture
def fund(db):
    return factories.FundFactory()


@pytest.fixture
def startup(db):
    return factories.StartupFactory()


def pytest_collection_modifyitems(items):
    """Transactional tests (threads, live servers) flush the database when they end, which
    would also remove the rows the data migrations installed (stages, roles). Ask for
    serialized rollback so Django reloads them before each such test."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = (
            (marker is not None and marker.kwargs.get("transaction"))
            or "live_server" in item.fixturenames
            or "transactional_db" in item.fixturenames
        )
        if transactional:
            kwargs = dict(marker.kwargs) if marker is not None else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
