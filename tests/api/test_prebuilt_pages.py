"""Unfiltered list pages read through a query compiled once (``prebuilt.page_values``) and
counted by a plain ``COUNT(*)`` (``selectors.counts``; issue 17, items 3 and 6): the same
rows and count as the ORM's query, on every list and ordering; filtered, searched and
founders' pages still built by the ORM."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from django.db.models import QuerySet
from django.test import Client

from portfolio import models, prebuilt, selectors
from portfolio.api import rows
from portfolio.api.urls import router
from portfolio.api.views import ApiViewSet
from portfolio.models import Startup, specs
from portfolio.selectors.counts import unfiltered_rows
from tests.support import factories
from tests.support.founders import make_founder

pytestmark = pytest.mark.django_db


def counting_values_list():
    """``QuerySet.values_list`` wrapped to count the ORM-built page queries."""
    return mock.patch.object(
        QuerySet, "values_list", autospec=True, side_effect=QuerySet.values_list
    )


def prebuilt_runs():
    """``PrebuiltPage.rows`` wrapped to count the pages read through a compiled query."""
    return mock.patch.object(
        prebuilt.PrebuiltPage, "rows", autospec=True, side_effect=prebuilt.PrebuiltPage.rows
    )


@pytest.mark.slow
def test_every_list_page_is_the_orm_page(client: Client):
    """On the demo data, every list's pages (first, a middle one, another ordering) and
    count are those the ORM builds, byte for byte."""
    call_command("seed_demo", verbosity=0)
    client.force_login(get_user_model().objects.create_superuser("pages", "p@example.com", None))
    compared = 0
    for prefix, viewset, _basename in router.registry:
        base = f"/api/v1/{prefix}/"
        queries = [""]
        if client.get(base).json()["count"] > 3:
            queries.append("?page=2&page_size=3")
        for field in list(getattr(viewset, "ordering_fields", None) or [])[:2]:
            queries.append(f"?ordering=-{field}&page_size=4")
        for query in queries:
            fast = client.get(base + query)
            with mock.patch.object(ApiViewSet, "page_key", return_value=None):
                built = client.get(base + query)
            assert fast.status_code == built.status_code == 200, base + query
            assert fast.content == built.content, base + query
            compared += 1
        queryset = viewset.queryset.all()
        assert unfiltered_rows(queryset) in (None, queryset.count()), prefix
    assert compared > 100


def test_a_page_is_compiled_once_per_ordering(client: Client):
    connections["default"].__dict__.pop("_prebuilt_pages", None)  # compiled by an earlier test
    for n in range(5):
        factories.StartupFactory(name=f"初创{n}")
    client.force_login(get_user_model().objects.create_superuser("pages", "p@example.com", None))
    first = client.get("/api/v1/startups/?page=2&page_size=2").json()
    with counting_values_list() as built:
        again = client.get("/api/v1/startups/?page=2&page_size=2").json()
        other_page = client.get("/api/v1/startups/?page=3&page_size=2").json()
    assert again == first
    assert built.call_count == 0  # the page query was compiled by the first request
    assert [row["name"] for row in other_page["results"]] == ["初创4"]  # by name
    with counting_values_list() as built:
        newest = client.get("/api/v1/startups/?ordering=-id&page_size=2").json()
    assert built.call_count == 1  # another ordering: compiled once more
    assert [row["name"] for row in newest["results"]] == ["初创4", "初创3"]


def test_filtered_searched_and_founders_pages_are_built_by_the_orm(client: Client):
    startups = [factories.StartupFactory(name=f"初创{n}") for n in range(3)]
    client.force_login(get_user_model().objects.create_superuser("pages", "p@example.com", None))
    with prebuilt_runs() as ran:
        client.get("/api/v1/startups/")
    assert ran.call_count == 1  # the same list unfiltered: compiled
    with prebuilt_runs() as ran:
        found = client.get("/api/v1/startups/?search=初创1").json()
    assert ran.call_count == 0
    assert [row["name"] for row in found["results"]] == ["初创1"]
    assert found["count"] == 1
    founder = Client()
    founder.force_login(make_founder(startups[2]))
    with prebuilt_runs() as ran:
        own = founder.get("/api/v1/startups/").json()
    assert ran.call_count == 0
    assert [row["id"] for row in own["results"]] == [startups[2].pk]
    assert own["count"] == 1


def test_page_values_runs_the_orm_without_a_key_or_with_a_where():
    connections["default"].__dict__.pop("_prebuilt_pages", None)
    for n in range(3):
        factories.StartupFactory(name=f"初创{n}")
    page = Startup.objects.order_by("-id")[1:3]
    expected = list(page.values_list("id", "name"))
    assert prebuilt.page_values(page, ("id", "name"), key="test") == expected
    assert len(connections["default"].__dict__["_prebuilt_pages"]) == 1
    assert prebuilt.page_values(page, ("id", "name"), key="test") == expected
    connections["default"].__dict__.pop("_prebuilt_pages")
    with counting_values_list() as built:
        assert prebuilt.page_values(page, ("id", "name")) == expected  # no key
        filtered = Startup.objects.filter(name="初创0").order_by("id")[:5]
        assert prebuilt.page_values(filtered, ("name",), key="test") == [("初创0",)]
    assert built.call_count == 2
    assert "_prebuilt_pages" not in connections["default"].__dict__


def test_a_prebuilt_statements_placeholders_are_named_once():
    """``prebuilt.named``: each ``%s`` becomes ``%(pN)s`` in order, a literal ``%%s`` (a
    per-cent sign then an ``s``) stays as it is, and a count that does not match is refused."""
    sql, params = prebuilt.named("SELECT %s, '100%%s', x LIKE %s LIMIT %s", ["a", "b%", 3])
    assert sql == "SELECT %(p0)s, '100%%s', x LIKE %(p1)s LIMIT %(p2)s"
    assert params == {"p0": "a", "p1": "b%", "p2": 3}
    with pytest.raises(ValueError):
        prebuilt.named("SELECT %s", ["a", "b"])


def test_a_named_statement_runs_as_the_original_on_this_database():
    startups = [factories.StartupFactory(name=f"命名 {n}") for n in range(3)]
    with connections["default"].cursor() as cursor:
        cursor.execute(
            *prebuilt.named(
                "SELECT name FROM portfolio_startup WHERE name LIKE %s AND id > %s "
                "ORDER BY name LIMIT %s",
                ["命名%", startups[0].pk, 5],
            )
        )
        assert [name for (name,) in cursor.fetchall()] == ["命名 1", "命名 2"]


def test_a_prebuilt_pages_dates_are_not_parsed_and_written_as_the_orms():
    """A page read through the prebuilt query keeps no date parsing among its converters
    (``prebuilt._without_date_parsing``: on SQLite a date then comes as its ISO text, the
    last round's date too, a computed column), and its JSON rows are those of the ORM's
    page, whose dates are parsed, to the byte."""
    connection = connections["default"]
    connection.__dict__.pop("_prebuilt_pages", None)
    startup = factories.StartupFactory(
        name="日期", founded_on=dt.date(2021, 3, 4), admitted_on=None
    )
    factories.FundingRoundFactory(startup=startup, closed_on=dt.date(2023, 5, 6))
    page = selectors.startup_list().order_by("name")[0:10]
    prebuilt_rows = rows.json_rows(specs.STARTUP, page, key="dates")
    orm_rows = rows.json_rows(specs.STARTUP, page, key=None)
    assert prebuilt_rows == orm_rows
    assert (prebuilt_rows[0]["founded_on"], prebuilt_rows[0]["last_round_on"]) == (
        "2021-03-04",
        "2023-05-06",
    )
    (built,) = connection.__dict__["_prebuilt_pages"].values()
    parse = getattr(connection.ops, "convert_datefield_value", None)
    kept = [f for functions, _expression in built.converters.values() for f in functions]
    assert parse not in kept
    orm = page.values_list(*specs.STARTUP.values).query.get_compiler(connection=connection)
    orm.setup_query()
    parsed = [
        f for fs, _e in orm.get_converters([c for c, _s, _a in orm.select]).values() for f in fs
    ]
    assert (parse in parsed) == (connection.vendor == "sqlite")  # what the ORM's page parses


def test_a_prebuilt_page_reads_sqlites_dates_as_stored():
    """On SQLite the prebuilt page reads a date column through an expression
    (``prebuilt._dates_as_stored``), so the sqlite3 module does not parse it: the row holds
    the stored ISO text, and the JSON row is the ORM's. A date reached through a relation is
    one too; an annotation or a text field is not. On PostgreSQL the driver's dates are
    kept."""
    connection = connections["default"]
    connection.__dict__.pop("_prebuilt_pages", None)
    startup = factories.StartupFactory(
        name="存储", founded_on=dt.date(2021, 1, 2), admitted_on=dt.date(2022, 7, 8)
    )
    page = selectors.startup_list().order_by("name")[0:10]
    columns = ("id", "founded_on", "admitted_on", "stage__name", "total_raised")
    (row,) = prebuilt.page_values(page, columns, key="stored")
    stored = connection.vendor == "sqlite"
    expected = ("2021-01-02", "2022-07-08") if stored else (startup.founded_on, startup.admitted_on)
    assert row[1:3] == expected
    assert prebuilt._is_date_field(Startup, "founded_on")
    assert prebuilt._is_date_field(models.KpiReport, "startup__admitted_on")
    assert not prebuilt._is_date_field(Startup, "stage__name")
    assert not prebuilt._is_date_field(Startup, "last_round_on")  # an annotation
    assert rows.json_rows(specs.STARTUP, page, key="stored") == rows.json_rows(
        specs.STARTUP, page, key=None
    )
