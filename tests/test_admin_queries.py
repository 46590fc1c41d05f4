"""Changelists run the same number of SQL queries at N and 3N rows (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio.models import Startup
from tests.support.admin import MODELS, admin_url
from tests.support.clients import login
from tests.support.worlds import make_world

N = 2


def count_queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["incubator-staff", "fund-managers"], indirect=True)
def test_changelist_queries_do_not_grow_with_rows(persona):
    client = login(persona)
    for _ in range(N):
        make_world()
    urls = [admin_url(model, "changelist") for model in MODELS]
    client.get(urls[0])  # warm the session and permission caches
    small = {url: count_queries(client, url) for url in urls}
    for _ in range(2 * N):
        make_world()
    large = {url: count_queries(client, url) for url in urls}
    assert large == small
    assert Startup.objects.count() == 2 * 3 * N  # each world: its startup and a graduate


def test_filtered_and_searched_startup_list_is_constant_too(staff_user):
    client = login(staff_user)
    url = admin_url(Startup, "changelist")
    params = {"q": "量子", "tech_area__exact": "computing", "valley": "before"}
    make_world()
    client.get(url)
    small = count_queries(client, url, params)
    for _ in range(2):
        make_world()
    assert count_queries(client, url, params) == small
