"""Report endpoints checked against numbers computed by hand from the world fixture.

The world's moves (see conftest):
  未磁 concept 2021-01-10 -> prototype 2021-06-01 -> pilot 2022-01-01 -> first-sales 2023-01-01
  相干 prototype 2022-02-01 -> pilot 2023-02-01
  科微 concept 2022-03-01
  华翊 prototype 2021-02-01 -> closed 2022-02-01
Fund (200M): 未磁 committed 30M (2023-01-15), paid 20M (2023-06-01), marked 50M (2024-06-30),
returned 5M (2024-09-01); 相干 committed 20M (2023-03-01), nothing paid.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.clients import token_client
from tests.support.factories import make_user


@pytest.fixture
def client(world):
    return token_client(make_user("viewers"))


def stages(body) -> dict[str, dict]:
    return {row["slug"]: row for row in body["stages"]}


def test_pipeline_report_as_of_end_2024(client):
    body = client.get("/api/v1/reports/pipeline/", {"as_of": "2024-12-31"}).json()
    rows = stages(body)
    assert [row["slug"] for row in body["stages"]] == [
        "lab",
        "concept",
        "prototype",
        "pilot",
        "first-sales",
        "scale-up",
        "exited",
        "closed",
    ]
    counts = {slug: row["count"] for slug, row in rows.items()}
    assert counts == {
        "lab": 0,
        "concept": 1,
        "prototype": 0,
        "pilot": 1,
        "first-sales": 1,
        "scale-up": 0,
        "exited": 0,
        "closed": 1,
    }
    assert [rows[s]["entered"] for s in ("concept", "prototype", "pilot", "first-sales")] == [
        2,
        3,
        2,
        1,
    ]
    # prototype: 未磁 and 相干 moved on; 华翊 closed, which is not "advancing"
    assert [rows[s]["advanced"] for s in ("concept", "prototype", "pilot", "first-sales")] == [
        1,
        2,
        1,
        0,
    ]
    assert rows["concept"]["conversion"] == "0.5000"
    assert rows["prototype"]["conversion"] == "0.6667"
    assert rows["pilot"]["conversion"] == "0.5000"
    assert rows["first-sales"]["conversion"] == "0.0000"
    assert rows["lab"]["conversion"] is None
    assert rows["closed"]["conversion"] is None
    # Kaplan-Meier medians (survival.md): concept 142 (未磁 left; 科微 still in, censored);
    # prototype 214, 365, 365 (all left); pilot 365 (未磁 left; 相干 still in, 699 days)
    assert rows["concept"]["median_days"] == 142
    assert (rows["concept"]["stays"], rows["concept"]["still_in_stage"]) == (2, 1)
    assert (rows["prototype"]["p25_days"], rows["prototype"]["p75_days"]) == (214, 365)
    assert rows["prototype"]["median_days"] == 365
    assert rows["pilot"]["median_days"] == 365
    assert rows["first-sales"]["median_days"] is None
    assert body["crossed_valley"] == 1
    assert body["total"] == 4
    assert body["crossing_rate"] == "0.2500"
    assert body["population"] == "incubator"


def test_pipeline_report_as_of_mid_2022(client):
    body = client.get("/api/v1/reports/pipeline/", {"as_of": "2022-06-30"}).json()
    rows = stages(body)
    assert {s: r["count"] for s, r in rows.items() if r["count"]} == {
        "concept": 1,
        "prototype": 1,
        "pilot": 1,
        "closed": 1,
    }
    assert rows["prototype"]["entered"] == 3
    assert rows["prototype"]["advanced"] == 1  # 相干 reaches pilot only in 2023
    assert rows["prototype"]["conversion"] == "0.3333"
    # prototype: 未磁 left after 214 days, 华翊 after 365; 相干 has been there 149 days
    # (censored): S(214) = 1/2, so the Kaplan-Meier median is 214 (completed stays alone
    # gave 289.5)
    assert rows["prototype"]["median_days"] == 214
    assert (rows["prototype"]["stays"], rows["prototype"]["still_in_stage"]) == (3, 1)
    assert rows["pilot"]["median_days"] is None
    assert (rows["pilot"]["stays"], rows["pilot"]["still_in_stage"]) == (1, 1)
    assert body["crossed_valley"] == 0
    assert body["crossing_rate"] == "0.0000"


@pytest.mark.parametrize(
    ("params", "total", "crossed"),
    [
        ({"tech_area": "computing"}, 2, 0),
        ({"tech_area": "sensing"}, 1, 1),
        ({"cohort": 2022}, 2, 0),
        ({"cohort": 2021}, 2, 1),
        ({"institution": "CAS"}, 1, 1),
        ({"as_of": "2021-01-31"}, 1, 0),
    ],
)
def test_pipeline_report_filters(client, world, params, total, crossed):
    if params.get("institution") == "CAS":
        params = {**params, "institution": world.cas.pk}
    body = client.get("/api/v1/reports/pipeline/", {"as_of": "2024-12-31", **params}).json()
    assert (body["total"], body["crossed_valley"]) == (total, crossed)


def test_pipeline_report_queries_do_not_grow(client, django_assert_max_num_queries):
    client.get("/api/v1/")
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/reports/pipeline/").status_code == 200


def test_fund_report_end_2024(client, world):
    body = client.get(f"/api/v1/funds/{world.fund.pk}/report/", {"as_of": "2024-12-31"}).json()
    assert body["fund"] == {"id": world.fund.pk, "name": "北京量子信息产业发展投资基金"}
    assert body["as_of"] == "2024-12-31"
    assert body["currency"] == "CNY"
    assert body["size"] == "200000000.00"
    assert body["committed"] == "50000000.00"
    assert body["available"] == "150000000.00"
    assert body["disbursed"] == "20000000.00"
    assert body["realized"] == "5000000.00"
    assert body["unrealized"] == "50000000.00"  # 未磁 marked 50M; 相干 carried at cost (0)
    assert body["moic"] == "2.7500"  # (5 + 50) / 20
    assert body["gross_moic"] == "2.7500"  # the gross multiple is the MOIC
    assert body["gross_dpi"] == "0.2500"  # realized 5 / disbursed 20
    assert body["gross_rvpi"] == "2.5000"  # unrealized 50 / disbursed 20
    assert body["companies"] == 2
    assert body["is_illustrative"] is False
    # the deprecated keys repeat the gross figures for one release
    assert [body[old] for old in ("tvpi", "dpi", "rvpi", "irr")] == [
        body[new] for new in ("gross_moic", "gross_dpi", "gross_rvpi", "gross_irr")
    ]
    # IRR: the rate r at which -20M (2023-06-01) + 5M (2024-09-01) + 50M (2024-12-31) is 0.
    r = float(body["gross_irr"])
    npv = (
        -20e6
        + 5e6 / (1 + r) ** ((dt.date(2024, 9, 1) - dt.date(2023, 6, 1)).days / 365)
        + 50e6 / (1 + r) ** ((dt.date(2024, 12, 31) - dt.date(2023, 6, 1)).days / 365)
    )
    assert abs(npv) < 1e3
    checks = {c["rule"]: c for c in body["compliance"]}
    assert checks["committed_within_size"] == {
        "rule": "committed_within_size",
        "limit": "200000000.00",
        "actual": "50000000.00",
        "ok": True,
    }
    assert checks["max_single_company_pct"]["actual"] == "15.00"  # 30M of 200M
    assert checks["min_local_pct"]["actual"] == "100.00"
    assert checks["min_target_sector_pct"]["ok"] is True
    assert checks["investment_period_end"]["actual"] == "2023-03-01"


def test_fund_report_and_holdings_as_of_an_earlier_date(client, world):
    body = client.get(f"/api/v1/funds/{world.fund.pk}/report/", {"as_of": "2023-02-01"}).json()
    assert (body["committed"], body["disbursed"], body["companies"]) == ("30000000.00", "0.00", 1)
    assert body["moic"] is None
    assert body["gross_irr"] is None and body["irr"] is None
    rows = client.get(f"/api/v1/funds/{world.fund.pk}/holdings/", {"as_of": "2023-02-01"}).json()
    assert [(r["name"], r["committed"], r["disbursed"]) for r in rows] == [
        ("未磁科技", "30000000.00", "0.00")
    ]


def test_holdings_end_2024(client, world):
    rows = client.get(f"/api/v1/funds/{world.fund.pk}/holdings/", {"as_of": "2024-12-31"}).json()
    assert rows == [
        {
            "startup": world.weici.pk,
            "name": "未磁科技",
            "name_en": "Weici Technology",
            "stage_slug": "first-sales",
            "tech_area": "sensing",
            "committed": "30000000.00",
            "disbursed": "20000000.00",
            "fair_value": "50000000.00",
            "realized": "5000000.00",
            "currency": "CNY",
            "moic": "2.7500",
            "is_illustrative": False,
        },
        {
            "startup": world.coherent.pk,
            "name": "相干科技",
            "name_en": "Coherent Tech",
            "stage_slug": "pilot",
            "tech_area": "computing",
            "committed": "20000000.00",
            "disbursed": "0.00",
            "fair_value": "0.00",
            "realized": "0.00",
            "currency": "CNY",
            "moic": None,
            "is_illustrative": False,
        },
    ]


@pytest.mark.parametrize("path", ["report", "holdings"])
def test_fund_report_errors(client, world, path):
    assert (
        client.get(f"/api/v1/funds/{world.fund.pk}/{path}/", {"as_of": "2024-99-01"}).status_code
        == 400
    )
    assert client.get(f"/api/v1/funds/999999/{path}/").status_code == 404


def test_fund_report_of_a_fund_without_local_region_or_target_fields(client, world):
    """Regression: these funds made fund_report put a plain Value into aggregate() (500)."""
    import datetime as dt
    from decimal import Decimal

    from portfolio import services
    from tests.support import factories

    fund = factories.FundFactory(local_region="", target_tech_areas=[], min_local_pct=0)
    services.commitment_create(
        fund=fund, startup=world.weici, amount=Decimal("1000000"), approved_on=dt.date(2024, 1, 1)
    )
    response = client.get(f"/api/v1/funds/{fund.pk}/report/", {"as_of": "2024-12-31"})
    assert response.status_code == 200
    checks = {c["rule"]: c for c in response.json()["compliance"]}
    assert checks["min_target_sector_pct"]["actual"] == "0.00"
    assert checks["min_target_sector_pct"]["ok"] is False  # the fund asks for 60%
    assert checks["min_local_pct"]["actual"] == "0.00"
