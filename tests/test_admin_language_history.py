"""The admin speaks Chinese by default and English on request; every change has a history."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from portfolio import services
from portfolio.models import FundingRound, KpiReport, Startup
from tests.support import factories
from tests.support.admin import admin_url, form_data
from tests.support.clients import login
from tests.support.worlds import make_world


def test_chinese_by_default_with_a_language_switch(staff_user, db):
    client = login(staff_user)
    page = client.get(admin_url(Startup, "changelist")).content.decode()
    assert '<html lang="zh-hans"' in page
    assert 'id="language-switch"' in page
    assert f'action="{reverse("set_language")}"' in page
    login_page = login(None).get(reverse("admin:login")).content.decode()
    assert 'id="language-switch"' in login_page


def test_switching_to_english(staff_user, db):
    factories.StartupFactory()
    client = login(staff_user)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": admin_url(Startup, "changelist")}
    )
    assert response.status_code == 302
    page = client.get(admin_url(Startup, "changelist")).content.decode()
    assert '<html lang="en"' in page
    assert "Startups" in page
    assert "Advance stage" in page  # the action, in the source language
    assert "cohort year" in page


def test_money_columns_follow_the_language(staff_user, db):
    startup = factories.StartupFactory()
    services.round_record(
        startup=startup, round_type="a", closed_on=dt.date(2024, 1, 1), amount="250000000"
    )
    client = login(staff_user)
    assert "2.50 亿元" in client.get(admin_url(FundingRound, "changelist")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    assert "CNY 250.0M" in client.get(admin_url(FundingRound, "changelist")).content.decode()


def test_inline_kpi_edit_is_recorded_with_its_author(staff_user, db):
    startup = factories.StartupFactory()
    report = factories.KpiReportFactory(startup=startup, year=2024, quarter=1)
    client = login(staff_user)
    url = admin_url(Startup, "change", startup.pk)
    data = form_data(client.get(url).content.decode(), "startup_form")
    data["kpi_reports-0-revenue"] = "2500000"
    response = client.post(url, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.revenue == 2500000
    latest = report.history.latest()
    assert (latest.history_type, latest.history_user) == ("~", staff_user)
    history_page = client.get(admin_url(KpiReport, "history", report.pk)).content.decode()
    assert "staff" in history_page


def test_startup_page_links_to_recording_a_round(staff_user, viewer, db):
    startup = factories.StartupFactory()
    url = admin_url(Startup, "change", startup.pk)
    link = f"{admin_url(FundingRound, 'add')}?startup={startup.pk}"
    assert link in login(staff_user).get(url).content.decode()
    assert link not in login(viewer).get(url).content.decode()


def test_rounds_filter_by_the_fund_that_paid_into_them(viewer, db):
    world = make_world()
    other = factories.StartupFactory()
    services.round_record(
        startup=other, round_type="seed", closed_on=dt.date(2024, 1, 1), amount="1000000"
    )
    response = login(viewer).get(
        admin_url(FundingRound, "changelist"),
        {"fund": world.fund.pk},
    )
    assert list(response.context["cl"].result_list) == [world.round]
    response = login(viewer).get(admin_url(Startup, "changelist"), {"fund": world.fund.pk})
    assert list(response.context["cl"].result_list) == [world.startup]
