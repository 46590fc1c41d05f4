"""Reports checked against numbers computed by hand on a small fixture."""

import datetime as dt
from decimal import Decimal

import pytest

from portfolio import services
from portfolio.models import Stage
from portfolio.selectors import fund_holdings, fund_report, pipeline_report
from tests.support import factories
from tests.support.factories import FundFactory, InstitutionFactory, StartupFactory, stage

pytestmark = pytest.mark.django_db
D = Decimal


def advance(startup, slug, on, trl):
    services.startup_advance(startup=startup, to_stage=stage(slug), on=on, trl=trl)


@pytest.fixture
def pipeline():
    """Four startups with known histories (all admitted in 2021 unless said)."""
    tsinghua = InstitutionFactory()
    a = StartupFactory(admitted_on=dt.date(2021, 1, 1), institution=tsinghua)
    advance(a, "concept", dt.date(2021, 3, 1), 3)  # 59 days in lab
    advance(a, "prototype", dt.date(2021, 6, 1), 5)  # 92 days in concept
    advance(a, "pilot", dt.date(2022, 1, 1), 6)  # 214 days in prototype
    advance(a, "first-sales", dt.date(2022, 6, 1), 7)  # crossed on 2022-06-01
    b = StartupFactory(admitted_on=dt.date(2021, 1, 1), tech_area="sensing")
    advance(b, "concept", dt.date(2021, 2, 1), 3)  # 31 days in lab
    advance(b, "closed", dt.date(2021, 12, 1), 3)
    c = StartupFactory(admitted_on=dt.date(2022, 5, 1), stage=stage("prototype"), trl=4)
    advance(c, "pilot", dt.date(2023, 5, 1), 6)  # 365 days in prototype
    d = StartupFactory(admitted_on=dt.date(2021, 7, 1), institution=tsinghua)
    return {"a": a, "b": b, "c": c, "d": d, "tsinghua": tsinghua}


def rows(report):
    return {row.slug: row for row in report.stages}


def test_pipeline_report_today(pipeline):
    report = pipeline_report(as_of=dt.date(2024, 1, 1))
    by = rows(report)
    assert [row.slug for row in report.stages][:6] == [
        "lab",
        "concept",
        "prototype",
        "pilot",
        "first-sales",
        "scale-up",
    ]
    assert {slug: row.count for slug, row in by.items() if row.count} == {
        "lab": 1,
        "pilot": 1,
        "first-sales": 1,
        "closed": 1,
    }
    # lab: a, b, d entered; a and b moved on.
    assert (by["lab"].entered, by["lab"].advanced, by["lab"].conversion) == (3, 2, D("0.6667"))
    # Stays in the lab: a 59 and b 31 days (ended), d 914 days and counting (censored):
    # S(31) = 2/3, S(59) = 1/3, so the Kaplan-Meier median is 59 days (the median of the
    # completed stays alone, 45, ignored d).
    lab = by["lab"]
    assert (lab.stays, lab.still_in_stage, lab.longest_days) == (3, 1, 914)
    assert (lab.p25_days, lab.median_days, lab.p75_days) == (31, 59, None)
    # concept: a and b entered; only a went higher (b closed).
    assert (by["concept"].entered, by["concept"].advanced) == (2, 1)
    # stays of 92 and 303 days (b stayed 2021-02-01..2021-12-01, then closed): S(92) = 1/2
    concept = by["concept"]
    assert (concept.stays, concept.still_in_stage) == (2, 0)
    assert (concept.p25_days, concept.median_days, concept.p75_days) == (92, 92, 303)
    # prototype: a and c entered, both advanced; stays of 214 and 365 days.
    assert (by["prototype"].entered, by["prototype"].advanced) == (2, 2)
    assert by["prototype"].conversion == D("1.0000")
    assert (by["prototype"].median_days, by["prototype"].p75_days) == (214, 365)
    assert (by["pilot"].entered, by["pilot"].advanced) == (2, 1)
    # pilot: a left after 151 days; c has been there 245 days (censored): S(151) = 1/2
    assert (by["pilot"].stays, by["pilot"].still_in_stage, by["pilot"].median_days) == (2, 1, 151)
    # first sales: only a, there since 2022-06-01 (579 days, censored): no median
    first_sales = by["first-sales"]
    assert (first_sales.stays, first_sales.still_in_stage) == (1, 1)
    assert (first_sales.median_days, first_sales.longest_days) == (None, 579)
    assert by["closed"].conversion is None
    assert (by["closed"].stays, by["closed"].median_days) == (0, None)  # no stays in outcomes
    assert report.total == 4
    assert report.crossed_valley == 1
    assert report.crossing_rate == D("0.2500")


