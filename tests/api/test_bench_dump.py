"""The benchmark measures what it says: the database's own CSV dump runs the very query the
CSV export of the funding rounds sends (bar P4); P2's page and baseline are timed in turn."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portfolio.bench import harness as bench
from portfolio.models import FundingRound
from tests.support.clients import token_client
from tests.support.factories import make_user


def literal(sql: str, params: tuple) -> str:
    if connection.vendor == "sqlite":
        return bench.sqlite_literal_sql(sql, params)
    return connection.ops.compose_sql(sql, params)


def test_dump_runs_the_query_the_export_sends(world):
    client = token_client(make_user("fund-managers"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/funding-rounds/", {"format": "csv"})
        body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "IDG资本: 60000000.00; 北京市机器人基金: 40000000.00" in body
    rounds = [q["sql"] for q in captured.captured_queries if "portfolio_fundinground" in q["sql"]]
    assert len(rounds) == 1, rounds  # rounds and participants in one query
    # PostgreSQL reads it through a server-side cursor: DECLARE ... CURSOR FOR <query>.
    assert rounds[0].endswith(literal(*bench.export_query()))


@pytest.mark.django_db(transaction=True)  # the dump reads committed rows from outside
def test_database_dump_writes_every_round_as_the_export_does(world):
    client = token_client(make_user("fund-managers"))
    response = client.get("/api/v1/funding-rounds/", {"format": "csv"})
    export = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    sink = io.BytesIO()
    tool, written = bench.database_dump(sink)
    assert written == len(sink.getvalue()) > 0, tool
    dump = list(csv.reader(io.StringIO(sink.getvalue().decode())))
    assert len(dump) == len(export) - 1 == FundingRound.objects.count()  # no header line
    # Same rows in the same order, the participants' cell included (the query's last column).
    assert [row[0] for row in dump] == [row[0] for row in export[1:]]
    participants = export[0].index("participants")
    assert [row[-1] for row in dump] == [row[participants] for row in export[1:]]
    assert any("; " in row[-1] for row in dump)


def test_p2_baselines_read_the_rows_and_columns_the_lists_answer(db):
    """Bar P2's "same rows, same columns": each hand-written baseline of the operations' and
    transfers' lists answers the list's page of 500 rows, in its order, with a key for each
    of its fields (the joined names in the ORM's spelling: ``startup__name`` for
    ``startup_name``, ``created_by__username`` for ``created_by``)."""
    from portfolio.bench.dataset import generate

    generate(startups=120)
    client = token_client(make_user("incubator-staff"))
    for name in (
        "tech-transfers",
        "space-leases",
        "mentors",
        "mentoring-sessions",
        "policy-applications",
        "financing-introductions",
    ):
        _name, path, baseline, _model = next(row for row in bench.P2_LISTS if row[0] == name)
        api = client.get(path, {"page_size": 500}).json()["results"]
        base = json.loads(baseline())
        assert api, name
        assert [row["id"] for row in base] == [row["id"] for row in api], name
        spelled = {key.replace("__", "_").removesuffix("_username") for key in base[0]}
        assert spelled == set(api[0]), name


def test_p5_times_the_statistics_return_against_its_raw_sql(db, monkeypatch):
    """Bar P5 times the statistics return of the bench's year beside its hand-written SQL
    (``raw_incubation``; the two agree: ``tests/test_benchdata.py``; its queries do not grow
    with the rows: ``tests/api/test_statistics.py``)."""
    from portfolio.bench.dataset import generate

    generate(startups=60)
    client = token_client(make_user("viewers"))
    url = f"/api/v1/reports/incubation/?year={bench.P5_RETURN_YEAR}"
    body = json.loads(bench.fetch(client, url))
    assert body["incubator"]["incubatees"] == len(
        bench.raw_incubation(bench.P5_RETURN_YEAR)["rows"]
    )
    monkeypatch.setattr(bench, "P5_SECONDS", 0.0)
    timed: list[tuple] = []
    side_by_side = bench.side_by_side

    def in_turn(*fns, **options):
        timed.append((len(fns), options))
        return side_by_side(*fns, **options)

    monkeypatch.setattr(bench, "side_by_side", in_turn)
    figures = bench.p5_reports(client)["incubation_return"]
    # each report and its baseline in turn, in the same rounds
    assert timed and all(count == 2 for count, _options in timed)
    assert figures["api_ms"] > 0 and figures["raw_sql_ms"] > 0
    assert figures["ratio"] == figures["api_ms"] / figures["raw_sql_ms"]
    assert figures["cold_ms"] > 0  # the report cache off: computed every time (information)
    # eight queries of the selector; the rest is the request's own (token, user, roles)
    assert bench.query_count(lambda: bench.fetch(client, url)) <= 14


@pytest.mark.django_db
def test_p9_replays_the_reads_of_a_page_and_no_write(world):
    """Bar P9's "time of its own SQL": ``sql_time`` replays what the page read (its
    SELECTs, parameters included) and never a write it made."""
    sent: list[str] = []

    def page():
        FundingRound.objects.filter(amount__gt=0).count()
        FundingRound.objects.filter(pk=FundingRound.objects.first().pk).update(note="seen")

    def count(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        seconds = bench.sql_time(page)
    assert seconds > 0
    reads = [sql for sql in sent if sql.lstrip().upper().startswith("SELECT")]
    writes = [sql for sql in sent if sql.lstrip().upper().startswith("UPDATE")]
    # the page ran once; its two reads were replayed once a run (warm-up + RUNS)
    assert len(writes) == 1
    assert len(reads) == 2 * (1 + 1 + bench.RUNS)


def test_p8_report_reads_growth_from_the_two_sets():
    """``markdown_xl`` draws bar P8 from a report: the growth rows and both sets' queries."""
    p1 = {"/api/v1/startups/ plain": {"page_size_10": 4, "page_size_500": 4}}
    p2 = {"startups": {"api_us_per_row": 30.0, "ratio": 1.1}}
    p5 = {"reports": {"fund_report": {"api_ms": 10.0, "ratio": 1.4}}}
    p6 = {"startups": {"queries": 10}}
    sizes = {
        name: dict.fromkeys(
            (
                "startups",
                "funding_rounds",
                "participations",
                "stage_transitions",
                "kpi_reports",
                "commitments",
            ),
            n,
        )
        for name, n in (("large", 10_000), ("xl", 100_000))
    }
    report = {
        "runs_per_figure": 5,
        "seconds": 600,
        "machine": {"date": "2026-12-06", "cpus": 2, "python": "3.11", "database_version": "PG"},
        "dataset_sizes": sizes,
        "bars": {"P8": {"figure": 1.2, "bound": 1.5, "holds": True, "unit": "growth"}},
        "growth": {"P2_per_row": {"startups": 1.2}, "P5_overhead": {"fund_report": 0.9}},
        "figures": {
            "large": {"P1": p1, "P2": p2, "P5": p5, "P6": p6},
            "xl": {"P1": p1, "P2": p2, "P5": p5, "P6": p6},
        },
    }
    text = bench.markdown_xl(report)
    assert "| P8 | 1.2 | 1.5 | True | growth |" in text
    assert "| `startups` | 30.0 | 30.0 | 1.20 | 1.10 |" in text
    assert "| fund_report | 10.0 (1.40) | 10.0 (1.40) | 0.90 |" in text
    assert "| P1 `/api/v1/startups/ plain` | 4 / 4 | 4 / 4 |" in text
    assert "| xl | 100,000 |" in text


