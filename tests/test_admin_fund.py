"""The fund's page: capital at a glance and compliance checks."""

from __future__ import annotations

import pytest

from portfolio.models import Fund, ValuationMark
from tests.support.admin import admin_url, form_data
from tests.support.clients import login
from tests.support.worlds import make_world


@pytest.fixture
def world(db):
    return make_world()


@pytest.mark.parametrize("persona", ["viewers", "incubator-staff", "fund-managers"], indirect=True)
def test_fund_page_shows_capital_and_compliance(persona, world):
    page = login(persona).get(admin_url(Fund, "change", world.fund.pk)).content.decode()
    assert '<svg class="capital-bar"' in page
    # size 2亿, committed 1000万, disbursed 500万 (Chinese is the default language)
    for figure in ("2.00 亿元", "1,000 万元", "500 万元", "1.90 亿元", "200,000,000.00 元"):
        assert figure in page, figure
    disbursed = page.split('class="capital-bar-disbursed"')[1].split(">")[0]
    committed = page.split('class="capital-bar-committed"')[1].split(">")[0]
    assert 'width="2.50%"' in disbursed  # disbursed share of the size
    assert 'x="2.50%" width="2.50%"' in committed  # committed, not yet paid, after it
    assert page.count('class="compliance-ok"') == 5


def test_fund_page_in_english(fund_manager, world):
    client = login(fund_manager)
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    page = client.get(admin_url(Fund, "change", world.fund.pk)).content.decode()
    assert "CNY 200.0M" in page
    assert "Capital at a glance" in page


def test_fund_list_shows_committed_and_available(viewer, world):
    page = login(viewer).get(admin_url(Fund, "changelist")).content.decode()
    assert "1,000 万元" in page
    assert "1.90 亿元" in page


def test_fund_manager_remarks_a_holding_through_the_service(fund_manager, world):
    mark = ValuationMark.objects.get()
    client = login(fund_manager)
    url = admin_url(ValuationMark, "change", mark.pk)
    data = form_data(client.get(url).content.decode(), "valuationmark_form")
    data.update(fair_value="9000000", as_of="2020-01-01")
    assert client.post(url, data).status_code == 302
    mark.refresh_from_db()
    assert (mark.fair_value, str(mark.as_of)) == (9000000, "2024-06-30")
    assert mark.history.latest().history_user == fund_manager


def test_cancel_commitment_action_refuses_a_paid_commitment(fund_manager, world):
    from portfolio.models import Commitment

    response = login(fund_manager).post(
        admin_url(Commitment, "changelist"),
        {"action": "cancel_commitments", "_selected_action": [world.commitment.pk]},
        follow=True,
    )
    assert response.status_code == 200
    world.commitment.refresh_from_db()
    assert world.commitment.status == "approved"
    assert any("5,000,000.00" in str(m) for m in response.context["messages"])


def test_admin_and_dashboard_write_the_compliance_checks_alike(fund_manager, world):
    """One label and one limit format per rule, on the admin's fund page and the officials'."""
    from html import unescape

    from django.urls import reverse
    from django.utils import translation

    from portfolio.formatting import compliance_rows
    from portfolio.selectors import fund_report

    client = login(fund_manager)
    admin_page = unescape(client.get(admin_url(Fund, "change", world.fund.pk)).content.decode())
    board = unescape(client.get(reverse("dashboard:fund", args=[world.fund.pk])).content.decode())
    with translation.override("zh-hans"):  # the pages' language
        rows = compliance_rows(fund_report(world.fund).compliance)
    assert rows[0].label == "有效投资承诺不超过基金规模"
    assert {row.rule for row in rows} == {
        "committed_within_size",
        "max_single_company_pct",
        "min_target_sector_pct",
        "min_local_pct",
        "investment_period_end",
    }
    for page in (admin_page, board):
        for row in rows:
            assert f"{row.label}</" in page, row.rule
            assert f">{row.limit}</td>" in page, row.rule
            assert f">{row.actual}</td>" in page, row.rule
        assert page.count("✓ " + rows[0].result) == 5