def test_pipeline_report_as_of_a_past_date(pipeline):
    report = pipeline_report(as_of=dt.date(2021, 4, 1))
    by = rows(report)
    # c was not admitted yet; a in concept, b in concept, d not yet admitted.
    assert report.total == 2
    assert {slug: row.count for slug, row in by.items() if row.count} == {"concept": 2}
    assert report.crossed_valley == 0
    assert report.crossing_rate == D("0.0000")


def test_pipeline_report_filters(pipeline):
    assert pipeline_report(tech_area="sensing", as_of=dt.date(2024, 1, 1)).total == 1
    by_institution = pipeline_report(institution=pipeline["tsinghua"].pk, as_of=dt.date(2024, 1, 1))
    assert by_institution.total == 2
    assert by_institution.crossed_valley == 1
    cohort = pipeline_report(cohort=2022, as_of=dt.date(2024, 1, 1))
    assert cohort.total == 1
    assert rows(cohort)["pilot"].count == 1


@pytest.mark.usefixtures("report_cache_off")  # what computing it costs
def test_pipeline_report_query_count_does_not_grow(django_assert_max_num_queries, pipeline):
    for _ in range(10):
        s = StartupFactory()
        advance(s, "concept", dt.date(2022, 1, 1), 3)
    with django_assert_max_num_queries(5):
        pipeline_report(as_of=dt.date(2024, 1, 1))


@pytest.fixture
def fund_history():
    """A 100M fund: two holdings, one partly exited.

    A: committed 20M (2025-01-10), paid 10M on 2025-02-01 and 10M on 2025-08-01, marked
       30M on 2025-12-31.
    B: committed 10M (2025-03-01), paid 10M on 2025-04-01, 25M back on 2026-04-01, marked 0.
    C: committed 5M then cancelled (never counts).
    """
    fund = FundFactory(
        size=D("100000000"),
        local_region="北京市",
        min_local_pct=D("50"),
        min_target_sector_pct=D("80"),
        target_tech_areas=["computing"],
    )
    a = StartupFactory(registered_region="北京市海淀区", tech_area="computing")
    b = StartupFactory(registered_region="安徽省合肥市", tech_area="sensing")
    c = StartupFactory()
    ca = factories.CommitmentFactory(
        fund=fund, startup=a, amount=D("20000000"), approved_on=dt.date(2025, 1, 10)
    )
    cb = factories.CommitmentFactory(
        fund=fund, startup=b, amount=D("10000000"), approved_on=dt.date(2025, 3, 1)
    )
    cc = factories.CommitmentFactory(
        fund=fund, startup=c, amount=D("5000000"), approved_on=dt.date(2025, 3, 1)
    )
    services.commitment_cancel(commitment=cc)
    factories.DisbursementFactory(commitment=ca, amount=D("10000000"), paid_on=dt.date(2025, 2, 1))
    factories.DisbursementFactory(commitment=ca, amount=D("10000000"), paid_on=dt.date(2025, 8, 1))
    factories.DisbursementFactory(commitment=cb, amount=D("10000000"), paid_on=dt.date(2025, 4, 1))
    factories.ValuationMarkFactory(
        fund=fund, startup=a, as_of=dt.date(2025, 12, 31), fair_value=D("30000000")
    )
    factories.DistributionFactory(
        fund=fund, startup=b, paid_on=dt.date(2026, 4, 1), amount=D("25000000"), kind="exit"
    )
    factories.ValuationMarkFactory(
        fund=fund, startup=b, as_of=dt.date(2026, 4, 1), fair_value=D("0")
    )
    return fund, a, b


def test_fund_report(fund_history):
    fund, a, b = fund_history
    report = fund_report(fund, dt.date(2026, 6, 30))
    assert report.size == D("100000000")
    assert report.committed == D("30000000")
    assert report.available == D("70000000")
    assert report.disbursed == D("30000000")
    assert report.realized == D("25000000")
    assert report.unrealized == D("30000000")
    assert report.companies == 2
    assert report.moic == D("1.8333")  # 55 / 30
    assert report.tvpi == D("1.8333")
    assert report.dpi == D("0.8333")
    assert report.rvpi == D("1.0000")
    assert report.irr is not None and report.irr > D("0.5")
    checks = {check.rule: check for check in report.compliance}
    assert checks["max_single_company_pct"].actual == D("20.00")
    assert checks["max_single_company_pct"].ok
    assert checks["min_local_pct"].actual == D("66.67") and checks["min_local_pct"].ok
    assert checks["min_target_sector_pct"].actual == D("66.67")
    assert not checks["min_target_sector_pct"].ok
    assert checks["committed_within_size"].ok
    assert checks["investment_period_end"].actual == dt.date(2025, 3, 1)


