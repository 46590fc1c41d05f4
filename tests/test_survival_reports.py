"""Time in a stage and in the valley (survival.md) through the reports: the pipeline
report's Kaplan-Meier figures per stage, the valley report, and whose startups they count
(domain.md, "Populations")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from portfolio import services
from portfolio.models.choices import Population
from portfolio.selectors import pipeline_report, valley_report
from tests.support import factories
from tests.support.clients import token_client
from tests.support.factories import StartupFactory, make_user, stage

pytestmark = pytest.mark.django_db
D = Decimal
AS_OF = dt.date(2024, 12, 31)

# survival.md, "Worked example": six stays in prototype as of the report date.
WORKED_EXAMPLE = {"A": (50, True), "B": (100, True), "C": (400, False)}
WORKED_EXAMPLE |= {"D": (500, False), "E": (600, True), "F": (700, False)}


def advance(startup, slug, on, trl):
    services.startup_advance(startup=startup, to_stage=stage(slug), on=on, trl=trl)


def in_prototype(name: str, days: int, moved_on: bool, *, then: str = "first-sales", **fields):
    """An incubatee that entered prototype (a valley stage) and either moved on to ``then``
    after ``days`` days, or has been there ``days`` days at ``AS_OF``."""
    entered = AS_OF - dt.timedelta(days=days + (200 if moved_on else 0))
    fields.setdefault("admitted_on", entered)
    startup = StartupFactory(
        name=name,
        stage=stage("prototype"),
        trl=5,
        entered_on=entered,
        **fields,
    )
    if moved_on:
        advance(startup, then, entered + dt.timedelta(days=days), 7)
    return startup


@pytest.fixture
def worked_example():
    """The six startups of survival.md's worked example; the three that moved on crossed
    the valley (prototype -> first sales)."""
    return {name: in_prototype(name, days, ended) for name, (days, ended) in WORKED_EXAMPLE.items()}


def prototype_row(report):
    return next(row for row in report.stages if row.slug == "prototype")


# --- the worked example through the reports ------------------------------------------------


def test_worked_example_through_the_pipeline_report(worked_example):
    row = prototype_row(pipeline_report(as_of=AS_OF))
    assert (row.stays, row.still_in_stage) == (6, 3)
    assert (row.p25_days, row.median_days, row.p75_days) == (100, 600, None)


def test_worked_example_through_the_pipeline_report_endpoint(worked_example):
    client = token_client(make_user("viewers"))
    body = client.get("/api/v1/reports/pipeline/", {"as_of": AS_OF.isoformat()}).json()
    row = next(row for row in body["stages"] if row["slug"] == "prototype")
    assert body["population"] == "incubator"
    assert (row["stays"], row["still_in_stage"]) == (6, 3)
    assert (row["p25_days"], row["median_days"], row["p75_days"]) == (100, 600, None)


def test_worked_example_through_the_valley_report_endpoint(worked_example):
    client = token_client(make_user("viewers"))
    body = client.get("/api/v1/reports/valley/", {"as_of": AS_OF.isoformat()}).json()
    assert (body["as_of"], body["population"]) == ("2024-12-31", "incubator")
    groups = {group["key"]: group for group in body["groups"]}
    assert list(groups) == ["all", "fund_backed", "not_backed"]
    assert groups["all"] == {
        "key": "all",
        "stays": 6,
        "crossed": 3,
        "exited": 0,
        "closed": 0,
        "censored": 3,
        "median_days": 600,
        "p25_days": 100,
        "p75_days": None,
        "curve": [
            {"day": 50, "survival": "0.8333"},
            {"day": 100, "survival": "0.6667"},
            {"day": 600, "survival": "0.3333"},
        ],
    }
    assert groups["fund_backed"]["stays"] == 0
    assert groups["not_backed"]["curve"] == groups["all"]["curve"]
    assert [(row["startup"]["name"], row["days_in_valley"]) for row in body["stuck"]] == [
        ("F", 700),
        ("D", 500),
        ("C", 400),
    ]
    assert body["stuck"][0] == {
        "startup": {"id": worked_example["F"].pk, "name": "F"},
        "stage": {"slug": "prototype", "name": stage("prototype").name},
        "days_in_valley": 700,
        "backed": False,
        "last_kpi": None,
    }


def test_a_stage_with_only_censored_stays_has_no_median_and_keeps_the_longest():
    for days in (30, 400, 90):
        in_prototype(f"S{days}", days, False)
    row = prototype_row(pipeline_report(as_of=AS_OF))
    assert (row.stays, row.still_in_stage, row.median_days, row.longest_days) == (3, 3, None, 400)
    client = token_client(make_user("viewers"))
    body = client.get("/api/v1/reports/pipeline/", {"as_of": AS_OF.isoformat()}).json()
    api_row = next(row for row in body["stages"] if row["slug"] == "prototype")
    assert (api_row["median_days"], api_row["p25_days"], api_row["still_in_stage"]) == (
        None,
        None,
        3,
    )
    valley = valley_report(as_of=AS_OF).group("all")
    assert (valley.survival.median, valley.survival.longest, valley.censored) == (None, 400, 3)


def test_only_moves_by_the_report_date_count(worked_example):
    """A year before the date, A and B (entered 250 and 300 days before it) had not entered
    yet; C, D, E, F were all still in: E entered 800 days before the date and left 200 days
    before it, so a year earlier it had been there 435 days, censored."""
    row = prototype_row(pipeline_report(as_of=AS_OF - dt.timedelta(days=365)))
    assert (row.stays, row.still_in_stage, row.median_days, row.longest_days) == (4, 4, None, 435)


# --- the valley: endings, backing, stuck ---------------------------------------------------


@pytest.fixture
def valley():
    """Five incubatees that entered the valley (prototype), as of AS_OF: "crossed" crossed
    after 300 days (backed before), "closed" closed after 200 (backed only on AS_OF, after
    it closed), "exited" exited after 400, "wanderer" went on to pilot and back to concept
    (the clock runs on: 350 days, backed while in), "fresh" has been in prototype 120 days
    (its commitment was cancelled)."""
    fund = factories.FundFactory()
    other_fund = factories.FundFactory()
    crossed = in_prototype("crossed", 300, True)
    closed = in_prototype("closed", 200, True, then="closed")
    exited = in_prototype("exited", 400, True, then="exited")
    wanderer = in_prototype("wanderer", 350, False)
    advance(wanderer, "pilot", AS_OF - dt.timedelta(days=300), 6)
    advance(wanderer, "concept", AS_OF - dt.timedelta(days=100), 4)
    fresh = in_prototype("fresh", 120, False)
    factories.CommitmentFactory(
        fund=fund, startup=crossed, approved_on=crossed.stage_entered_on - dt.timedelta(days=200)
    )
    factories.CommitmentFactory(fund=other_fund, startup=closed, approved_on=AS_OF)
    factories.CommitmentFactory(fund=fund, startup=wanderer, approved_on=dt.date(2024, 6, 1))
    cancelled = factories.CommitmentFactory(fund=fund, startup=fresh, approved_on=AS_OF)
    services.commitment_cancel(commitment=cancelled)
    factories.KpiReportFactory(
        startup=wanderer, year=2024, quarter=3, cash=D("800000"), runway_months=D("4.5")
    )
    factories.KpiReportFactory(startup=wanderer, year=2024, quarter=2, cash=D("900000"))
    factories.KpiReportFactory(startup=fresh, year=2025, quarter=1, cash=D("1"))  # not yet
    return {
        "fund": fund,
        "other_fund": other_fund,
        "crossed": crossed,
        "closed": closed,
        "exited": exited,
        "wanderer": wanderer,
        "fresh": fresh,
    }


def endings(group):
    return (group.stays, group.crossed, group.exited, group.closed, group.censored)


def test_valley_stays_end_by_crossing_exit_or_close_and_moves_back_do_not_stop_the_clock(valley):
    report = valley_report(as_of=AS_OF)
    assert endings(report.group("all")) == (5, 1, 1, 1, 2)
    wanderer = next(row for row in report.stuck if row.startup_id == valley["wanderer"].pk)
    assert wanderer.days_in_valley == 350  # entered prototype 350 days ago; now in concept
    assert wanderer.stage.slug == "concept"


def test_backed_means_a_live_commitment_by_the_end_of_the_stay(valley):
    report = valley_report(as_of=AS_OF)
    # crossed: backed before it crossed; wanderer: backed while still in; closed: only
    # after it closed; fresh: the commitment was cancelled.
    assert endings(report.group("fund_backed")) == (2, 1, 0, 0, 1)
    assert endings(report.group("not_backed")) == (3, 0, 1, 1, 1)
    by_fund = valley_report(as_of=AS_OF, fund=valley["other_fund"].pk)
    assert endings(by_fund.group("fund_backed")) == (0, 0, 0, 0, 0)


def test_stuck_rows_carry_the_last_kpi_of_an_ended_quarter(valley):
    report = valley_report(as_of=AS_OF)
    assert [(row.startup_id, row.days_in_valley, row.backed) for row in report.stuck] == [
        (valley["wanderer"].pk, 350, True),
        (valley["fresh"].pk, 120, False),
    ]
    wanderer, fresh = report.stuck
    assert (wanderer.last_kpi.year, wanderer.last_kpi.quarter) == (2024, 3)
    assert (wanderer.last_kpi.cash, wanderer.last_kpi.runway_months) == (D("800000"), D("4.5"))
    assert fresh.last_kpi is None  # its only report is of a quarter after the date
    body = (
        token_client(make_user("viewers"))
        .get("/api/v1/reports/valley/", {"as_of": AS_OF.isoformat()})
        .json()
    )
    assert body["stuck"][0]["last_kpi"] == {
        "year": 2024,
        "quarter": 3,
        "cash": "800000.00",
        "runway_months": "4.5",
    }
    assert body["stuck"][0]["backed"] is True


@pytest.mark.parametrize("as_of", [dt.date(2023, 6, 30), AS_OF])
def test_valley_report_equals_the_benchmark_baseline(valley, worked_example, as_of):
    from portfolio.bench.harness import raw_valley

    report, raw = valley_report(as_of=as_of), raw_valley(as_of)
    for group in report.groups:
        figures = raw["groups"][group.key]
        assert endings(group) == (
            figures["stays"],
            figures["crossed"],
            figures["exited"],
            figures["closed"],
            figures["censored"],
        ), group.key
        survival = group.survival
        assert (survival.p25, survival.median, survival.p75) == (
            figures["p25"],
            figures["median"],
            figures["p75"],
        )
        assert [(p.day, float(p.survival)) for p in survival.curve] == figures["curve"]
    assert [(r.startup_id, r.days_in_valley, r.backed, r.stage.pk) for r in report.stuck] == [
        row[:4] for row in raw["stuck"]
    ]
    assert [
        None if r.last_kpi is None else (r.last_kpi.year, r.last_kpi.quarter) for r in report.stuck
    ] == [None if row[4] is None else tuple(row[4][:2]) for row in raw["stuck"]]


# --- populations ---------------------------------------------------------------------------


@pytest.fixture
def with_peer(worked_example):
    """A tracked company (never admitted) stuck in prototype for 900 days, and one that
    crossed the valley."""
    peer = in_prototype("peer", 900, False, admitted_on=None)
    crossed_peer = in_prototype("crossed peer", 30, True, admitted_on=None)
    return peer, crossed_peer


def test_pipeline_report_counts_incubatees_by_default(with_peer):
    default = pipeline_report(as_of=AS_OF)
    assert default.population == Population.INCUBATOR
    assert (default.total, default.crossed_valley) == (6, 3)
    assert prototype_row(default).stays == 6
    everyone = pipeline_report(as_of=AS_OF, population=Population.ALL)
    assert (everyone.total, everyone.crossed_valley) == (8, 4)
    assert (prototype_row(everyone).stays, prototype_row(everyone).still_in_stage) == (8, 4)
    tracked = pipeline_report(as_of=AS_OF, population=Population.TRACKED)
    assert (tracked.total, tracked.crossed_valley) == (2, 1)


def test_valley_report_counts_incubatees_by_default(with_peer):
    peer, _crossed = with_peer
    default = valley_report(as_of=AS_OF)
    assert default.group("all").stays == 6
    assert peer.pk not in [row.startup_id for row in default.stuck]
    everyone = valley_report(as_of=AS_OF, population=Population.ALL)
    assert endings(everyone.group("all")) == (8, 4, 0, 0, 4)
    assert everyone.stuck[0].startup_id == peer.pk


@pytest.mark.parametrize("path", ["pipeline", "valley"])
def test_report_endpoints_take_the_population(with_peer, path):
    client = token_client(make_user("viewers"))
    url = f"/api/v1/reports/{path}/"
    default = client.get(url, {"as_of": AS_OF.isoformat()}).json()
    everyone = client.get(url, {"as_of": AS_OF.isoformat(), "population": "all"}).json()
    assert (default["population"], everyone["population"]) == ("incubator", "all")
    if path == "pipeline":
        assert (default["total"], everyone["total"]) == (6, 8)
    else:
        assert (default["groups"][0]["stays"], everyone["groups"][0]["stays"]) == (6, 8)
    refused = client.get(url, {"population": "peers"})
    assert refused.status_code == 400
    assert "population" in refused.json()


def test_startups_list_takes_the_population(with_peer):
    client = token_client(make_user("viewers"))
    counts = {
        population: client.get("/api/v1/startups/", {"population": population}).json()["count"]
        for population in ("incubator", "tracked", "all")
    }
    assert counts == {"incubator": 6, "tracked": 2, "all": 8}
    assert client.get("/api/v1/startups/").json()["count"] == 8  # lists default to all
    assert "population" in client.get("/api/v1/startups/", {"population": "x"}).json()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_pipeline_report_export_follows_the_population(with_peer, fmt):
    import csv
    import io

    import openpyxl

    client = token_client(make_user("viewers"))
    by_population = {}
    for population in ("incubator", "all"):
        response = client.get(
            "/api/v1/reports/pipeline/",
            {"as_of": AS_OF.isoformat(), "population": population, "format": fmt},
        )
        assert response.status_code == 200
        assert f"pipeline-report-{population}-" in response["Content-Disposition"]
        data = b"".join(response.streaming_content)
        if fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
            values = list(sheet.iter_rows(values_only=True))
            rows = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
        by_population[population] = {row["slug"]: row for row in rows}
    assert int(by_population["incubator"]["prototype"]["stays"]) == 6
    assert int(by_population["all"]["prototype"]["stays"]) == 8
    assert int(by_population["incubator"]["prototype"]["median_days"]) == 600


# --- a constant number of queries ----------------------------------------------------------


@pytest.mark.usefixtures("report_cache_off")  # what computing it costs
def test_valley_report_query_count_does_not_grow(django_assert_max_num_queries, valley):
    client = token_client(make_user("viewers"))
    client.get("/api/v1/")
    url = "/api/v1/reports/valley/"
    params = {"as_of": AS_OF.isoformat(), "fund": valley["fund"].pk}
    with django_assert_max_num_queries(12) as small:
        assert client.get(url, params).status_code == 200
    for n in range(6):
        startup = in_prototype(f"more{n}", 100 + n, n % 2 == 0)
        factories.KpiReportFactory(startup=startup, year=2024, quarter=1)
        factories.CommitmentFactory(
            fund=valley["fund"], startup=startup, amount=D("1000000"), approved_on=AS_OF
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = client.get(url, params).json()
    assert body["groups"][0]["stays"] == 11
    with django_assert_max_num_queries(4):  # stages, moves, commitments, last KPIs
        valley_report(as_of=AS_OF)
