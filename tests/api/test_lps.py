"""The fund's investors through the API: the worked example of fund-accounting.md §5 read
back figure by figure, and every write's refusal as a 400 naming its field."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.support import worked_fund as W
from tests.support.clients import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked():
    return W.build()


@pytest.fixture
def manager(fund_manager):
    return token_client(fund_manager)


def lp_key(worked, lp_id: int) -> str:
    return next(key for key, lp in worked.lps.items() if lp.pk == lp_id)


def test_lp_report(worked, manager):
    url = f"/api/v1/funds/{worked.fund.pk}/lp-report/"
    body = manager.get(url, {"as_of": "2025-06-30"}).json()
    rows = {lp_key(worked, row["limited_partner"]["id"]): row for row in body["lps"]}
    rows["net"] = body["net"]
    for key, (pic, dist, nav, dpi, rvpi, tvpi, irr) in W.PERFORMANCE.items():
        row = rows[key]
        assert Decimal(row["paid_in"]) == pic
        assert Decimal(row["distributed"]) == dist
        assert Decimal(row["nav"]) == nav
        assert (row["dpi"], row["rvpi"], row["tvpi"], row["irr"]) == (dpi, rvpi, tvpi, irr)
    assert rows["LP1"]["unfunded"] == "39000000.00"
    assert rows["LP1"]["committed"] == "60000000.00"
    assert body["gp"] == {
        "carried_interest_paid": "6000000.00",
        "carried_interest_accrued": "9766904.00",
    }
    # The gross figures beside the net ones: the fund report's, on cash paid into companies.
    assert body["gross"]["fund"]["id"] == worked.fund.pk
    assert body["as_of"] == "2025-06-30"
    # and exactly the fund report's answer for that date
    report = manager.get(f"/api/v1/funds/{worked.fund.pk}/report/", {"as_of": "2025-06-30"})
    assert body["gross"] == report.json()


def test_distribution_tiers(worked, manager):
    body = manager.get("/api/v1/lp-distributions/", {"fund": worked.fund.pk}).json()
    [distribution] = body["results"]
    tiers = {}
    for row in distribution["allocations"]:
        key = "gp" if row["party"] == "gp" else lp_key(worked, row["limited_partner"]["id"])
        values = (row["return_of_capital"], row["preferred_return"], row["catch_up"], row["split"])
        tiers[key] = tuple(int(Decimal(v)) for v in values)
        assert Decimal(row["total"]) == sum(Decimal(v) for v in values)
    assert tiers == W.WATERFALL_COMPOUND
    gp = next(row for row in distribution["allocations"] if row["party"] == "gp")
    assert gp["limited_partner"] is None


def test_capital_accounts(worked, manager):
    url = f"/api/v1/funds/{worked.fund.pk}/capital-accounts/"
    body = manager.get(url, {"start": "2025-04-01", "end": "2025-06-30"}).json()
    accounts = {lp_key(worked, a["limited_partner"]["id"]): a for a in body["accounts"]}
    accounts["total"] = body["total"]
    for party, (quarter, inception) in W.ACCOUNTS.items():
        period = accounts[party]["period"]
        since = accounts[party]["since_inception"]
        assert tuple(int(Decimal(period[line])) for line in W.LINES) == quarter, party
        assert tuple(int(Decimal(since[line])) for line in W.LINES) == inception, party


def test_capital_accounts_as_a_workbook(worked, manager):
    url = f"/api/v1/funds/{worked.fund.pk}/capital-accounts/"
    response = manager.get(
        url,
        {"start": "2025-04-01", "end": "2025-06-30", "format": "xlsx"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 4  # one per LP, one for the fund
    fund_sheet = book[book.sheetnames[-1]]
    values = {row[0]: row[1:] for row in fund_sheet.iter_rows(min_row=6, values_only=True)}
    assert values["Ending NAV, net of accrued carried interest"] == (39_067_617, 39_067_617)
    assert values["Beginning NAV"] == (69_783_562, 0)


def test_management_fees(worked, manager):
    body = manager.get(
        "/api/v1/management-fees/", {"fund": worked.fund.pk, "through": "2025-06-30"}
    ).json()
    assert body["count"] == len(W.FEES)
    first = body["results"][0]
    assert (first["quarter_end"], first["days"], first["base"], first["amount"]) == (
        "2023-03-31",
        30,
        "40000000.00",
        "65753.00",
    )
    assert sum(Decimal(a["amount"]) for a in first["allocations"]) == Decimal("65753")
    assert {line["quarter_end"]: int(Decimal(line["amount"])) for line in body["results"]} == {
        day.isoformat(): amount for day, amount in W.FEES.items()
    }
    assert manager.get("/api/v1/management-fees/").status_code == 400  # fund is required


def test_rangli_through_the_api(manager):
    world = W.build(rangli=True)
    body = manager.get(f"/api/v1/funds/{world.fund.pk}/lp-report/", {"as_of": "2025-06-30"}).json()
    rows = {lp_key(world, row["limited_partner"]["id"]): row for row in body["lps"]}
    for key, (dist, nav, tvpi, irr) in W.RANGLI_PERFORMANCE.items():
        assert (Decimal(rows[key]["distributed"]), Decimal(rows[key]["nav"])) == (dist, nav)
        assert (rows[key]["tvpi"], rows[key]["irr"]) == (tvpi, irr)


def test_calls_payments_and_refusals(worked, manager):
    fund = worked.fund.pk
    over = manager.post(
        "/api/v1/capital-calls/",
        {"fund": fund, "call_date": "2025-07-01", "due_date": "2025-07-15", "amount": "130000001"},
        content_type="application/json",
    )
    assert over.status_code == 400
    assert over.json()["callable"] == "130000000.00"
    created = manager.post(
        "/api/v1/capital-calls/",
        {
            "fund": fund,
            "call_date": "2025-07-01",
            "due_date": "2025-07-15",
            "amount": "1000000",
            "management_fees": "100000",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    call = created.json()
    assert call["number"] == 3
    assert call["investments"] == "900000.00"
    parts = {lp_key(worked, i["limited_partner"]["id"]): i["amount"] for i in call["items"]}
    assert parts == {"LP1": "300000.00", "LP2": "200000.00", "LP3": "500000.00"}
    paid = manager.post(
        f"/api/v1/capital-calls/{call['id']}/payments/",
        {"limited_partner": worked.lps["LP2"].pk, "paid_on": "2025-07-10", "amount": "200000"},
        content_type="application/json",
    )
    assert paid.status_code == 201, paid.content
    items = {lp_key(worked, i["limited_partner"]["id"]): i for i in paid.json()["items"]}
    assert (items["LP2"]["paid"], items["LP2"]["paid_on"]) == ("200000.00", "2025-07-10")
    # Due on 2025-07-15, long past: the two LPs that have not paid are overdue, LP2 is not.
    assert (items["LP1"]["paid"], items["LP1"]["paid_on"]) == ("0.00", None)
    assert {key: item["overdue"] for key, item in items.items()} == {
        "LP1": True,
        "LP2": False,
        "LP3": True,
    }
    too_much = manager.post(
        f"/api/v1/capital-calls/{call['id']}/payments/",
        {"limited_partner": worked.lps["LP2"].pk, "paid_on": "2025-07-11", "amount": "1"},
        content_type="application/json",
    )
    assert too_much.status_code == 400 and "amount" in too_much.json()
    no_cash = manager.post(
        "/api/v1/lp-distributions/",
        {"fund": fund, "paid_on": "2025-07-20", "amount": "99000000"},
        content_type="application/json",
    )
    assert no_cash.status_code == 400 and "amount" in no_cash.json()


def test_a_calls_lps_come_in_name_order_whatever_order_they_were_entered_in(manager):
    """A call's parts are read with their payments summed (GROUP BY), which leaves the
    model's ordering out: without an ORDER BY of its own, SQLite gave them in the order the
    LPs were entered and PostgreSQL in its hash aggregate's order, which changed from run
    to run. Both the list and the LP report's calls give them by LP name."""
    import datetime as dt

    from portfolio.selectors.lp_report import capital_calls
    from portfolio.services import lps
    from tests.support.factories import FundFactory

    fund = FundFactory()
    partners = []
    for name in ("Delta LP", "Charlie LP", "Bravo LP", "Alpha LP"):  # entered backwards
        lp = lps.limited_partner_create(name=name, kind="social_capital")
        lps.lp_commitment_create(
            fund=fund, limited_partner=lp, amount=10_000_000, committed_on=dt.date(2024, 1, 2)
        )
        partners.append(lp)
    call = lps.capital_call_create(
        fund=fund, call_date=dt.date(2024, 2, 1), due_date=dt.date(2024, 2, 15), amount=4_000_000
    )
    for lp in (partners[1], partners[3]):
        lps.capital_call_payment_record(
            capital_call=call, limited_partner=lp, paid_on=dt.date(2024, 2, 10), amount=1_000_000
        )
    in_order = ["Alpha LP", "Bravo LP", "Charlie LP", "Delta LP"]
    for url in ("/api/v1/capital-calls/", f"/api/v1/capital-calls/{call.pk}/"):
        body = manager.get(url).json()
        [row] = body["results"] if "results" in body else [body]
        assert [item["limited_partner"]["name"] for item in row["items"]] == in_order, url
        assert [item["paid"] for item in row["items"]] == [
            "1000000.00",
            "0.00",
            "1000000.00",
            "0.00",
        ]
    rows = capital_calls(fund, dt.date(2024, 12, 31))
    assert [row.item.limited_partner.name for row in rows] == in_order