def test_fund_report_as_of_earlier_dates(fund_history):
    fund, a, b = fund_history
    early = fund_report(fund, dt.date(2025, 2, 15))
    assert early.committed == D("20000000")
    assert early.disbursed == D("10000000")
    assert early.unrealized == D("10000000")  # not yet marked: at cost
    assert early.realized == D("0")
    assert early.moic == D("1.0000")
    assert early.irr is None or early.irr == D("0.0000")
    before_anything = fund_report(fund, dt.date(2024, 12, 31))
    assert before_anything.committed == D("0")
    assert before_anything.moic is None and before_anything.irr is None


def test_fund_holdings(fund_history):
    fund, a, b = fund_history
    holdings = {h.startup_id: h for h in fund_holdings(fund, dt.date(2026, 6, 30))}
    assert set(holdings) == {a.pk, b.pk}
    assert holdings[a.pk].fair_value == D("30000000.00")
    assert holdings[a.pk].moic == D("1.5000")
    assert holdings[b.pk].realized == D("25000000.00")
    assert holdings[b.pk].fair_value == D("0.00")
    assert holdings[b.pk].moic == D("2.5000")


@pytest.mark.usefixtures("report_cache_off")  # what computing it costs
def test_fund_report_query_count_does_not_grow(django_assert_max_num_queries, fund_history):
    fund = fund_history[0]
    with django_assert_max_num_queries(2) as small:  # holdings' totals, cash flows
        fund_report(fund, dt.date(2026, 6, 30))
    for startup in StartupFactory.create_batch(5):
        commitment = services.commitment_create(
            fund=fund, startup=startup, amount=D("1000000"), approved_on=dt.date(2025, 5, 1)
        )
        services.disbursement_record(
            commitment=commitment, amount=D("1000000"), paid_on=dt.date(2025, 6, 1)
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        fund_report(fund, dt.date(2026, 6, 30))


@pytest.mark.parametrize(
    "as_of", [dt.date(2025, 2, 15), dt.date(2025, 12, 31), dt.date(2026, 6, 30)]
)
def test_fund_totals_in_sql_equal_the_sum_of_holdings(fund_history, as_of):
    from portfolio.selectors import HoldingTotals, fund_totals

    fund = fund_history[0]
    holdings = fund_holdings(fund, as_of)
    assert fund_totals(fund, as_of) == HoldingTotals.of(holdings)
    with_rows = fund_report(fund, as_of, holdings=holdings)
    in_sql = fund_report(fund, as_of)
    assert (with_rows.figures, with_rows.companies, with_rows.compliance) == (
        in_sql.figures,
        in_sql.companies,
        in_sql.compliance,
    )


def test_local_share_matches_the_region_as_a_prefix_with_wildcards_escaped(fund_history):
    """The local rule is a prefix of the registered region; % and _ in it are literal, and
    the dashboard's path (holdings rows summed in Python) agrees with the SQL totals."""
    fund, a, b = fund_history  # a: 北京市海淀区, 20M; b: 安徽省合肥市, 10M
    as_of = dt.date(2026, 6, 30)
    for region, share in (("北京", "66.67"), ("北京_", "0.00"), ("%", "0.00"), ("安徽", "33.33")):
        fund.local_region = region
        report = fund_report(fund, as_of)
        checks = {check.rule: check for check in report.compliance}
        assert checks["min_local_pct"].actual == D(share), region
        from_rows = fund_report(fund, as_of, holdings=fund_holdings(fund, as_of))
        assert from_rows.compliance == report.compliance, region


# --- the benchmark's hand-written SQL gives the reports' figures (bar P5) -------------------


@pytest.mark.parametrize("as_of", [dt.date(2021, 7, 1), dt.date(2022, 12, 31), dt.date(2024, 1, 1)])
def test_pipeline_report_equals_the_benchmark_raw_sql(pipeline, as_of):
    from portfolio.bench.harness import raw_pipeline

    report, raw = pipeline_report(as_of=as_of), raw_pipeline(as_of)
    assert report.total == raw["total"] > 0
    assert report.crossed_valley == raw["crossed"]
    ids = {stage.slug: stage.pk for stage in Stage.objects.all()}
    for row in report.stages:
        pk = ids[row.slug]
        assert row.count == raw["counts"].get(pk, 0), row.slug
        entered, advanced = raw["flows"].get(pk, (0, 0))
        assert row.entered == entered, row.slug
        if not row.outcome:
            assert row.advanced == advanced, row.slug
        if not row.outcome:
            figures = raw["stays"].get(pk, {"stays": 0, "censored": 0})
            assert (row.stays, row.still_in_stage) == (figures["stays"], figures["censored"])
            assert (row.p25_days, row.median_days, row.p75_days) == (
                figures.get("p25"),
                figures.get("median"),
                figures.get("p75"),
            ), row.slug
    assert any(row.median_days for row in report.stages)


@pytest.mark.parametrize(
    "as_of", [dt.date(2025, 2, 15), dt.date(2025, 12, 31), dt.date(2026, 6, 30)]
)
def test_fund_report_equals_the_benchmark_raw_sql(fund_history, as_of):
    from portfolio.bench.harness import raw_fund
    from portfolio.selectors.fund_report import _decimal, fund_totals

    fund = fund_history[0]
    raw = raw_fund(fund, as_of)
    totals = fund_totals(fund, as_of)
    committed, disbursed, realized, unrealized, largest, companies, last, local, target = raw[
        "totals"
    ]
    assert [_decimal(v) or D("0.00") for v in (committed, disbursed, realized, unrealized)] == [
        totals.committed,
        totals.disbursed,
        totals.realized,
        totals.unrealized,
    ]
    assert (_decimal(largest), companies) == (totals.largest, totals.companies)
    assert str(last) == str(totals.last_approved)
    assert [_decimal(local) or D("0.00"), _decimal(target) or D("0.00")] == [
        totals.local,
        totals.target,
    ]
    report = fund_report(fund, as_of)
    assert report.disbursed == sum((_decimal(v) for _on, v in raw["paid"]), D("0.00"))
    assert report.realized == sum((_decimal(v) for _on, v in raw["returned"]), D("0.00"))


@pytest.mark.parametrize("stays, median", [([10], 10), ([90, 10, 20], 20), ([90, 10, 20, 41], 20)])
def test_stage_stays_in_sql_give_the_kaplan_meier_median(stays, median):
    """Every stay in the lab ended (at the move to the concept stage): the Kaplan-Meier
    median is the first stay at which half have left (with four stays, 20 days: S = 1/2),
    not the mean of the middle two; every stay in the concept stage is censored."""
    from portfolio.models import StageTransition
    from portfolio.selectors import stage_survival

    start = dt.date(2020, 1, 1)
    for days in stays:  # each startup: into the lab, then on to the concept stage
        startup = StartupFactory(admitted_on=start)
        advance(startup, "concept", start + dt.timedelta(days=days), 3)
    as_of = dt.date(2021, 1, 1)
    survival = stage_survival(StageTransition.objects.all(), as_of)
    assert survival[stage("lab").pk].median == median
    assert survival[stage("lab").pk].censored == 0
    concept = survival[stage("concept").pk]
    assert (concept.stays, concept.censored, concept.median) == (len(stays), len(stays), None)
    assert concept.longest == (as_of - start).days - min(stays)


# --- each fund figure has one definition; the report's SQL copy is pinned to it -------------


@pytest.mark.parametrize(
    "as_of", [dt.date(2024, 12, 31), dt.date(2025, 2, 15), dt.date(2026, 6, 30)]
)
def test_report_sql_gives_committed_and_disbursed_as_defined_on_the_querysets(fund_history, as_of):
    """HOLDINGS_SQL repeats "committed" (live commitments) and "disbursed" in SQL for the
    report's speed (bar P5); the copy must give what the querysets define."""
    from portfolio.models import Commitment, Disbursement
    from portfolio.selectors import fund_totals

    fund = fund_history[0]
    totals = fund_totals(fund, as_of)
    assert totals.committed == Commitment.objects.live(as_of).filter(fund=fund).total()
    paid = Disbursement.objects.filter(commitment__fund=fund, paid_on__lte=as_of)
    assert totals.disbursed == paid.total()


def test_service_admin_list_and_report_share_committed_and_available(fund_history):
    from portfolio import metrics
    from portfolio.models import Fund

    fund = fund_history[0]  # C's 5M commitment was cancelled: it never counts
    listed = Fund.objects.with_capital().get(pk=fund.pk)
    report = fund_report(fund)
    assert listed.committed == report.committed == services.fund_committed(fund) == D("30000000")
    assert listed.disbursed == report.disbursed == D("30000000")
    assert metrics.available(size=fund.size, committed=listed.committed) == report.available
