"""A search of a thousand words is a clear refusal, never a 500 (issue 13, finding 8): SQLite
refuses to build the expression ("Expression tree is too large"), PostgreSQL would grind."""

from __future__ import annotations

import pytest

from portfolio import selectors
from portfolio.api.urls import router
from portfolio.models.history import AUDITED
from tests.support.admin import admin_url
from tests.support.clients import login, token_client

pytestmark = pytest.mark.django_db

MANY = " ".join(f"w{n}" for n in range(1200))
ELEVEN = " ".join(f"w{n}" for n in range(selectors.MAX_SEARCH_TERMS + 1))
TEN = " ".join(["量子"] * selectors.MAX_SEARCH_TERMS)


def searchable_lists() -> list[str]:
    return [
        f"/api/v1/{prefix}/"
        for prefix, viewset, _basename in router.registry
        if getattr(viewset, "search_fields", None)
    ]


def test_every_searchable_api_list_refuses_too_many_words(superuser, settings):
    # two exports per list, more lists than the 30 exports a minute a user may ask for
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"exports": "100000/minute", "token-burst": "100000/minute"},
    }
    client = token_client(superuser)
    urls = searchable_lists()
    assert len(urls) >= 9
    for url in urls:
        for search in (MANY, ELEVEN):
            response = client.get(url, {"search": search})
            assert response.status_code == 400, (url, response.status_code)
            assert "search" in response.json(), url
        for fmt in ("csv", "xlsx"):
            response = client.get(url, {"search": MANY, "format": fmt})
            assert response.status_code == 400, (url, fmt)
            assert "search" in response.json(), (url, fmt)
        assert client.get(url, {"search": TEN}).status_code == 200, url


def test_every_admin_changelist_refuses_too_many_words(superuser):
    client = login(superuser)
    for model in AUDITED:
        url = admin_url(model, "changelist")
        response = client.get(url, {"q": MANY})
        assert response.status_code == 200, (model, response.status_code)
        body = response.content.decode()
        message = selectors.MSG_SEARCH_TERMS % {"max": selectors.MAX_SEARCH_TERMS}
        assert str(message) in body, model
        assert client.get(url, {"q": TEN}).status_code == 200, model
