"""The policy pack on the fund page: the figures equal the selector's (so the API's), each
with how it is computed, the export links, who sees the section, both languages, and a
query count that does not grow with the holdings."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio import services
from tests.support import factories, policy_fund
from tests.support.clients import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    return policy_fund.build()


def page(client, fund, **params) -> str:
    response = client.get(
        reverse("dashboard:fund", args=[fund.pk]), params, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    return response.content.decode()


def value(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert match, element_id
    return match.group(1).strip()


def test_the_policy_section_shows_the_packs_figures(built, viewer):
    html = page(login(viewer), built.fund, as_of="2024-12-31")
    assert 'id="policy"' in html
    assert value(html, "policy-leverage") == "2.00x"
    assert value(html, "policy-social-leverage") == "1.00x"
    assert value(html, "policy-local-ratio") == "1.25x"
    assert value(html, "policy-idle-days") == "14"
    assert "policy-idle-alert" not in html
    caps = html[html.index('id="policy-stake-caps"') :]
    assert "15.00%" in caps and "35.00%" in caps and "≤ 30.00%" in caps
    assert "breached" in caps  # QComm-B's 35 % over the 30 % cap
    tech = html[html.index('id="policy-startup-tech"') :]
    assert "failed" in tech and "unknown" in tech  # QSense-C too old; assets unknown
    assert f"funds/{built.fund.pk}/policy/?as_of=2024-12-31" in html
    assert f"funds/{built.fund.pk}/policy/?as_of=2024-12-31&amp;format=xlsx" in html
    assert f"funds/{built.fund.pk}/investees/?as_of=2024-12-31&amp;format=xlsx" in html
    assert "over 5 years" in html and "41.7%" in html  # 投早投小: QSense-C's share


def test_the_section_is_translated(built, viewer):
    client = login(viewer)
    response = client.get(
        reverse("dashboard:fund", args=[built.fund.pk]),
        {"as_of": "2024-12-31"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    html = response.content.decode()
    assert "政策" in html[html.index('id="policy"') :][:200]
    assert "5年以上" in html


def test_an_idle_fund_shows_the_alert(viewer):
    from portfolio.services import lps

    fund = factories.FundFactory()
    gov = lps.limited_partner_create(name="闲置引导基金(示例)", kind="government_guidance")
    lps.lp_commitment_create(
        fund=fund, limited_partner=gov, amount=10**7, committed_on=dt.date(2022, 1, 1)
    )
    call = lps.capital_call_create(
        fund=fund, call_date=dt.date(2022, 1, 10), due_date=dt.date(2022, 1, 10), amount=10**6
    )
    lps.capital_call_payment_record(
        capital_call=call, limited_partner=gov, paid_on=dt.date(2022, 1, 10), amount=10**6
    )
    html = page(login(viewer), fund, as_of="2023-06-30")
    assert value(html, "policy-idle-days") == "536"
    assert "policy-idle-alert" in html


def test_the_section_needs_the_lp_permission_too(built):
    user = factories.UserFactory(username="books-only")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_fund", "view_commitment"])
    )
    html = page(login(user), built.fund)
    assert 'id="fund-size"' in html
    assert 'id="policy"' not in html


@pytest.mark.usefixtures("report_cache_off")  # what computing it costs
def test_the_page_costs_the_same_whatever_the_holdings(built, viewer):
    client = login(viewer)
    url = reverse("dashboard:fund", args=[built.fund.pk])
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    before = count()
    for _ in range(5):
        commitment = factories.CommitmentFactory(fund=built.fund, approved_on=dt.date(2024, 2, 1))
        services.disbursement_record(
            commitment=commitment, amount=Decimal(1_000_000), paid_on=dt.date(2024, 3, 1)
        )
    assert count() == before
