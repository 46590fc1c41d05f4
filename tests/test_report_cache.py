"""The report cache (issue 17; ``portfolio/selectors/report_cache.py``, migration 0033):
every kind of write changes the data version, so no answer is stale; the same request twice
is answered from the cache; a rolled-back write leaves nothing to serve; the switch off
computes every time. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import zlib
from decimal import Decimal
from unittest import mock

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from portfolio import services
from portfolio.models import Disbursement, Fund, LpCommitment, ValuationMark
from portfolio.selectors import report_cache
from tests.support import factories, worlds
from tests.support.caches import DATABASE_CACHE
from tests.support.clients import login
from tests.support.factories import make_user

pytestmark = pytest.mark.django_db
# the module (``selectors.fund_report`` is the function of the same name)
fund_report_module = importlib.import_module("portfolio.selectors.fund_report")

#: model tables of the portfolio app that have no data version, each for a reason: no
#: report reads them (migration 0033's docstring). A new model lands here only on purpose.
UNVERSIONED = {
    "portfolio_apitoken",  # API tokens: who may call, never what a report says
    "portfolio_session",  # browser sessions: a login must not make every report stale
    "portfolio_ratecounter",  # the API's rate-limit counts: every token request writes one
}


def versioned_tables() -> list[str]:
    tables = {
        model._meta.db_table
        for model in apps.get_app_config("portfolio").get_models(include_auto_created=True)
    }
    # the history (simple_history's tables): who changed what, read by no report
    return sorted(t for t in tables - UNVERSIONED if not t.startswith("portfolio_historical"))


def tokens() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(report_cache.VERSION_SQL)
        return dict(cursor.fetchall())


def triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {name for (name,) in cursor.fetchall()}


def test_every_model_table_has_a_token_and_its_triggers():
    kinds = ("insert", "update", "delete") + (
        ("truncate",) if connection.vendor == "postgresql" else ()
    )
    known, present = tokens(), triggers()
    missing = [
        f"{table}_version_{kind}"
        for table in versioned_tables()
        for kind in kinds
        if f"{table}_version_{kind}" not in present
    ]
    assert not missing, "a model table without its data-version triggers (migration 0033)"
    assert sorted(known) == versioned_tables()


def test_a_write_to_every_table_changes_its_token():
    worlds.make_world()
    changed = []
    for table in versioned_tables():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (a model's table)
            if not cursor.fetchone()[0]:
                continue
            before = tokens()[table]
            cursor.execute(f"UPDATE {table} SET id = id")  # noqa: S608
            assert tokens()[table] != before, table
            changed.append(table)
    assert len(changed) >= 40  # the world has a row in nearly every table


@pytest.fixture
def fund():
    world = worlds.make_world()
    return world.fund


@pytest.fixture
def client():
    return login(make_user("superuser"))


def report(client, fund: Fund) -> dict:
    response = client.get(f"/api/v1/funds/{fund.pk}/report/?as_of=2024-12-31")
    assert response.status_code == 200
    return json.loads(response.content)


def unrealized(client, fund) -> str:
    return report(client, fund)["unrealized"]


def test_the_same_request_twice_is_answered_from_the_cache(client, fund):
    first = client.get(f"/api/v1/funds/{fund.pk}/report/?as_of=2024-12-31").content
    with (
        mock.patch.object(fund_report_module, "_fund_report") as compute,
        CaptureQueriesContext(connection) as queries,
    ):
        again = client.get(f"/api/v1/funds/{fund.pk}/report/?as_of=2024-12-31").content
    compute.assert_not_called()
    assert again == first
    # the session with its user, the fund, the data version (the cache is in memory in tests)
    assert len(queries) <= 3, [q["sql"] for q in queries]


def test_another_date_or_fund_is_another_entry(client, fund):
    before = report(client, fund)
    other = report(client, factories.FundFactory())
    assert other["committed"] != before["committed"]
    earlier = client.get(f"/api/v1/funds/{fund.pk}/report/?as_of=2024-01-01")
    assert json.loads(earlier.content)["committed"] != before["committed"]


def test_a_write_through_a_service_shows_at_once(client, fund):
    before = report(client, fund)
    services.valuation_mark(
        fund=fund,
        startup=fund.commitments.get().startup,
        as_of=dt.date(2024, 7, 31),
        fair_value=Decimal("9000000"),
        method="recent_round",
    )
    assert report(client, fund)["unrealized"] != before["unrealized"]


def test_an_orm_save_shows_at_once(client, fund):
    before = unrealized(client, fund)
    mark = ValuationMark.objects.get(fund=fund)
    mark.fair_value = Decimal("7000000")
    mark.save()  # as the admin's form saves a row without a service
    assert unrealized(client, fund) != before


def test_a_queryset_update_shows_at_once(client, fund):
    before = unrealized(client, fund)
    ValuationMark.objects.filter(fund=fund).update(fair_value=Decimal("6000000"))
    assert unrealized(client, fund) != before


def test_raw_sql_shows_at_once(client, fund):
    before = report(client, fund)["disbursed"]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE portfolio_disbursement SET amount = amount + 1")
    assert report(client, fund)["disbursed"] != before


def test_a_write_to_the_fund_row_shows_at_once(client, fund):
    before = report(client, fund)["available"]
    Fund.objects.filter(pk=fund.pk).update(size=fund.size * 2)
    assert report(client, fund)["available"] != before


def test_a_rolled_back_write_leaves_no_stale_answer(client, fund):
    before = report(client, fund)
    with pytest.raises(RuntimeError), transaction.atomic():
        Disbursement.objects.update(amount=Decimal("1.00"))
        inside = report(client, fund)  # computed and stored under the transaction's tokens
        assert inside["disbursed"] != before["disbursed"]
        raise RuntimeError
    assert report(client, fund) == before
    # a later write draws new random tokens: never the rolled-back transaction's
    Disbursement.objects.update(amount=Decimal("2.00"))
    assert report(client, fund)["disbursed"] not in (before["disbursed"], inside["disbursed"])


def test_the_switch_off_computes_every_time(client, fund, settings):
    settings.REPORT_CACHE = False
    real = fund_report_module._fund_report
    with mock.patch.object(fund_report_module, "_fund_report", side_effect=real) as compute:
        first = report(client, fund)
        again = report(client, fund)
    assert compute.call_count == 2
    assert first == again


def test_the_switch_on_computes_once(client, fund):
    real = fund_report_module._fund_report
    with mock.patch.object(fund_report_module, "_fund_report", side_effect=real) as compute:
        report(client, fund)
        report(client, fund)
    assert compute.call_count == 1


def test_the_language_is_part_of_the_key(fund):
    with translation.override("en"):
        english = report_cache.key("x", (fund.pk,))
    with translation.override("zh-hans"):
        chinese = report_cache.key("x", (fund.pk,))
    assert english != chinese


def test_a_cached_answer_is_the_computed_one_for_every_report(client, fund, settings):
    """Each cached report's second answer (from the cache) is byte for byte its first
    (computed), and the same as with the cache off."""
    urls = [
        f"/api/v1/funds/{fund.pk}/report/",
        f"/api/v1/funds/{fund.pk}/holdings/",
        f"/api/v1/funds/{fund.pk}/policy/",
        f"/api/v1/funds/{fund.pk}/investees/",
        f"/api/v1/funds/{fund.pk}/lp-report/",
        f"/api/v1/funds/{fund.pk}/capital-accounts/?start=2024-01-01&end=2024-12-31",
        "/api/v1/reports/pipeline/",
        "/api/v1/reports/valley/",
        "/api/v1/reports/impact/?year=2024",
    ]
    for url in urls:
        first, again = client.get(url), client.get(url)
        assert first.status_code == 200, url
        assert again.content == first.content, url
    settings.REPORT_CACHE = False
    for url in urls:
        assert client.get(url).content == client.get(url).content, url


@pytest.mark.parametrize(
    "page", ["/dashboard/", "/dashboard/funds/{fund}/", "/dashboard/funds/{fund}/lps/"]
)
def test_a_dashboard_page_reads_less_the_second_time(client, fund, page):
    url = page.format(fund=fund.pk)
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    assert len(warm) < len(cold)


def test_a_dashboard_page_shows_a_write_at_once(client, fund):
    """The fund page's cached board (its tiles and tables, below the page head, which has a
    per-request nonce) changes with the fund's size."""
    url = f"/dashboard/funds/{fund.pk}/"

    def board() -> bytes:
        return client.get(url).content.split(b'<section class="tiles"', 1)[1]

    before = board()
    assert board() == before  # served again from the cache
    Disbursement.objects.filter(commitment__fund=fund).update(amount=F("amount") + 1_000_000)
    assert board() != before