def test_p8_runs_on_postgresql_only(monkeypatch):
    monkeypatch.setattr(bench, "_vendor", lambda: "sqlite")
    with pytest.raises(RuntimeError, match="PostgreSQL"):
        bench.run_xl(print)


def test_p8_times_each_datasets_page_on_its_own_connection_in_turn(monkeypatch):
    """P8's P2: the large set's and ten times it's pages and baselines in the same rounds,
    each call on the connection of its dataset, and the default connection as it was
    after."""
    import portfolio.models

    original = connections["default"]
    opened: list[str] = []
    order: list[tuple[str, int]] = []

    class Page:
        def __init__(self, _client):
            self.dataset = opened[-1]

        def __call__(self, url):
            order.append((f"page {self.dataset}", id(connections["default"])))
            return b"[]"

    class Rows:
        @staticmethod
        def count():
            return 10

    def baseline():
        order.append(("base", id(connections["default"])))

    monkeypatch.setattr(bench, "use_database", opened.append)
    monkeypatch.setattr(bench, "client", lambda: None)
    monkeypatch.setattr(bench, "Served", Page)
    monkeypatch.setattr(bench, "P2_LISTS", (("mentors", "/m/", baseline, "BenchRows"),))
    monkeypatch.setattr(bench, "P2_RUNS", 4)
    monkeypatch.setattr(bench, "P2_SECONDS", 0.0)
    monkeypatch.setattr(portfolio.models, "BenchRows", type("M", (), {"objects": Rows}), False)

    figures = bench.p2_in_turn(("large", "xl"))

    assert opened == ["large", "xl"]
    assert connections["default"] is original
    pages = {
        dataset: {conn for what, conn in order if what == f"page {dataset}"}
        for dataset in ("large", "xl")
    }
    # each dataset's page always on one connection, not the other's, not the default one
    assert all(len(conns) == 1 for conns in pages.values())
    assert pages["large"] != pages["xl"]
    assert id(original) not in pages["large"] | pages["xl"]
    # the baselines on the same two connections, as often as the pages
    assert {conn for what, conn in order if what == "base"} == pages["large"] | pages["xl"]
    calls = [what for what, _conn in order]
    assert calls.count("page large") == calls.count("page xl") == calls.count("base") / 2 >= 4
    assert set(figures) == {"large", "xl"}
    assert figures["xl"]["mentors"]["rows"] == 10
    assert figures["large"]["mentors"]["api_us_per_row"] > 0


