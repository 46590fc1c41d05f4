"""The funding rounds' kept row count (migration 0031, bar P8): triggers keep it equal to
``COUNT(*)`` through every kind of write, and an unfiltered page of the list answers its
``count`` from it (a filtered one counts)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F, ProtectedError
from django.test.utils import CaptureQueriesContext

from portfolio.models import FundingRound, Startup
from portfolio.selectors.counts import COUNTED, unfiltered_rows
from tests.support import factories
from tests.support.clients import token_client
from tests.support.factories import make_user

pytestmark = pytest.mark.django_db


def kept() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rows FROM portfolio_row_count WHERE table_name = 'portfolio_fundinground'"
        )
        return cursor.fetchone()[0]


def test_the_count_follows_every_kind_of_write():
    startup = factories.StartupFactory()
    assert kept() == FundingRound.objects.count()
    factories.FundingRoundFactory(startup=startup)
    FundingRound.objects.bulk_create(
        FundingRound(
            startup=startup, round_type="seed", amount=Decimal(n), closed_on=dt.date(2024, 1, n)
        )
        for n in range(1, 6)
    )
    assert kept() == FundingRound.objects.count() == 6
    FundingRound.objects.filter(amount__lt=3).delete()
    assert kept() == FundingRound.objects.count() == 4
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM portfolio_fundinground WHERE amount = 3")
    assert kept() == FundingRound.objects.count() == 3
    FundingRound.objects.filter(startup=startup).delete()  # the rounds' own delete
    assert kept() == FundingRound.objects.count() == 0


def test_a_rolled_back_write_is_not_counted():

    startup = factories.StartupFactory()
    before = kept()
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.FundingRoundFactory(startup=startup)
        raise RuntimeError
    assert kept() == before == FundingRound.objects.count()


def test_only_a_whole_table_is_read_from_the_count():
    startup = factories.StartupFactory()
    factories.FundingRoundFactory(startup=startup)
    assert unfiltered_rows(FundingRound.objects.select_related("startup").order_by("-id")) == 1
    assert unfiltered_rows(FundingRound.objects.filter(startup=startup)) is None
    assert unfiltered_rows(FundingRound.objects.distinct()) is None
    assert unfiltered_rows(FundingRound.objects.all()[:1]) is None
    # a table whose count is not kept: a plain COUNT(*) (issue 17, item 6)
    assert unfiltered_rows(Startup.objects.all()) == Startup.objects.count() == 1
    # a join of the query's own (it could repeat rows): the ORM's count
    assert unfiltered_rows(FundingRound.objects.annotate(n=F("startup__name"))) is None
    assert unfiltered_rows([1, 2]) is None


def test_the_list_answers_the_same_count_without_counting(db):
    startup = factories.StartupFactory()
    for _ in range(3):
        factories.FundingRoundFactory(startup=startup)
    client = token_client(make_user("viewers"))
    client.get("/api/v1/funding-rounds/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/api/v1/funding-rounds/?page_size=2").json()
    assert page["count"] == 3 and len(page["results"]) == 2
    assert not any("COUNT(" in q["sql"].upper() for q in queries)
    filtered = client.get(f"/api/v1/funding-rounds/?startup={startup.pk}&page_size=2").json()
    assert filtered["count"] == 3


def test_emptying_the_table_empties_the_count():
    """``flush`` empties tables with TRUNCATE on PostgreSQL (a trigger of its own) and with
    DELETE on SQLite."""
    startup = factories.StartupFactory()
    factories.FundingRoundFactory(startup=startup)
    factories.FundingRoundFactory(startup=startup)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the inserts' checks done
            cursor.execute("TRUNCATE portfolio_fundinground CASCADE")
        else:
            cursor.execute("DELETE FROM portfolio_participation")  # the rounds' investors
            cursor.execute("DELETE FROM portfolio_fundinground")
    assert kept() == FundingRound.objects.count() == 0
    factories.FundingRoundFactory(startup=startup)
    assert kept() == 1


def kept_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name, rows FROM portfolio_row_count")
        return dict(cursor.fetchall())


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in COUNTED:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.slow
def test_every_counted_table_keeps_its_count_through_the_demo_and_deletes():
    """Every table ``selectors.counts`` reads a kept count of has its triggers (migrations
    0031, 0032): loading the demo data, deleting its startups (cascading to their rows) and
    a raw delete leave each kept count equal to ``COUNT(*)``."""
    assert set(kept_counts()) == COUNTED
    call_command("seed_demo", verbosity=0)
    counts = table_counts()
    assert kept_counts() == counts
    assert all(counts[table] > 0 for table in ("portfolio_startup", "portfolio_kpireport"))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM portfolio_mentoringsession")
    for startup in Startup.objects.order_by("-pk")[:3]:
        try:
            with transaction.atomic():
                startup.delete()
        except ProtectedError:
            continue
    assert kept_counts() == table_counts()
    assert table_counts()["portfolio_mentoringsession"] == 0