def test_a_cached_overview_keeps_the_callers_filters(client, fund):
    from django.utils import timezone

    from portfolio.dashboards.data import PipelineFilters, pipeline_overview

    today = timezone.localdate()
    assert pipeline_overview(PipelineFilters()).filters.as_of is None
    assert pipeline_overview(PipelineFilters(as_of=today)).filters.as_of == today


def test_a_fund_changed_in_memory_is_another_entry(fund):
    from portfolio.selectors import fund_report

    as_of = dt.date(2024, 12, 31)
    saved = fund_report(fund, as_of)
    fund.size = fund.size * 2  # not saved: the admin's form before its checks, a test
    assert fund_report(fund, as_of).available != saved.available
    assert fund_report(fund, as_of).fund is fund


def test_the_lp_pages_tables_come_from_the_cache_and_follow_a_money_write(client, fund):
    """The LP page's figures and tables are HTML kept in the cache (nothing in them is per
    user): the second view neither computes nor renders them, and a changed commitment
    shows at once."""
    url = f"/dashboard/funds/{fund.pk}/lps/"
    first = client.get(url).content
    with (
        mock.patch("portfolio.selectors.lp_report.capital_calls") as calls,
        mock.patch("portfolio.selectors.lp_report._lp_report") as compute,
    ):
        again = client.get(url).content
    calls.assert_not_called()
    compute.assert_not_called()
    tables = first.split(b'<section class="tiles"', 1)[1]  # the head has a per-request nonce
    assert again.split(b'<section class="tiles"', 1)[1] == tables
    LpCommitment.objects.filter(fund=fund).update(amount=F("amount") + 1_000_000)
    after = client.get(url).content.split(b'<section class="tiles"', 1)[1]
    assert after != tables
    assert b'id="lp-committed"' in after