def test_p2_times_the_page_and_its_baseline_in_turn(monkeypatch):
    """Each round times one call of each (so a drift of the machine meets both); the
    figures are each side's median, warm-up calls left out."""
    calls: list[str] = []
    clock = iter(range(1000))
    monkeypatch.setattr(bench.time, "perf_counter", lambda: next(clock))
    # the first call of each is the warm-up: timed, it would move both medians
    durations = {"api": iter([50, 1, 1, 9]), "base": iter([60, 2, 2, 5])}

    def timed(name):
        def run():
            calls.append(name)
            for _ in range(next(durations[name]) - 1):
                next(clock)  # the call takes that many ticks of the clock

        return run

    api, base = bench.side_by_side(timed("api"), timed("base"), runs=3, warmup=1)
    # each takes its turn to go first: none always runs in the same place of a round
    assert calls == ["api", "base", "api", "base", "base", "api", "api", "base"]
    assert (api, base) == (1, 2)


def test_p2_lets_each_of_three_go_first_in_turn():
    calls: list[str] = []
    figures = bench.side_by_side(
        *(lambda n=name: calls.append(n) for name in "abc"), runs=3, warmup=0
    )
    assert calls == [*"abc", *"bca", *"cab"]
    assert len(figures) == 3


def test_p2_takes_more_rounds_of_a_short_page():
    """At least ``runs`` rounds, and more while ``seconds`` have not gone by."""
    calls: list[str] = []
    bench.side_by_side(lambda: calls.append("a"), lambda: calls.append("b"), runs=3, warmup=0)
    assert calls == ["a", "b", "b", "a", "a", "b"]
    calls.clear()
    bench.side_by_side(
        lambda: calls.append("a"), lambda: calls.append("b"), runs=3, warmup=0, seconds=0.05
    )
    assert calls.count("a") == calls.count("b") > 3


def test_served_answers_as_the_test_client_and_refuses_what_is_not_a_page(transactional_db):
    """P2's API side runs the WSGI application as a server calls it, logged in by the
    test client's session: the same bytes as the test client's answer. (A transactional
    test: a server's request ends its connection's use as the test client's does not.)"""
    from tests.support import factories

    factories.MentorFactory.create_batch(3)
    staff = make_user("incubator-staff")
    c = Client()
    c.force_login(staff)
    served = bench.Served(c)
    url = "/api/v1/mentors/?page_size=500"
    assert served(url) == c.get(url).content
    assert b'"count":3' in served(url).replace(b" ", b"")
    with pytest.raises(RuntimeError, match="answered 404"):
        served("/api/v1/mentors/999999/")
    anonymous = bench.Served(Client())
    with pytest.raises(RuntimeError, match="answered 40[13]"):
        anonymous(url)


def test_p7_loads_the_two_endpoints_in_turns():
    """P7's trivial endpoint and list are each loaded in four turns, each going first in
    its turn, after a warm-up each; the figures are the mean rates of the turns."""
    calls: list[tuple[str, float]] = []
    rates = {"a": iter([0, 10, 20, 30, 40]), "b": iter([0, 1, 2, 3, 4])}

    def load(path, seconds):
        calls.append((path, seconds))
        return next(rates[path])

    a, b = bench.loads_in_turn(load, ("a", "b"), 8.0)
    assert calls == [("a", 1.0), ("b", 1.0)] + [
        (path, 2.0) for path in ("a", "b", "b", "a", "a", "b", "b", "a")
    ]
    assert (a, b) == (25, 2.5)
