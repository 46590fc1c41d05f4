"""The pipeline page's populations, its "time in the valley" chart, the "stuck in the valley"
table and the tracked companies' benchmark: the same figures as the reports."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio import selectors, services
from portfolio.models.choices import Population
from tests.support import factories
from tests.support.clients import login
from tests.support.factories import StartupFactory, stage

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def in_prototype(name: str, days: int, moved_on: bool, **fields):
    """Entered prototype (a valley stage) ``days`` ago, or stayed ``days`` and crossed."""
    entered = TODAY - dt.timedelta(days=days + (100 if moved_on else 0))
    fields.setdefault("admitted_on", entered)
    fields.setdefault("name_en", name)
    startup = StartupFactory(
        name=name,
        stage=stage("prototype"),
        trl=5,
        entered_on=entered,
        **fields,
    )
    if moved_on:
        services.startup_advance(
            startup=startup,
            to_stage=stage("first-sales"),
            on=entered + dt.timedelta(days=days),
            trl=7,
        )
    return startup


@pytest.fixture
def valley_world():
    """Four incubatees through prototype (two crossed after 50 and 100 days, two still in
    for 400 and 30 days; the 400-day one backed, with a KPI report), and a tracked company
    stuck for 900 days that the incubator's figures must leave out."""
    crossed_fast = in_prototype("快", 50, True)
    crossed_slow = in_prototype("慢", 100, True)
    stuck = in_prototype("困", 400, False)
    fresh = in_prototype("新", 30, False)
    peer = in_prototype("同行", 900, False, admitted_on=None)
    fund = factories.FundFactory()
    factories.CommitmentFactory(fund=fund, startup=stuck, approved_on=TODAY)
    factories.KpiReportFactory(
        startup=stuck, year=2020, quarter=4, cash=Decimal("1200000"), runway_months=Decimal("3")
    )
    return {
        "stuck": stuck,
        "fresh": fresh,
        "peer": peer,
        "fast": crossed_fast,
        "slow": crossed_slow,
    }


def page(client, **params):
    response = client.get(reverse("dashboard:pipeline"), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


def tile(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert match, element_id
    return match.group(1).strip()


@pytest.mark.parametrize("population", [None, "incubator", "tracked", "all"])
def test_headline_numbers_equal_the_report_of_the_population(valley_world, viewer, population):
    params = {"population": population} if population else {}
    html = page(login(viewer), **params).content.decode()
    report = selectors.pipeline_report(population=population or Population.INCUBATOR)
    assert tile(html, "kpi-in-pipeline") == str(
        sum(r.count for r in report.stages if not r.outcome)
    )
    assert tile(html, "kpi-in-valley") == str(sum(r.count for r in report.stages if r.in_valley))
    assert tile(html, "kpi-crossed") == str(report.crossed_valley)
    expected_in_valley = {None: 2, "incubator": 2, "tracked": 1, "all": 3}[population]
    assert tile(html, "kpi-in-valley") == str(expected_in_valley)


def test_survival_chart_and_stuck_table_carry_the_valley_report(valley_world, viewer):
    response = page(login(viewer))
    html = response.content.decode()
    valley = selectors.valley_report()
    chart = response.context["charts"]["valley_survival"]
    assert chart.api_url == "/api/v1/reports/valley/?population=incubator"
    # all, fund-backed, not backed; the stays 50 and 100 (crossed), 400 and 30 (still in)
    assert [row[:6] for row in chart.rows] == [
        ["All in the valley", "4", "2", "0", "0", "2"],
        ["Fund-backed", "1", "0", "0", "0", "1"],
        ["Not backed", "3", "2", "0", "0", "1"],
    ]
    all_group = valley.group("all")
    assert all_group.survival.median == 100  # S(50) = 3/4, S(100) = 3/4 * 2/3 = 1/2
    assert chart.rows[0][7] == "100"
    assert chart.rows[1][7] == "more than 400 days"  # one stay, still in: no median
    assert html.count('class="survival-curve"') == 3  # one curve per group
    assert "does not show that backing causes crossing" in html
    # The stuck table: the report's censored stays, longest first; the tracked peer is not
    # there. 400 days is more than twice the median (100): stalled.
    table = html[
        html.index('id="stuck-table"') : html.index("</table>", html.index('id="stuck-table"'))
    ]
    assert table.index("困") < table.index("新")
    assert "同行" not in table
    rows = response.context["overview"].stuck
    assert [(r.row.startup_id, r.row.days_in_valley, r.stalled) for r in rows] == [
        (valley_world["stuck"].pk, 400, True),
        (valley_world["fresh"].pk, 30, False),
    ]
    assert rows[0].row.backed and not rows[1].row.backed
    assert "2020Q4" in table and "3.0" in table


def test_a_censored_only_stage_says_more_than_n_days(viewer):
    for days in (30, 400, 90):
        in_prototype(f"S{days}", days, False)
    response = page(login(viewer))
    median = response.context["charts"]["median"]
    prototype = next(row for row in median.rows if row[0] == "Prototype")
    assert prototype[1:5] == ["3", "3", "—", "more than 400 days"]
    assert "more than 400 days" in response.content.decode()


def test_tracked_companies_are_a_benchmark_panel_not_mixed_in(valley_world, viewer):
    response = page(login(viewer))
    html = response.content.decode()
    panel = html[html.index('id="tracked-benchmark"') :]
    assert "同行" in panel
    tracked = response.context["overview"].tracked
    assert (tracked.total, tracked.in_valley, tracked.crossed) == (1, 1, 0)
    assert "population=tracked" in panel
    # Asked for all companies, the page mixes them in on purpose and drops the panel.
    everyone = page(login(viewer), population="all")
    assert 'id="tracked-benchmark"' not in everyone.content.decode()
    assert everyone.context["overview"].tracked is None


def test_an_unknown_population_is_a_form_error(viewer):
    response = login(viewer).get(reverse("dashboard:pipeline"), {"population": "peers"})
    assert response.status_code == 400
    assert "population" in response.context["form"].errors


def test_startup_page_stalled_flag_uses_the_kaplan_meier_median(valley_world, viewer):
    from portfolio.dashboards import data

    board = data.startup_dashboard(valley_world["stuck"])
    row = next(r for r in selectors.pipeline_report().stages if r.slug == "prototype")
    assert board.median_days == row.median_days == 100
    assert board.stalled  # 400 days in prototype, more than twice 100


@pytest.mark.usefixtures("report_cache_off")  # what computing it costs
def test_the_page_and_its_valley_chart_cost_the_same_queries_with_more_data(valley_world, viewer):
    client = login(viewer)
    page(client)

    def count():
        with CaptureQueriesContext(connection) as queries:
            page(client)
        return len(queries)

    before = count()
    for n in range(8):
        startup = in_prototype(f"更多{n}", 20 + 60 * n, n % 2 == 0)
        factories.KpiReportFactory(startup=startup, year=2021, quarter=1)
        in_prototype(f"同行{n}", 30 + n, False, admitted_on=None)
    assert count() == before
