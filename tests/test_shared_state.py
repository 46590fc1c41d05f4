"""Shared state only in shared stores (bar R12): the production configuration keeps the
cache in the database's cache table (Redis with REDIS_URL), sessions and lockouts in the
database; import previews go through that cache and rate-limit counters through it or, with
the database's cache, their own table in the same database: never a process's memory or a
server's disk. The two-server test (test_two_servers.py) shows it end to end."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings

from portfolio.models import RateCounter, Startup
from tests.support import factories
from tests.support.admin import admin_url
from tests.support.caches import DATABASE_CACHE
from tests.support.clients import login, token_client
from tests.support.spreadsheets import good_startups, to_csv

DATABASE_CACHES = {"default": DATABASE_CACHE}
PROBE = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "location": settings.CACHES["default"].get("LOCATION"),
    "sessions": settings.SESSION_ENGINE,
    "axes": settings.AXES_HANDLER,
    "client_ip": settings.AXES_CLIENT_IP_CALLABLE,
}))
"""


def production_settings(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "incubator.settings",
            "DEBUG": "0",
            "TESTING": "0",
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_keeps_shared_state_in_the_database():
    result = production_settings()
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found == {
        "cache": "django.core.cache.backends.db.DatabaseCache",
        "location": "django_cache",
        "sessions": "portfolio.session_auth",  # Django's database sessions, prebuilt read
        "axes": "axes.handlers.database.AxesDatabaseHandler",
        "client_ip": "portfolio.security.client_address",
    }


def test_redis_url_selects_redis():
    """The `redis` package is in the lock files, so REDIS_URL switches the cache to Redis."""
    result = production_settings(REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_migrate_creates_the_cache_table(db):
    assert settings.CACHE_TABLE in connection.introspection.table_names()


def cache_rows(pattern: str) -> int:
    table = connection.ops.quote_name(settings.CACHE_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE cache_key LIKE %s", [pattern])  # noqa: S608
        return cursor.fetchone()[0]


@override_settings(
    CACHES=DATABASE_CACHES,
    REST_FRAMEWORK={
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"exports": "3/minute", "token-burst": "300/minute"},
    },
)
def test_export_limit_is_counted_in_the_shared_table(db):
    from django.core.cache import cache

    cache.clear()
    user = factories.make_user("viewers")
    scripts = [token_client(user), token_client(user)]  # two processes of one user
    statuses = [
        scripts[n % 2].get("/api/v1/stages/", {"format": "csv"}).status_code for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # one counter in the database (its own table beside the cache table's), none in the
    # cache table; the refusal found the count spent and wrote nothing (throttles.Reservations)
    assert RateCounter.objects.filter(key__contains="throttle_exports").get().count == 3
    assert cache_rows("%throttle%") == 0


@override_settings(CACHES=DATABASE_CACHES)
def test_import_preview_is_kept_in_the_shared_cache_not_on_disk(staff_user):
    from django.core.cache import cache

    cache.clear()
    factories.InstitutionFactory(name="清华大学", name_en="Tsinghua University")
    old_folder = Path(tempfile.gettempdir()) / "incubator-imports"
    before = set(old_folder.glob("*")) if old_folder.exists() else set()
    client = login(staff_user)
    url = admin_url(Startup, "import")
    preview = client.post(url, {"file": SimpleUploadedFile("s.csv", to_csv(good_startups()))})
    token = preview.context["token"]
    assert token
    assert cache_rows("%import-preview%") == 1
    after = set(old_folder.glob("*")) if old_folder.exists() else set()
    assert after == before
    # someone else's session cannot confirm it
    other = login(factories.UserFactory(username="other", role="incubator-staff"))
    assert other.post(url, {"token": token}).status_code == 302
    assert not Startup.objects.exists()
    assert client.post(url, {"token": token}).status_code == 302
    assert Startup.objects.count() == 3
    assert cache_rows("%import-preview%") == 0


@override_settings(CACHES=DATABASE_CACHES)
def test_an_evicted_preview_asks_for_the_file_again(staff_user):
    from django.core.cache import cache

    factories.InstitutionFactory(name="清华大学", name_en="Tsinghua University")
    client = login(staff_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = admin_url(Startup, "import")
    preview = client.post(url, {"file": SimpleUploadedFile("s.csv", to_csv(good_startups()))})
    cache.clear()
    response = client.post(url, {"token": preview.context["token"]}, follow=True)
    assert "upload the file again" in response.content.decode()
    assert not Startup.objects.exists()


@pytest.mark.parametrize("page", ["login", "admin:login"])
def test_lockouts_live_in_the_database(db, page):
    from axes.models import AccessAttempt
    from django.urls import reverse

    factories.UserFactory(username="staff", role="incubator-staff")
    for _ in range(5):
        login(None).post(reverse(page), {"username": "staff", "password": "wrong"})
    assert AccessAttempt.objects.get(username="staff").failures_since_start == 5
