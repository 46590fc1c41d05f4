"""An unfiltered list's page reads its ``count`` in its own query (``RowsPaginator.page``,
``prebuilt.counting``): one round trip to the database fewer, the same answer as counting
apart, and every page number that is not a page still refused as Django refuses it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio.models import Mentor
from tests.support import factories
from tests.support.clients import token_client
from tests.support.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    client = token_client(make_user("viewers"))
    client.get("/api/v1/")  # the token's first use writes last_used_at
    return client


def page_queries(client, url, params):
    with CaptureQueriesContext(connection) as seen:
        response = client.get(url, params)
    sql = [query["sql"] for query in seen.captured_queries]
    return response, [s for s in sql if "COUNT(" in s.upper() or "row_count" in s]


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/api/v1/mentors/", factories.MentorFactory),  # counted by COUNT(*)
        ("/api/v1/startups/", factories.StartupFactory),  # counted by the kept count
    ],
)
def test_the_page_and_its_count_come_in_one_query(client, url, make):
    make.create_batch(7)
    response, counting = page_queries(client, url, {"page_size": 3, "page": 2})
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 7
    assert len(body["results"]) == 3
    assert body["next"] and body["previous"]
    assert len(counting) == 1 and "LIMIT" in counting[0].upper()  # the page's own query
    last, _ = page_queries(client, url, {"page_size": 3, "page": 3})
    assert [len(last.json()["results"]), last.json()["next"]] == [1, None]


def test_a_filtered_page_still_counts_apart(client):
    factories.MentorFactory.create_batch(3, kind="investor")
    response, counting = page_queries(client, "/api/v1/mentors/", {"kind": "investor"})
    assert response.json()["count"] == 3
    assert len(counting) == 1 and "LIMIT" not in counting[0].upper()


def test_an_empty_list_counts_none_in_its_first_page(client):
    assert not Mentor.objects.exists()
    response, counting = page_queries(client, "/api/v1/mentors/", {})
    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert len(counting) == 1 and "LIMIT" in counting[0].upper()


@pytest.mark.parametrize("page", ["3", "0", "-1", "x", "1.5", "²", "99999999999999999999"])
def test_a_page_that_is_not_a_page_is_refused_as_before(client, page):
    factories.MentorFactory.create_batch(4)
    response = client.get(
        "/api/v1/mentors/", {"page_size": 2, "page": page}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "Invalid page."


def test_the_last_page_word_still_works(client):
    factories.MentorFactory.create_batch(5)
    body = client.get("/api/v1/mentors/", {"page_size": 2, "page": "last"}).json()
    assert body["count"] == 5 and len(body["results"]) == 1


def test_the_count_is_converted_once_not_on_every_row(client):
    """The count rides on every row of the page's query; it is read (as an ``int``) from the
    first only, so the page keeps no converter for that column: a mentors page, whose own
    columns need none on PostgreSQL, is not walked row by row (50 calls of Django's
    ``apply_converters`` on a 50-row page, bar P2)."""
    from django.db import connections

    connections["default"].__dict__.pop("_prebuilt_pages", None)
    factories.MentorFactory.create_batch(4)
    response, counting = page_queries(client, "/api/v1/mentors/", {"page_size": 3})
    assert response.json()["count"] == 4 and len(counting) == 1
    (page,) = connections["default"].__dict__["_prebuilt_pages"].values()
    assert page.counted
    assert len(page.compiler.select) - 1 not in page.converters  # the count's column
    if connection.vendor == "postgresql":  # SQLite's booleans are converted
        assert page.converters == {}
    rows, count = page.rows(0, 3)
    assert type(count) is int and count == 4
    assert len(rows) == 3 and all(len(row) == len(rows[0]) for row in rows)
