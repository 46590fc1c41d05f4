"""The policy pack and the investee export through the API: the hand-worked figures of
tests/support/policy_fund.py read back, the workbook, the registry's columns and headers,
400s naming ``as_of``, constant queries, formula-safe exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from portfolio import services
from tests.api.test_exports import content
from tests.api.test_formula_injection import PAYLOADS, sheet_xml
from tests.support import factories, policy_fund
from tests.support.clients import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    return policy_fund.build()


@pytest.fixture
def viewer_client(viewer):
    return token_client(viewer)


def url(fund, route: str) -> str:
    return f"/api/v1/funds/{fund.pk}/{route}/"


def test_the_policy_pack(built, viewer_client):
    body = viewer_client.get(
        url(built.fund, "policy"), {"as_of": "2024-12-31"}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert body["as_of"] == "2024-12-31"
    assert body["fund"]["id"] == built.fund.pk
    assert body["leverage"] == {
        "committed": "200000000.00",
        "government_committed": "100000000.00",
        "fund_over_government": "2.0000",
        "social_over_government": "1.0000",
    }
    assert body["local_investment"] == {
        "basis": "committed",
        "denominator": "government_guidance",
        "denominator_amount": "60000000.00",
        "local_region": "北京市",
        "local_invested": "75000000.00",
        "ratio": "1.2500",
    }
    stages = {g["key"]: (g["invested"], g["share"]) for g in body["early_small"]["by_stage"]}
    assert stages == {
        "lab": ("15000000.00", "0.2500"),
        "prototype": ("20000000.00", "0.3333"),
        "pilot": ("25000000.00", "0.4167"),
    }
    ages = {g["key"]: (g["label"], g["share"]) for g in body["early_small"]["by_age"]}
    assert ages["over_5_years"] == ("over 5 years", "0.4167")
    heads = {g["key"]: g["share"] for g in body["early_small"]["by_headcount"]}
    assert heads == {"up_to_50": "0.0000", "51_to_300": "0.3333", "over_300": "0.4167",
                     "unknown": "0.2500"}  # fmt: skip
    tech = {row["startup"]["name"][:4]: row for row in body["startup_tech_firms"]}
    assert tech["QC-A"]["status"] == "unknown"
    assert tech["QC-A"]["thresholds"]["max_headcount"] == 300
    assert tech["QC-A"]["criteria"][0] == {
        "rule": "max_headcount",
        "limit": "300.00",
        "actual": "47.50",
        "status": "met",
    }
    assert (tech["QC-A"]["months_held"], tech["QC-A"]["holding_clock_met"]) == (21, False)
    assert tech["QSen"]["status"] == "failed"
    caps = [(c["ownership_pct"], c["cap_pct"], c["ok"]) for c in body["stake_caps"]]
    assert caps == [("15.0000", "30.00", True), ("35.0000", "30.00", False), (None, "30.00", None)]
    assert body["idle_money"] == {
        "first_contribution_on": "2023-03-01",
        "first_investment_on": "2023-03-15",
        "days": 14,
        "alert": False,
    }


def test_the_policy_workbook(built, viewer_client):
    response = viewer_client.get(
        url(built.fund, "policy"),
        {"as_of": "2024-12-31", "format": "xlsx"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"policy-fund-{built.fund.pk}-" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Early and small", "Start-up tech firms", "Stake caps"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Leverage: fund / government"] == 2
    assert summary["返投 ratio"] == Decimal("1.25")
    assert summary["Days between"] == 14
    caps = list(book["Stake caps"].iter_rows(min_row=2, values_only=True))
    assert [row[1:] for row in caps] == [(15, 30, "met"), (35, 30, "breached"), (None, 30, "—")]
    assert viewer_client.get(url(built.fund, "policy"), {"format": "csv"}).status_code == 400


def test_investees(built, viewer_client):
    body = viewer_client.get(url(built.fund, "investees"), {"as_of": "2025-06-30"}).json()
    assert len(body) == 3
    qc_a = body[0]
    assert set(qc_a) >= {
        "name",
        "credit_code",
        "registered_region",
        "industry",
        "stage_at_first_investment",
        "first_investment_on",
        "invested",
        "ownership_pct",
        "fair_value",
        "valuation_method",
        "exited_amount",
        "exit_kind",
        "exit_on",
        "listed",
        "startup_tech_firm",
        "local",
    }  # fmt: skip  (the contract's columns)
    assert qc_a["name"].startswith("QC-A")
    assert (qc_a["invested"], qc_a["fair_value"], qc_a["exited_amount"]) == (
        "20000000.00",
        "0.00",
        "100000000.00",
    )
    assert (qc_a["exit_kind"], qc_a["exit_on"], qc_a["local"]) == ("exit", "2025-05-20", True)
    assert (qc_a["stage_at_first_investment"], qc_a["industry"]) == ("prototype", "computing")
    assert body[1]["ownership_pct"] == "35.0000"
    assert body[1]["registered_region"] == "上海市浦东新区"
    assert body[2]["startup_tech_firm"] == "failed"


def test_investee_exports_csv_and_xlsx_with_the_registry_headers(built, viewer_client):
    response = viewer_client.get(url(built.fund, "investees"), {"format": "csv"})
    assert response.status_code == 200
    assert f"investees-fund-{built.fund.pk}-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(content(response).decode("utf-8-sig"))))
    assert rows[0][:3] == ["startup", "name", "credit_code"]
    assert len(rows) == 4
    response = viewer_client.get(url(built.fund, "investees"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(content(response))).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["企业编号", "企业名称", "统一社会信用代码", "注册地"]
    assert "持股比例(%)" in header and "是否返投" in header and "是否初创科技型(55号)" in header
    assert sheet.max_row == 4
    invested = header.index("累计投资金额(实缴)")
    assert [row[invested].value for row in sheet.iter_rows(min_row=2)] == [20e6, 15e6, 25e6]


@pytest.mark.parametrize("route", ["policy", "investees"])
@pytest.mark.parametrize("bad", ["2024-13-01", "yesterday", "%00", "2024-02-30"])
def test_a_bad_as_of_is_a_400_naming_it(built, viewer_client, route, bad):
    for fmt in ({}, {"format": "xlsx"}):
        response = viewer_client.get(url(built.fund, route), {"as_of": bad, **fmt})
        assert response.status_code == 400
        assert "as_of" in response.json()


@pytest.mark.parametrize("route", ["policy", "investees"])
def test_unknown_funds_are_404(viewer_client, route):
    assert viewer_client.get(f"/api/v1/funds/999999/{route}/").status_code == 404
    assert viewer_client.get(f"/api/v1/funds/abc/{route}/").status_code == 404


def count_queries(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.usefixtures("report_cache_off")  # what computing it costs
@pytest.mark.parametrize("route", ["policy", "investees"])
def test_queries_do_not_grow_with_holdings(viewer_client, route):
    built = policy_fund.build()
    path = url(built.fund, route)
    viewer_client.get(path)  # the token's first use writes its last_used_at
    small = count_queries(viewer_client, path)
    for _ in range(6):
        commitment = factories.CommitmentFactory(fund=built.fund, approved_on=dt.date(2024, 2, 1))
        services.disbursement_record(
            commitment=commitment, amount=Decimal(1_000_000), paid_on=dt.date(2024, 3, 1)
        )
    assert count_queries(viewer_client, path) == small
    # the token, the permissions, the fund, and the selector's 9 (policy) or 8 (investees)
    assert small == {"policy": 12, "investees": 11}[route]


def test_exports_are_formula_safe(viewer_client):
    fund = factories.FundFactory()
    for number, payload in enumerate(PAYLOADS[:4]):
        startup = factories.StartupFactory(name=payload + str(number), registered_region=payload)
        commitment = factories.CommitmentFactory(fund=fund, startup=startup)
        services.disbursement_record(
            commitment=commitment, amount=Decimal(1_000_000), paid_on=dt.date(2024, 3, 1)
        )
        services.valuation_mark(
            fund=fund, startup=startup, as_of=dt.date(2024, 6, 30),
            fair_value=Decimal(1), note=payload,
        )  # fmt: skip
    response = viewer_client.get(url(fund, "investees"), {"format": "csv"})
    cells = [
        v for row in csv.reader(io.StringIO(content(response).decode("utf-8-sig"))) for v in row
    ]
    assert not [v for v in cells if v.startswith(("=", "+", "@", "\t", "\r"))]
    assert "'" + PAYLOADS[0] in cells
    for route in ("investees", "policy"):
        response = viewer_client.get(url(fund, route), {"format": "xlsx"})
        data = content(response) if response.streaming else response.content
        assert "<f>" not in sheet_xml(data), route
        book = openpyxl.load_workbook(io.BytesIO(data))
        cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
        assert not [c for c in cells if c.data_type == "f"], route
        assert PAYLOADS[0] + "0" in {c.value for c in cells}, route


def test_the_fund_echoes_its_policy_settings_and_only_superusers_change_them(
    viewer_client, superuser, fund_manager
):
    fund = factories.FundFactory()
    body = viewer_client.get(f"/api/v1/funds/{fund.pk}/").json()
    assert body["stake_cap_pct"] == "30.00"
    assert (body["local_basis"], body["local_denominator_kind"]) == (
        "committed",
        "government_guidance",
    )
    assert (
        body["relocation_moved_multiplier"],
        body["relocation_subsidiary_multiplier"],
        body["relocation_investment_multiplier"],
    ) == ("2.00", "1.80", "1.50")
    change = {"stake_cap_pct": "25", "local_basis": "paid_in"}
    manager = token_client(fund_manager)
    assert (
        manager.patch(
            f"/api/v1/funds/{fund.pk}/", change, content_type="application/json"
        ).status_code
        == 403
    )
    root = token_client(superuser)
    response = root.patch(f"/api/v1/funds/{fund.pk}/", change, content_type="application/json")
    assert response.status_code == 200, response.content
    assert (response.json()["stake_cap_pct"], response.json()["local_basis"]) == (
        "25.00",
        "paid_in",
    )
    bad = root.patch(
        f"/api/v1/funds/{fund.pk}/", {"local_basis": "x"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "local_basis" in bad.json()
