"""The fund's investors on the pages: the LP table equals the LP report, the printable
statement equals the capital accounts, access follows the roles, and the query count does
not grow with the fund's rows."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.selectors import lp_report
from portfolio.services import lps
from tests.support import worked_fund as W
from tests.support.clients import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked():
    return W.build()


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def cell(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert match, element_id
    return match.group(1).strip()


def test_the_lp_page_shows_the_lp_report(worked, viewer):
    url = reverse("dashboard:fund-lps", args=[worked.fund.pk])
    html = page(login(viewer), url, as_of="2025-06-30")
    report = lp_report.lp_report(worked.fund, dt.date(2025, 6, 30))
    assert cell(html, "lp-net-tvpi") == "1.90x"
    assert cell(html, "lp-net-irr") == "36.0%"
    for row in report.lps:
        assert f'data-lp="{row.limited_partner.pk}"' in html
        assert row.limited_partner.name in html
    assert "illustrative" in html  # the worked example's LPs are labelled as invented
    assert f"funds/{worked.fund.pk}/lp-report/" in html  # the API export of the same figures
    fund_page = page(login(viewer), reverse("dashboard:fund", args=[worked.fund.pk]))
    assert url in fund_page


def test_the_statement_shows_the_capital_account(worked, viewer):
    lp = worked.lps["LP2"]
    url = reverse("dashboard:lp-statement", args=[worked.fund.pk, lp.pk])
    html = page(login(viewer), url, year=2025, quarter=2)
    assert "2025-04-01 – 2025-06-30" in html
    quarter, inception = W.ACCOUNTS["LP2"]
    rows = re.findall(
        r'data-line="(\w+)"[^>]*><th[^>]*>[^<]*</th><td class="num">([^<]*)</td>'
        r'<td class="num">([^<]*)</td>',
        html,
    )
    shown = {line: (period, since) for line, period, since in rows}
    assert shown["beginning"][0] == f"{quarter[0]:,}.00 元"
    assert shown["ending"] == (f"{quarter[-1]:,}.00 元", f"{inception[-1]:,}.00 元")
    assert shown["contributions"][1] == f"{inception[1]:,}.00 元"
    stylesheet = Path(finders.find("portfolio/dashboard.css")).read_text()
    assert "@media print" in stylesheet  # the statement prints without the navigation


def test_a_bad_quarter_is_a_400_naming_the_field(worked, viewer):
    url = reverse("dashboard:lp-statement", args=[worked.fund.pk, worked.lps["LP1"].pk])
    response = login(viewer).get(url, {"year": "x", "quarter": "9"})
    assert response.status_code == 400
    assert b'role="alert"' in response.content


def test_an_lp_of_another_fund_is_404(worked, viewer):
    other = lps.limited_partner_create(name="别的出资人", kind="social_capital")
    url = reverse("dashboard:lp-statement", args=[worked.fund.pk, other.pk])
    assert login(viewer).get(url).status_code == 404


@pytest.mark.parametrize("persona", ["viewers", "incubator-staff", "fund-managers"], indirect=True)
def test_every_role_reads_the_lp_pages_and_anonymous_logs_in(worked, persona, client):
    url = reverse("dashboard:fund-lps", args=[worked.fund.pk])
    assert login(persona).get(url).status_code == 200
    assert client.get(url).status_code == 302


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.usefixtures("report_cache_off")  # what computing it costs
def test_query_counts_do_not_grow_with_the_fund_rows(worked, viewer):
    client = login(viewer)
    urls = [
        reverse("dashboard:fund-lps", args=[worked.fund.pk]) + "?as_of=2025-12-31",
        reverse("dashboard:lp-statement", args=[worked.fund.pk, worked.lps["LP1"].pk])
        + "?year=2025&quarter=4",
    ]
    client.get(urls[0])  # warm the session
    before = [_queries(client, url) for url in urls]
    # More of everything: a call with its payments, expenses, distributions.
    call = lps.capital_call_create(
        fund=worked.fund, call_date=dt.date(2025, 7, 2), due_date=dt.date(2025, 7, 2), amount=W.M
    )
    for item in call.items.all():
        lps.capital_call_payment_record(
            capital_call=call,
            limited_partner=item.limited_partner,
            paid_on=dt.date(2025, 7, 3),
            amount=item.amount,
        )
    for n in range(3):
        lps.fund_expense_record(
            fund=worked.fund, incurred_on=dt.date(2025, 8, 1 + n), amount=1000, category="legal"
        )
        lps.lp_distribution_record(fund=worked.fund, paid_on=dt.date(2025, 9, 1 + n), amount=1000)
    after = [_queries(client, url) for url in urls]
    assert before == after
    assert max(after) <= 30


def test_the_lp_page_lists_the_calls_and_marks_a_late_payer(worked, viewer, fund_manager):
    call = lps.capital_call_create(
        fund=worked.fund, call_date=dt.date(2025, 7, 1), due_date=dt.date(2025, 7, 15), amount=W.M
    )
    late = call.items.get(limited_partner=worked.lps["LP3"])
    lps.capital_call_payment_record(
        capital_call=call, limited_partner=worked.lps["LP3"], paid_on=dt.date(2025, 7, 2), amount=1
    )
    lps.call_default_record(item=late, noticed_on=dt.date(2025, 7, 20), by=fund_manager)
    url = reverse("dashboard:fund-lps", args=[worked.fund.pk])
    html = page(login(viewer), url, as_of="2025-07-31")
    rows = re.findall(r'<tr data-call="3" data-lp="(\d+)"( class="overdue")?>', html)
    # every LP's part of the new call; all three unpaid past the due date, so all overdue
    assert sorted(int(lp) for lp, _ in rows) == sorted(lp.pk for lp in worked.lps.values())
    assert all(overdue for _, overdue in rows)
    assert html.count('class="pill overdue"') == 3
    assert "2025年7月20日" in html  # LP3's recorded default (Chinese dates by default)
    # the day before the due date nothing is late, and the old calls are paid
    html = page(login(viewer), url, as_of="2025-07-14")
    assert 'class="pill overdue"' not in html
    assert 'data-call="1"' in html
    assert 'id="fund-tabs"' in html and 'aria-current="page"' in html
