"""Labels end to end (issue 12): whose a startup is (``population``) and what is invented
(``is_illustrative``), in the JSON, the CSV and XLSX exports, the schema and on the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from portfolio import services
from portfolio.models import Commitment
from tests.api.test_exports import READERS
from tests.support import factories
from tests.support.clients import login, token_client
from tests.support.factories import make_user

pytestmark = pytest.mark.django_db

TRUE = {"csv": "true", "xlsx": True}
FALSE = {"csv": "false", "xlsx": False}


@pytest.fixture
def labelled(world):
    """The hand-checked world plus one tracked company and invented (flagged) rows."""
    tracked = factories.StartupFactory(name="国盾量子", admitted_on=None, founded_on=None)
    invented = factories.StartupFactory(name="量晶芯科技（示例）", is_illustrative=True)
    factories.KpiReportFactory(
        startup=invented, year=2025, quarter=1, is_illustrative=True, source="示例数据"
    )
    factories.FundingRoundFactory(
        startup=invented, closed_on=dt.date(2025, 2, 1), is_illustrative=True
    )
    factories.MilestoneFactory(startup=invented, is_illustrative=True)
    world.fund.is_illustrative = True
    world.fund.illustrative_note = "成立年份、投资期与限额为示例 (vintage, period, limits)"
    world.fund.save()
    services.commitment_create(
        fund=world.fund,
        startup=invented,
        amount=Decimal("1000000"),
        approved_on=dt.date(2025, 3, 1),
        is_illustrative=True,
    )
    return world, tracked, invented


def api(role="viewers"):
    return token_client(make_user(role))


def by_name(rows, key="name"):
    return {row[key]: row for row in rows}


def test_startup_rows_say_whose_and_whether_invented(labelled):
    world, tracked, invented = labelled
    client = api()
    rows = by_name(client.get("/api/v1/startups/", {"page_size": 100}).json()["results"])
    assert (rows["未磁科技"]["population"], rows["未磁科技"]["is_illustrative"]) == (
        "incubator",
        False,
    )
    assert (rows["国盾量子"]["population"], rows["国盾量子"]["is_illustrative"]) == (
        "tracked",
        False,
    )
    assert rows["量晶芯科技（示例）"]["is_illustrative"] is True
    detail = client.get(f"/api/v1/startups/{tracked.pk}/").json()
    assert (detail["population"], detail["is_illustrative"]) == ("tracked", False)
    detail = client.get(f"/api/v1/startups/{invented.pk}/").json()
    assert detail["latest_kpis"]["is_illustrative"] is True
    assert detail["latest_kpis"]["source"] == "示例数据"
    assert [m["is_illustrative"] for m in detail["milestones"]] == [True]
    assert [r["is_illustrative"] for r in detail["funding_rounds"]] == [True]


def test_kpi_rounds_milestones_funds_commitments_holdings_carry_the_flag(labelled):
    world, _tracked, invented = labelled
    client = api("fund-managers")
    kpis = client.get("/api/v1/kpi-reports/", {"startup": invented.pk}).json()["results"]
    assert [(k["is_illustrative"], k["source"]) for k in kpis] == [(True, "示例数据")]
    sourced = client.get("/api/v1/kpi-reports/", {"startup": world.weici.pk}).json()["results"]
    assert {(k["is_illustrative"], k["source"]) for k in sourced} == {(False, "")}
    rounds = client.get("/api/v1/funding-rounds/", {"page_size": 100}).json()["results"]
    assert {r["startup"]["id"]: r["is_illustrative"] for r in rounds} == {
        world.weici.pk: False,
        world.coherent.pk: False,
        invented.pk: True,
    }
    milestones = client.get("/api/v1/milestones/").json()["results"]
    assert {m["startup"]: m["is_illustrative"] for m in milestones}[invented.pk] is True
    fund = client.get(f"/api/v1/funds/{world.fund.pk}/").json()
    assert fund["is_illustrative"] is True and "vintage" in fund["illustrative_note"]
    report = client.get(f"/api/v1/funds/{world.fund.pk}/report/").json()
    assert report["is_illustrative"] is True
    commitments = client.get("/api/v1/commitments/").json()["results"]
    assert {c["startup"]["id"]: c["is_illustrative"] for c in commitments} == {
        world.weici.pk: False,
        world.coherent.pk: False,
        invented.pk: True,
    }
    holdings = by_name(client.get(f"/api/v1/funds/{world.fund.pk}/holdings/").json())
    assert holdings["量晶芯科技（示例）"]["is_illustrative"] is True
    assert holdings["未磁科技"]["is_illustrative"] is False


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_carry_the_labels(labelled, fmt):
    world, _tracked, invented = labelled
    client = api("fund-managers")
    read = READERS[fmt]
    startups = by_name(read(client.get("/api/v1/startups/", {"format": fmt})))
    assert startups["国盾量子"]["population"] == "tracked"
    assert startups["未磁科技"]["population"] == "incubator"
    assert startups["量晶芯科技（示例）"]["is_illustrative"] == TRUE[fmt]
    assert startups["未磁科技"]["is_illustrative"] == FALSE[fmt]
    kpis = read(client.get("/api/v1/kpi-reports/", {"format": fmt, "startup": invented.pk}))
    assert [(k["is_illustrative"], k["source"]) for k in kpis] == [(TRUE[fmt], "示例数据")]
    rounds = read(client.get("/api/v1/funding-rounds/", {"format": fmt}))
    flags = {r["startup_name"]: r["is_illustrative"] for r in rounds}
    assert flags["量晶芯科技（示例）"] == TRUE[fmt] and flags["相干科技"] == FALSE[fmt]
    holdings = by_name(
        read(client.get(f"/api/v1/funds/{world.fund.pk}/holdings/", {"format": fmt}))
    )
    assert holdings["量晶芯科技（示例）"]["is_illustrative"] == TRUE[fmt]
    commitments = read(client.get("/api/v1/commitments/", {"format": fmt}))
    assert {c["startup_name"]: c["is_illustrative"] for c in commitments}[
        "量晶芯科技（示例）"
    ] == TRUE[fmt]


def test_the_schema_marks_the_old_fund_keys_deprecated(db):
    schema = api().get("/api/schema/", {"format": "json"}).json()
    report = schema["components"]["schemas"]["FundReport"]["properties"]
    for old, new in (
        ("tvpi", "gross_moic"),
        ("dpi", "gross_dpi"),
        ("rvpi", "gross_rvpi"),
        ("irr", "gross_irr"),
    ):
        assert report[old].get("deprecated") is True, old
        assert new in report[old]["description"]
        assert not report[new].get("deprecated")
    components = schema["components"]["schemas"]
    startup = components["Startup"]["properties"]
    ref = startup["population"]["allOf"][0]["$ref"].rsplit("/", 1)[1]
    assert components[ref]["enum"] == ["incubator", "tracked"]
    assert startup["is_illustrative"]["type"] == "boolean"


def test_pages_mark_every_invented_row(labelled, viewer):
    world, tracked, invented = labelled
    client = login(viewer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("dashboard:startup", args=[invented.pk])).content.decode()
    assert page.count("data-illustrative") >= 2  # the name, the round (and the legend)
    assert 'id="illustrative-legend"' in page
    assert "Illustrative: invented demo figures, not reported by the company." in page
    real = client.get(reverse("dashboard:startup", args=[world.weici.pk])).content.decode()
    assert "data-illustrative" not in real and 'id="illustrative-legend"' not in real
    peer = client.get(reverse("dashboard:startup", args=[tracked.pk])).content.decode()
    assert "tracked company (not admitted)" in peer
    fund = client.get(reverse("dashboard:fund", args=[world.fund.pk])).content.decode()
    assert 'id="fund-illustrative"' in fund and "vintage, period, limits" in fund
    holdings = fund.split('id="holdings"')[1].split("</section>")[0]
    assert holdings.count("data-illustrative") == 2  # the invented holding, the legend
    pipeline = client.get(reverse("dashboard:pipeline")).content.decode()
    watch = pipeline.split('id="watch-list"')[1].split("</section>")[0]
    row = watch.split(reverse("dashboard:startup", args=[invented.pk]))[1].split("</tr>")[0]
    assert "data-illustrative" in row and 'id="illustrative-legend"' in watch


def test_the_marker_is_translated(labelled, viewer):
    _world, _tracked, invented = labelled
    page = login(viewer).get(
        reverse("dashboard:startup", args=[invented.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    html = page.content.decode()
    assert "示例" in html.split('id="illustrative-legend"')[1][:400]
    assert ">illustrative<" not in html


def test_commitments_keep_the_region_of_the_day(labelled):
    """返投: the local share counts a commitment by where the startup was registered when the
    fund committed; a later move does not change it."""
    world, _tracked, _invented = labelled
    client = api("fund-managers")
    before = client.get(f"/api/v1/funds/{world.fund.pk}/report/").json()
    services.startup_update(startup=world.weici, registered_region="上海市浦东新区")
    after = client.get(f"/api/v1/funds/{world.fund.pk}/report/").json()
    assert before["compliance"] == after["compliance"]
    regions = {c.startup_id: c.registered_region for c in Commitment.objects.all()}
    assert regions[world.weici.pk] == "北京市海淀区"
    rows = client.get("/api/v1/commitments/").json()["results"]
    assert {r["startup"]["id"]: r["registered_region"] for r in rows}[world.weici.pk] == (
        "北京市海淀区"
    )
