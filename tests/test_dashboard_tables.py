"""Long dashboard tables (issue 17, bar P9): a table shows its first rows, says how many there
are in all and links to the page with every row (``?rows=all``); the totals stay those of
every row; a bad ``rows`` is a 400 naming the field."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from portfolio.dashboards import charts
from portfolio.dashboards.panels import common
from portfolio.dashboards.panels import fund as fund_panels
from tests.support.clients import login
from tests.support.worlds import build_world
from tests.test_dashboard_incubation import rows as incubation_rows

pytestmark = pytest.mark.django_db


def section(page: str, element_id: str) -> str:
    return page.split(f'id="{element_id}"')[1].split("</section>")[0]


def body_rows(html: str) -> int:
    return html.split("<tbody>")[1].split("</tbody>")[0].count("<tr")


def en(client, url, **params):
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")


def test_the_pipeline_tables_show_their_first_rows_and_link_to_all(viewer, monkeypatch):
    monkeypatch.setattr(common, "TABLE_ROWS", 2)
    incubation_rows(3)  # 3 past their deadline, 6 meeting a graduation test
    client, url = login(viewer), reverse("dashboard:pipeline")
    page = en(client, url, tech_area="computing").content.decode()
    past, due = section(page, "past-incubation-deadline"), section(page, "graduation-due")
    assert body_rows(past) == 2 and body_rows(due) == 2
    assert "The first 2 of 3 rows." in past and "The first 2 of 6 rows." in due
    # the link keeps the page's other parameters
    link = re.search(r'<p class="table-more[^>]*>.*?href="([^"]+)"', past).group(1)
    assert link == f"{url}?tech_area=computing&amp;rows=all"
    everything = en(client, url, tech_area="computing", rows="all").content.decode()
    past, due = (
        section(everything, "past-incubation-deadline"),
        section(everything, "graduation-due"),
    )
    assert body_rows(past) == 3 and body_rows(due) == 6
    assert "table-more" not in past + due
    # the form shows the choice, so "Apply" keeps it
    assert re.search(r'<option value="all" selected>All</option>', everything)


@pytest.mark.parametrize("page", ["dashboard:pipeline", "dashboard:fund"])
def test_a_bad_rows_value_is_a_400_naming_the_field(viewer, page):
    world = build_world(1)
    url = reverse(page, args=[world.fund.pk] if page == "dashboard:fund" else [])
    response = en(login(viewer), url, rows="everything")
    assert response.status_code == 400
    assert response.context["form"].errors["rows"]
    assert "Table rows: Select a valid choice." in response.content.decode()


def test_the_fund_tables_show_their_first_rows_and_totals_of_all(viewer, monkeypatch):
    monkeypatch.setattr(common, "TABLE_ROWS", 2)
    monkeypatch.setattr(fund_panels, "CONCENTRATION_BARS", 2)
    world = build_world(14)  # the fund holds every third company that is not closed
    client, url = login(viewer), reverse("dashboard:fund", args=[world.fund.pk])
    response = en(client, url)
    holdings = section(response.content.decode(), "holdings")
    n = len(response.context["board"].holdings)
    assert n > 2
    assert body_rows(holdings) == 2
    assert f"The first 2 of {n} rows." in holdings
    total = response.context["report"].committed
    assert total == sum(h.committed for h in response.context["board"].holdings)
    assert len(response.context["holdings"].rows) == 2
    # the concentration chart draws the largest two and says so
    chart = response.context["charts"]["by_company"]
    assert len(chart.rows) == 2
    assert chart.note.startswith(f"The 2 largest of {n} companies by amount committed")
    largest = max(response.context["board"].holdings, key=lambda h: h.committed)
    assert chart.rows[0][0] == (largest.name_en or largest.name)  # the page is in English
    # the policy tables: their first rows, formatted (a holding each)
    caps, tech = response.context["stake_caps"], response.context["startup_tech"]
    assert (len(caps.rows), caps.total, len(tech.rows), tech.total) == (2, n, 2, n)
    assert all(row.cells for row in tech.rows)
    everything = en(client, url, rows="all")
    assert body_rows(section(everything.content.decode(), "holdings")) == n
    assert "table-more" not in section(everything.content.decode(), "holdings")


def test_the_survival_curve_keeps_one_drop_per_pixel_column():
    """Thousands of stays draw the same line with a point pair per column, not per stay."""
    days = list(range(1, 3001))
    points = [(day, 1 - day / 3001) for day in days]
    series = [charts.StepSeries("all", "#000", points, until=3000)]
    svg = str(charts.survival_steps("c", "t", series, width=400))
    drawn = re.search(r'points="([^"]+)"', svg).group(1).split()
    columns = {round(float(point.split(",")[0])) for point in drawn}
    assert len(drawn) <= 2 * len(columns) + 2 < 2 * len(points)
    # the curve starts at 100% and ends at the last share, falling all along
    heights = [float(point.split(",")[1]) for point in drawn]
    assert heights == sorted(heights)
    assert svg.count("<circle") <= len(columns)
    assert charts._one_drop_per_column([(1.0, 1.0), (2.0, 2.0)]) == [("1.0", "1.0"), ("2.0", "2.0")]
