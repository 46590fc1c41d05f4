"""The dashboards: access per role, numbers equal the reports, filters, query counts."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portfolio import formatting, selectors, services
from portfolio.dashboards import data
from portfolio.dashboards.data import PipelineFilters
from portfolio.models import Stage
from portfolio.models.choices import TechArea
from tests.support import factories
from tests.support.clients import login
from tests.support.worlds import build_world

ROLES = ["viewers", "incubator-staff", "fund-managers", "superuser"]


@pytest.fixture
def world(db):
    return build_world(14)


def pages(world) -> list[str]:
    return [
        reverse("dashboard:pipeline"),
        reverse("dashboard:fund", args=[world.fund.pk]),
        reverse("dashboard:startup", args=[world.startups[5].pk]),
        reverse("dashboard:impact") + "?year=2024",
    ]


def zh(client, url, **params):
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="zh-hans")


# --- access --------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(world, client):
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    assert client.get("/")["Location"] == reverse("login")


@pytest.mark.parametrize("persona", ROLES, indirect=True)
def test_every_role_sees_every_page(world, persona):
    client = login(persona)
    assert client.get("/")["Location"] == reverse("dashboard:pipeline")
    for url in pages(world):
        response = zh(client, url)
        assert response.status_code == 200, url
        assert b"<svg" in response.content


def test_login_page_logs_in_and_lands_on_the_overview(world, client, viewer):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "viewer", "password": "pass-for-tests-1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:pipeline")


def test_unknown_fund_or_startup_is_404(world, viewer):
    client = login(viewer)
    assert client.get(reverse("dashboard:fund", args=[999999])).status_code == 404
    assert client.get(reverse("dashboard:startup", args=[999999])).status_code == 404


# --- numbers equal the reports -------------------------------------------------------------


def _tile(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert match, element_id
    return match.group(1).strip()


def test_overview_numbers_equal_the_pipeline_report(world, viewer):
    response = zh(login(viewer), reverse("dashboard:pipeline"))
    html = response.content.decode()
    report = selectors.pipeline_report()
    in_pipeline = sum(s.count for s in report.stages if not s.outcome)
    in_valley = sum(s.count for s in report.stages if s.in_valley)
    assert _tile(html, "kpi-in-pipeline") == str(in_pipeline)
    assert _tile(html, "kpi-in-valley") == str(in_valley)
    assert _tile(html, "kpi-crossed") == str(report.crossed_valley)
    assert in_valley > 0 and report.crossed_valley > 0  # the fixture covers both
    # The funnel's table carries the report's count and entered per stage.
    funnel = response.context["charts"]["funnel"]
    with translation.override("zh-hans"):
        assert [row[2:4] for row in funnel.rows] == [
            [str(s.count), str(s.entered)] for s in report.stages
        ]
    conversion = response.context["charts"]["conversion"]
    assert [row[3] for row in conversion.rows] == [
        f"{s.conversion * 100:.1f}%" if s.conversion is not None else "—"
        for s in report.stages
        if not s.outcome
    ]
    # Total raised: every disclosed round of the fixture, in 亿元/万元.
    raised = sum(
        (r.amount for s in world.startups for r in s.funding_rounds.all() if r.amount),
        Decimal(0),
    )
    assert _tile(html, "kpi-raised") == formatting.format_money(raised, "zh-hans")
    # Fund deployed: what the fund paid in, as its report says.
    deployed = selectors.fund_report(world.fund).disbursed
    assert _tile(html, "kpi-deployed") == formatting.format_money(deployed, "zh-hans")
    # The fixture's fund holds only quantum-computing startups (every third one).
    assert data.fund_deployed(PipelineFilters(tech_area=TechArea.COMPUTING)) == deployed
    assert data.fund_deployed(PipelineFilters(tech_area=TechArea.SENSING)) == 0


def test_fund_numbers_equal_the_fund_report(world, viewer):
    response = zh(login(viewer), reverse("dashboard:fund", args=[world.fund.pk]))
    html = response.content.decode()
    report = selectors.fund_report(world.fund)
    assert report.committed > 0 and report.disbursed > 0
    for element_id, value in (
        ("fund-size", report.size),
        ("fund-committed", report.committed),
        ("fund-disbursed", report.disbursed),
        ("fund-available", report.available),
    ):
        assert _tile(html, element_id) == formatting.format_money(value, "zh-hans")
    assert _tile(html, "fund-gross-moic") == f"{report.gross_moic:.2f}x"
    assert _tile(html, "fund-gross-dpi") == f"{report.gross_dpi:.2f}x"
    assert _tile(html, "fund-gross-rvpi") == f"{report.gross_rvpi:.2f}x"
    assert _tile(html, "fund-gross-irr") == f"{report.gross_irr * 100:.1f}%"
    assert "<dt>TVPI</dt>" not in html and "<dt>DPI</dt>" not in html  # gross, not LP figures
    holdings = selectors.fund_holdings(world.fund)
    assert response.context["board"].holdings == holdings
    for holding in holdings:
        assert holding.name in html
    # One compliance row per check, pass/fail as the report says.
    assert html.count("data-rule=") == len(report.compliance)
    assert html.count("pill pass") == sum(c.ok for c in report.compliance)


def test_fund_page_as_of_filter(world, viewer):
    as_of = dt.date(2024, 3, 31)
    response = zh(login(viewer), reverse("dashboard:fund", args=[world.fund.pk]), as_of=as_of)
    report = selectors.fund_report(world.fund, as_of)
    assert response.context["report"].committed == report.committed
    assert report.committed < selectors.fund_report(world.fund).committed
    bad = zh(login(viewer), reverse("dashboard:fund", args=[world.fund.pk]), as_of="31/03/2024")
    assert bad.status_code == 400
    assert "截至日期" in bad.content.decode()  # the field is named in the error


def test_money_in_chinese_and_english(world, viewer):
    client = login(viewer)
    url = reverse("dashboard:fund", args=[world.fund.pk])
    assert "2.00 亿元" in zh(client, url).content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "CNY 200.0M" in english
    assert "亿元" not in english


# --- filters -------------------------------------------------------------------------------


def test_filters_apply_to_every_chart(world, viewer):
    institution = world.institutions[1]
    params = {
        "tech_area": TechArea.COMMUNICATION,
        "institution": institution.pk,
        "as_of": "2025-01-01",
    }
    response = zh(login(viewer), reverse("dashboard:pipeline"), **params)
    assert response.status_code == 200
    overview = response.context["overview"]
    filters = overview.filters
    assert filters == PipelineFilters(
        tech_area="communication", institution=institution.pk, as_of=dt.date(2025, 1, 1)
    )
    report = selectors.pipeline_report(**filters.report_kwargs())
    assert overview.report == report
    # Every breakdown counts only the filtered startups.
    for groups in (overview.by_cohort, overview.by_tech_area, overview.by_institution):
        assert sum(g.total for g in groups) == report.total
    assert [g.key for g in overview.by_tech_area] == ["communication"]
    assert [g.key for g in overview.by_institution] == [institution.pk]
    # The API links carry the same filters.
    assert overview.filters.tech_area in response.context["report_url"]
    for chart in response.context["charts"].values():
        assert "tech_area=communication" in chart.api_url


def test_cohort_filter(world, viewer):
    response = zh(login(viewer), reverse("dashboard:pipeline"), cohort=2021)
    overview = response.context["overview"]
    assert [g.key for g in overview.by_cohort] == [2021]
    assert overview.report == selectors.pipeline_report(cohort=2021)


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("as_of", "2025-13-01"),
        ("institution", "999999"),
        ("tech_area", "alchemy"),
        ("cohort", "1999"),
    ],
)
def test_bad_filter_is_a_400_naming_the_field(world, viewer, param, value):
    response = login(viewer).get(
        reverse("dashboard:pipeline"), {param: value}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.context["form"].errors[param]
    assert 'role="alert"' in response.content.decode()


# --- the read side -------------------------------------------------------------------------


def test_each_chart_is_one_aggregate_query(world, django_assert_num_queries, report_cache_off):
    filters = PipelineFilters(tech_area=TechArea.COMPUTING, as_of=dt.date(2025, 6, 30))
    stages = list(Stage.objects.all())
    for chart in (
        data.valley_by_cohort,
        data.valley_by_tech_area,
        data.valley_by_institution,
    ):
        with django_assert_num_queries(1):
            chart(filters, stages)
    with django_assert_num_queries(1):
        data.raised_by_year(filters)
    with django_assert_num_queries(1):
        data.fund_deployed(filters)
    with django_assert_num_queries(1):
        data.watch_list(filters, stages, {})
    with django_assert_num_queries(1):
        data.fund_deployment(world.fund, dt.date(2025, 6, 30))
    with django_assert_num_queries(1):
        data.stage_median_days(stages[0], dt.date(2025, 6, 30))


def test_breakdowns_add_up(world):
    filters = PipelineFilters()
    overview = data.pipeline_overview(filters)
    for groups in (overview.by_cohort, overview.by_tech_area):
        assert sum(g.total for g in groups) == overview.report.total
        assert sum(g.crossed for g in groups) == overview.report.crossed_valley
        assert sum(g.in_valley for g in groups) == overview.headline.in_valley
        for g in groups:
            assert g.crossed + g.in_valley + g.closed + g.before_valley == g.total


def test_deployment_ends_at_the_report_figures(world):
    points = data.fund_deployment(world.fund, dt.date.today())
    report = selectors.fund_report(world.fund)
    assert points[-1].cumulative_committed == report.committed
    assert points[-1].cumulative_disbursed == report.disbursed
    assert [p.month for p in points] == sorted(p.month for p in points)


def test_stage_median_matches_the_pipeline_report(world):
    report = selectors.pipeline_report()
    for row in report.stages:
        stage = Stage.objects.get(slug=row.slug)
        assert data.stage_median_days(stage, dt.date.today()) == row.median_days


def test_stalled_warning(db, viewer):
    lab, concept = Stage.objects.get(slug="lab"), Stage.objects.get(slug="concept")
    today = dt.date.today()
    # Two startups that left the lab after 100 days: the median stay is 100.
    for n in range(2):
        quick = factories.StartupFactory(admitted_on=today - dt.timedelta(days=400 + n))
        services.startup_advance(
            startup=quick, to_stage=concept, on=quick.admitted_on + dt.timedelta(days=100), trl=3
        )
    stuck = factories.StartupFactory(admitted_on=today - dt.timedelta(days=350))
    fresh = factories.StartupFactory(admitted_on=today - dt.timedelta(days=30))
    client = login(viewer)
    html = zh(client, reverse("dashboard:startup", args=[stuck.pk])).content.decode()
    assert 'id="stalled-warning"' in html
    assert _tile(html, "startup-days") == "350"
    html = zh(client, reverse("dashboard:startup", args=[fresh.pk])).content.decode()
    assert 'id="stalled-warning"' not in html
    assert stuck.stage == lab
    watch = data.pipeline_overview(PipelineFilters()).watch_list
    flags = {row.startup_id: row.stalled for row in watch}
    assert flags[stuck.pk] is True and flags[fresh.pk] is False


def test_startup_page_shows_its_history(world, viewer):
    startup = world.startups[5]
    response = zh(login(viewer), reverse("dashboard:startup", args=[startup.pk]))
    board = response.context["board"]
    assert [t.to_stage.slug for t in board.transitions] == [
        "lab",
        "concept",
        "prototype",
        "pilot",
        "first-sales",
        "scale-up",
    ]
    timeline = response.context["charts"]["timeline"]
    kinds = [row[1] for row in timeline.rows]
    assert kinds.count("Stage") + kinds.count("阶段") == 6
    assert len(timeline.rows) == 6 + startup.funding_rounds.count() + startup.milestones.count()
    assert len(response.context["charts"]["revenue"].rows) == 4
    assert [row[2] for row in response.context["charts"]["trl"].rows] == [
        str(t.trl) for t in board.transitions
    ]


def test_every_chart_has_a_table_and_an_api_link(world, viewer):
    client = login(viewer)
    for url in pages(world):
        response = zh(client, url)
        html = response.content.decode()
        for chart in response.context["charts"].values():
            assert chart.api_url.startswith("/api/v1/")
            assert f'id="{chart.id}-table"' in html
            assert chart.rows, chart.id
            assert all(len(row) == len(chart.columns) for row in chart.rows)
        # Nothing is loaded from another host.
        assert not re.search(r'(src|href)="(https?:)?//', html)


def test_names_are_escaped_in_charts(db, viewer):
    startup = factories.StartupFactory(name="<script>alert(1)</script>量子")
    html = zh(login(viewer), reverse("dashboard:startup", args=[startup.pk])).content.decode()
    assert "<script>alert(1)" not in html
    html = zh(login(viewer), reverse("dashboard:pipeline")).content.decode()
    assert "<script>alert(1)" not in html


def test_empty_database_renders(db, viewer):
    fund = factories.FundFactory()
    startup = factories.StartupFactory()
    client = login(viewer)
    assert zh(client, reverse("dashboard:pipeline")).status_code == 200
    assert zh(client, reverse("dashboard:fund", args=[fund.pk])).status_code == 200
    assert zh(client, reverse("dashboard:startup", args=[startup.pk])).status_code == 200
    assert zh(client, reverse("dashboard:impact")).status_code == 200


# --- query counts do not grow with the data ------------------------------------------------


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert zh(client, url).status_code == 200
    return len(queries)


@pytest.mark.usefixtures("report_cache_off")  # what computing it costs
def test_query_counts_are_the_same_at_n_and_3n(db, viewer):
    n = 7
    world = build_world(n)
    client = login(viewer)
    urls = [
        reverse("dashboard:pipeline"),
        reverse("dashboard:pipeline") + "?tech_area=sensing&as_of=2025-01-01&cohort=2021",
        reverse("dashboard:fund", args=[world.fund.pk]),
        reverse("dashboard:startup", args=[world.startups[5].pk]),
        reverse("dashboard:impact") + "?year=2024&population=all",
    ]
    zh(client, urls[0])  # warm the session
    before = [_count_queries(client, url) for url in urls]
    build_world(2 * n, fund=world.fund, offset=n)
    after = [_count_queries(client, url) for url in urls]
    assert before == after
    # The overview: the pipeline report (5), the valley report (4), the tracked benchmark
    # (2), its own charts, the incubation panels (6: agreements, rules, startups, rounds,
    # KPI revenue, 高企 applications) and the page's furniture (session with its user,
    # filter choices, funds).
    assert max(after) <= 32
    # A startup's page costs the same whatever its history (1 to 6 moves, 1 to 3 rounds).
    startup_counts = {
        _count_queries(client, reverse("dashboard:startup", args=[s.pk]))
        for s in world.startups[:6]
    }
    assert len(startup_counts) == 1


def test_fund_without_local_region_or_target_fields(world, viewer):
    """Both policy settings may be blank; the report (and so the page) must still work."""
    fund = world.fund
    fund.local_region = ""
    fund.target_tech_areas = []
    fund.save()
    report = selectors.fund_report(fund)
    checks = {c.rule: c for c in report.compliance}
    assert checks["min_local_pct"].actual == Decimal("0.00")
    assert checks["min_target_sector_pct"].actual == Decimal("0.00")
    assert checks["min_local_pct"].ok is False  # the fixture fund requires 50% local
    response = zh(login(viewer), reverse("dashboard:fund", args=[fund.pk]))
    assert response.status_code == 200