def test_the_database_cache_keeps_no_expired_report(client, fund, settings):
    """Each write makes new entries; Django's database cache deletes expired rows only past
    MAX_ENTRIES, so a miss deletes them before storing (an older version is never read)."""
    settings.CACHES = {"default": DATABASE_CACHE}
    from django.core.cache import caches

    caches["default"].clear()
    url = f"/api/v1/funds/{fund.pk}/report/?as_of=2024-12-31"
    table = connection.ops.quote_name(settings.CACHE_TABLE)

    def entries() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            return cursor.fetchone()[0]

    assert client.get(url).status_code == 200
    assert entries() == 1
    with connection.cursor() as cursor:  # the entry has expired
        cursor.execute(
            f"UPDATE {table} SET expires = %s",  # noqa: S608
            [connection.ops.adapt_datetimefield_value(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))],
        )
    Fund.objects.filter(pk=fund.pk).update(name="另一个名字")  # another data version
    assert client.get(url).status_code == 200
    assert entries() == 1  # the expired entry went when the new one was stored
    caches["default"].clear()


@pytest.mark.parametrize(
    ("url", "selector", "part"),
    [
        ("/api/v1/reports/valley/", "valley_report", "groups"),
        ("/api/v1/reports/incubation/?year=2024", "torch_return", "incubator"),
    ],
)
def test_a_big_answer_is_served_from_its_kept_bytes(client, settings, url, selector, part):
    """The valley report and the statistics return keep their compact JSON's bytes: served
    again without computing, the same bytes; an indented answer and the browsable API are
    written from the data, and the cache off gives the same bytes too."""
    worlds.make_world()
    first = client.get(url)
    assert first.status_code == 200
    assert json.loads(first.content)[part]
    with (
        mock.patch(f"portfolio.selectors.{selector}") as compute,
        mock.patch("portfolio.api.renderers.orjson.dumps") as write,
    ):
        again = client.get(url)
    compute.assert_not_called()
    write.assert_not_called()  # the kept bytes, not the data written again
    indented = client.get(url, HTTP_ACCEPT="application/json; indent=2")
    page = client.get(url, HTTP_ACCEPT="text/html")
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] == "application/json"
    assert indented.content != first.content
    assert json.loads(indented.content) == json.loads(first.content)
    assert page.status_code == 200
    assert b"<html" in page.content
    settings.REPORT_CACHE = False
    assert client.get(url).content == first.content


def test_kept_bytes_are_stored_compressed_and_read_back_whole():
    """``cached_bytes`` keeps an answer's bytes zlib-compressed under a name of their own
    (``:zlib``); every read gives the computed bytes back, and an entry of the bytes as
    they were, under the name without ``:zlib`` (before the compression), is never read."""
    from django.core.cache import cache

    body = json.dumps(
        [{"startup": {"id": i, "name": f"初创{i}"}, "column": "revenue"} for i in range(2000)],
        ensure_ascii=False,
    ).encode()
    computed = []

    def compute() -> bytes:
        computed.append(1)
        return body

    assert report_cache.cached_bytes("kept-bytes", (1,), compute) == body
    assert report_cache.cached_bytes("kept-bytes", (1,), compute) == body
    assert len(computed) == 1
    stored = cache.get(report_cache.key("kept-bytes:zlib", (1,)))
    assert len(stored) * 10 < len(body)
    assert zlib.decompress(stored) == body
    cache.set(report_cache.key("kept-bytes", (2,)), b"the bytes as they were kept before")
    assert report_cache.cached_bytes("kept-bytes", (2,), compute) == body
    assert len(computed) == 2
