"""The impact page (issue 16): the hand-worked world's figures on the page, each with whose it
is and how it is computed, the thresholds with their status, the year form's errors shown on
the form (never a 500), the roles that see it, and queries that do not grow with rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.support import factories
from tests.support.clients import login
from tests.support.factories import make_user
from tests.support.founders import make_founder
from tests.support.impact_world import approved, impact_world, kpi

pytestmark = pytest.mark.django_db

URL = "/dashboard/impact/"


@pytest.fixture
def world():
    return impact_world()


def page(user, params=None, status=200) -> str:
    response = login(user).get(URL, params or {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status, response.content[:2000]
    return response.content.decode()


def cell(html: str, element_id: str) -> str:
    match = re.search(rf'id="{re.escape(element_id)}"[^>]*>(.*?)</t[dr]>', html, re.S)
    assert match, element_id
    return match.group(1).strip()


def test_the_url_name_and_the_nav_link(viewer):
    assert reverse("dashboard:impact") == URL
    html = page(viewer, {"year": 2025})
    assert f'href="{URL}" aria-current="page"' in html


def test_the_page_shows_the_hand_worked_figures_with_whose_and_how(world, viewer):
    html = page(viewer, {"year": 2025})
    assert cell(html, "impact-jobs") == "17"
    assert cell(html, "impact-new-graduates") == "3"
    assert cell(html, "impact-phds") == "3"
    assert cell(html, "impact-revenue") == "CNY 300,000"  # 300000.50, whole yuan
    assert cell(html, "impact-taxes") == "CNY 1,500"
    assert cell(html, "impact-patents-filed") == "7"
    assert cell(html, "impact-patents-granted") == "3"
    assert cell(html, "impact-financing") == "CNY 75.0M"
    assert cell(html, "impact-fund-invested") == "CNY 2.0M"
    assert cell(html, "impact-fund-share") == "2.7%"
    assert cell(html, "impact-leverage") == "37.50x"
    assert cell(html, "impact-high-tech") == "1"
    assert cell(html, "impact-specialised") == "1"
    assert cell(html, "impact-graduations") == "1"
    assert cell(html, "impact-listings") == "1"
    assert cell(html, "impact-moved-in") == "1"
    # whose: every figure row names the population; how: its own caption
    table = html.split('id="impact-figures-table"')[1].split("</table>")[0]
    assert table.count("Incubatees: the 4 startups admitted by 31 December 2025") == 16
    assert "last count of the year minus its last count of the year before" in table
    assert "2 of them reported in 2025; the others add nothing." in table
    assert 'id="impact-whose">Incubatees: the 4 startups' in html


def test_the_thresholds_show_each_status_and_why_there_is_no_data(world, viewer):
    html = page(viewer, {"year": 2025})
    rows = dict(re.findall(r'id="(threshold-[a-z0-9_-]+)" data-status="([a-z_]+)"', html))
    assert rows["threshold-national-incubatees"] == "met"  # 2 ≥ 2 (the 2025 rule)
    assert rows["threshold-specialised-incubatees"] == "not_yet"  # 2 < 30
    assert rows["threshold-national-space_m2"] == "no_data"
    assert len(rows) == 19
    space = html.split('id="threshold-national-space_m2"')[1].split("</tr>")[0]
    assert "the space the incubator controls" in space and "No data" in space
    financed = html.split('id="threshold-national-financed_pct"')[1].split("</tr>")[0]
    assert "50.00%" in financed and "≥ 10.00%" in financed
    assert "with a round closed in the year" in financed
    assert "试行2025" in html.split('id="threshold-national-incubatees"')[1].split("</tr>")[0]
    # the charts: drawn on the server, with their data tables and the API link
    for chart in ("chart-impact-thresholds", "chart-impact-financing"):
        assert f'id="{chart}" aria-labelledby="{chart}-caption"' in html
        assert f'id="{chart}-table"' in html
    assert "<svg" in html and "/api/v1/reports/impact/?year=2025&amp;population=incubator" in html
    assert '<script src="http' not in html


def test_another_population_says_whose_figures_they_are(world, viewer):
    html = page(viewer, {"year": 2025, "population": "tracked"})
    assert cell(html, "impact-jobs") == "50"
    assert "Tracked companies: the 1 companies followed, never admitted" in html
    # the thresholds stay the incubator's
    assert 'id="threshold-national-incubatees" data-status="met"' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "abc"}, "Enter a whole number."),
        ({"year": "1999"}, "greater than or equal to 2000"),
        ({"year": "2101"}, "less than or equal to 2100"),
        ({"year": "2025", "population": "nobody"}, "Select a valid choice."),
    ],
)
def test_a_bad_year_is_a_form_error_not_a_500(viewer, params, message):
    html = page(viewer, params, status=400)
    assert 'class="error" role="alert"' in html and message in html
    assert 'id="impact-figures"' not in html


def test_the_default_is_this_year(viewer):
    html = page(viewer)
    assert f'id="impact-year">{timezone.localdate().year}<' in html
    assert 'id="impact-figures"' in html


def test_who_may_see_it(world, viewer):
    for role in ("incubator-staff", "fund-managers"):
        assert 'id="impact-figures"' in page(make_user(role), {"year": 2025})
    founder = make_founder(world["a"])
    response = login(founder).get(URL, {"year": 2025})
    assert response.status_code == 302 and response["Location"].startswith("/founder/")
    from django.test import Client

    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def more_rows(n: int, offset: int) -> None:
    for i in range(offset, offset + n):
        startup = factories.StartupFactory(name=f"影响{i}", admitted_on=dt.date(2024, 1, 1))
        kpi(startup, 2025, 1 + i % 4, headcount=3, patents_filed=1)
        factories.FundingRoundFactory(startup=startup, closed_on=dt.date(2025, 2, 1))
        approved(startup, "specialised_sme", dt.date(2025, 1, 1), None)
        factories.MentorFactory()
        factories.SpaceLeaseFactory(startup=startup)


@pytest.mark.usefixtures("report_cache_off")  # what computing it costs
def test_the_pages_queries_do_not_grow_with_rows(viewer, django_assert_max_num_queries):
    client = login(viewer)
    more_rows(3, 0)  # N
    client.get(URL, {"year": 2025})
    with django_assert_max_num_queries(40) as few:
        client.get(URL, {"year": 2025})
    more_rows(6, 3)  # 3N
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(URL, {"year": 2025}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert cell(html, "impact-jobs") == str(3 * 9)
    assert cell(html, "impact-specialised") == "9"


def test_the_transfer_funnel_per_institution_is_on_the_page(viewer):
    """Two licences from one institution to one spin-off (counted once), admitted, with a
    2025 round of 3,000,000 yuan; a transfer of a later year is not counted for 2025."""
    institution = factories.InstitutionFactory(name="示例研究院(测试)", name_en="Test Institute")
    spin_off = factories.StartupFactory(institution=institution, admitted_on=dt.date(2024, 3, 1))
    for on in (dt.date(2024, 5, 1), dt.date(2025, 2, 1)):
        factories.TechTransferFactory(
            startup=spin_off, institution=institution, contract_on=on, ip_items=[]
        )
    factories.TechTransferFactory(contract_on=dt.date(2026, 1, 5), ip_items=[])  # later
    factories.FundingRoundFactory(
        startup=spin_off, round_type="a", closed_on=dt.date(2025, 6, 1), amount=3000000
    )
    html = page(viewer, {"year": 2025})
    section = html[html.index('id="impact-funnel"') :]
    row = section[section.index(f'data-institution="{institution.pk}"') :]
    cells = re.findall(r'<td class="num">(.*?)</td>', row[: row.index("</tr>")], re.S)
    assert cells[0].startswith("2 ") and "1 this year" in cells[0]  # contracts
    assert [c.strip() for c in cells[2:6]] == ["1", "1", "0", "0"]  # spin-offs .. graduated
    assert "3.0" in cells[8]  # CNY 3.0M in English
    assert section.count("data-institution=") == 1  # the 2026 contract's institution: not yet
    assert "/api/v1/reports/transfer-funnel/?year=2025" in section
