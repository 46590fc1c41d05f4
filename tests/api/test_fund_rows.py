"""The fund's money rows toward companies through the API (api-contract.md, "The fund's
investors"): ``/disbursements/``, ``/valuation-marks/``, ``/distributions/``.

Each write is a 201 answered with the row as the list reads it, or a 400 naming the field
of the rule it breaks, with nothing written. The hand-checked world: the fund committed
3000万 to 未磁 (2023-01-15), paid 2000万 into its B round (2023-06-01), marked it at
5000万 (2024-06-30, recent round) and got a 500万 dividend (2024-09-01); it committed 2000万
to 相干 (2023-03-01) and paid nothing yet.
"""

from __future__ import annotations

import csv
import io

import pytest

from portfolio.models import Disbursement, Distribution, FundingRound, ValuationMark
from tests.support.clients import token_client
from tests.support.factories import make_user

DISBURSEMENTS = "/api/v1/disbursements/"
MARKS = "/api/v1/valuation-marks/"
DISTRIBUTIONS = "/api/v1/distributions/"


@pytest.fixture
def manager(world):
    return token_client(make_user("fund-managers"))


def post(client, url, data):
    """POST as JSON, asking for English messages (the default is Chinese)."""
    return client.post(url, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def counts() -> tuple[int, int, int]:
    return (
        Disbursement.objects.count(),
        ValuationMark.objects.count(),
        Distribution.objects.count(),
    )


def commitment_of(world, startup) -> int:
    return world.fund.commitments.get(startup=startup).pk


def round_b(world) -> FundingRound:
    return FundingRound.objects.get(startup=world.weici, round_type="b")


def refused(client, url, body, field) -> list[str]:
    before = counts()
    response = post(client, url, body)
    assert response.status_code == 400, (response.status_code, response.content)
    assert field in response.json(), response.json()
    assert counts() == before
    return response.json()[field]


# --- disbursements ------------------------------------------------------------------------


def test_a_payment_is_written_and_answered_as_the_list_reads_it(manager, world):
    body = {
        "commitment": commitment_of(world, world.weici),
        "paid_on": "2023-06-01",
        "amount": "10000000",
        "round": round_b(world).pk,
        "tranche": None,
        "note": "B轮第二笔",
    }
    response = post(manager, DISBURSEMENTS, body)
    assert response.status_code == 201, response.content
    row = response.json()
    assert row == {
        "id": row["id"],
        "commitment": body["commitment"],
        "fund": {"id": world.fund.pk, "name": world.fund.name},
        "startup": {"id": world.weici.pk, "name": world.weici.name},
        "paid_on": "2023-06-01",
        "amount": "10000000.00",
        "currency": "CNY",
        "round": round_b(world).pk,
        "tranche": None,
        "ownership_pct": None,
        "note": "B轮第二笔",
    }
    assert manager.get(f"{DISBURSEMENTS}{row['id']}/").json() == row
    written = Disbursement.objects.get(pk=row["id"])
    assert written.history.get().history_user.username == "fund_managers"


def test_a_payment_records_the_stake_it_bought(manager, world):
    body = {"commitment": commitment_of(world, world.weici), "paid_on": "2023-06-01"}
    response = post(manager, DISBURSEMENTS, {**body, "amount": "1000000", "ownership_pct": "2.5"})
    assert response.status_code == 201, response.content
    assert response.json()["ownership_pct"] == "2.5000"
    assert Disbursement.objects.get(pk=response.json()["id"]).ownership_pct == 2.5
    for bad in ("101", "-1", "abc"):
        assert refused(
            manager, DISBURSEMENTS, {**body, "amount": "1", "ownership_pct": bad}, "ownership_pct"
        )


def test_a_payment_without_a_round(manager, world):
    body = {"commitment": commitment_of(world, world.coherent), "paid_on": "2023-04-01"}
    response = post(manager, DISBURSEMENTS, {**body, "amount": "5000000"})
    assert response.status_code == 201, response.content
    assert response.json()["round"] is None


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"amount": "10000000.01"}, "amount", "10,000,000.00 元 remains"),
        ({"amount": "0"}, "amount", "greater than zero"),
        ({"amount": "-1"}, "amount", ""),
        ({"paid_on": "2023-01-14"}, "paid_on", "approval (2023-01-15)"),
        ({"paid_on": "2999-01-01"}, "paid_on", "future"),
        ({"paid_on": "2023-02-30"}, "paid_on", ""),
        ({"round": "coherent"}, "round", "another startup"),
        ({"round": 999999}, "round", ""),
        ({"tranche": 999999}, "tranche", ""),
        ({"commitment": 999999}, "commitment", ""),
        ({"commitment": None}, "commitment", ""),
    ],
)
def test_payment_refusals_name_the_field(manager, world, change, field, fragment):
    body = {
        "commitment": commitment_of(world, world.weici),
        "paid_on": "2023-07-01",
        "amount": "1000",
        **change,
    }
    if body.get("round") == "coherent":
        other = FundingRound.objects.filter(startup=world.coherent).first()
        body.update(round=other.pk)
    messages = refused(manager, DISBURSEMENTS, body, field)
    assert fragment in " ".join(messages)


def test_no_payment_into_a_cancelled_commitment(manager, world):
    from portfolio import services

    services.commitment_cancel(commitment=world.fund.commitments.get(startup=world.coherent))
    body = {"commitment": commitment_of(world, world.coherent), "paid_on": "2023-04-01"}
    refused(manager, DISBURSEMENTS, {**body, "amount": "1000"}, "commitment")


# --- valuation marks ----------------------------------------------------------------------


def test_a_mark_with_its_method(manager, world):
    body = {
        "fund": world.fund.pk,
        "startup": world.weici.pk,
        "as_of": "2024-12-31",
        "fair_value": "60000000",
        "method": "comparables",
    }
    response = post(manager, MARKS, body)
    assert response.status_code == 201, response.content
    row = response.json()
    assert (row["fair_value"], row["method"], row["currency"], row["note"]) == (
        "60000000.00",
        "comparables",
        "CNY",
        "",
    )
    holdings = manager.get(f"/api/v1/funds/{world.fund.pk}/holdings/", {"as_of": "2025-01-01"})
    weici = next(h for h in holdings.json() if h["startup"] == world.weici.pk)
    assert weici["fair_value"] == "60000000.00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"method": None}, "method"),
        ({"method": "guess"}, "method"),
        ({"fair_value": "-1"}, "fair_value"),
        ({"fair_value": "1.001"}, "fair_value"),
        ({"as_of": "2999-12-31"}, "as_of"),
        ({"startup": "kewei"}, "startup"),  # the fund holds nothing of it
        ({"fund": 999999}, "fund"),
    ],
)
def test_mark_refusals_name_the_field(manager, world, change, field):
    body = {
        "fund": world.fund.pk,
        "startup": world.weici.pk,
        "as_of": "2024-12-31",
        "fair_value": "1",
        "method": "dcf",
        **change,
    }
    if body["startup"] == "kewei":
        body["startup"] = world.kewei.pk
    body = {key: value for key, value in body.items() if value is not None}
    refused(manager, MARKS, body, field)


# --- distributions and the end of a holding -----------------------------------------------


def test_a_write_off_ends_the_holding_its_fair_value_is_0_from_that_date(manager, world):
    body = {
        "fund": world.fund.pk,
        "startup": world.weici.pk,
        "paid_on": "2024-12-31",
        "amount": "0",
        "kind": "write_off",
        "note": "清算",
    }
    response = post(manager, DISTRIBUTIONS, body)
    assert response.status_code == 201, response.content
    row = response.json()
    assert (row["kind"], row["amount"], row["ends_holding"]) == ("write_off", "0.00", True)

    def fair_value(as_of):
        url = f"/api/v1/funds/{world.fund.pk}/holdings/"
        rows = manager.get(url, {"as_of": as_of}).json()
        return next(h["fair_value"] for h in rows if h["startup"] == world.weici.pk)

    assert fair_value("2024-12-30") == "50000000.00"
    assert fair_value("2024-12-31") == fair_value("2025-06-30") == "0.00"
    report = manager.get(f"/api/v1/funds/{world.fund.pk}/report/", {"as_of": "2025-06-30"})
    assert report.json()["unrealized"] == "0.00"  # 相干: nothing paid, nothing held at cost

    mark = {"fund": world.fund.pk, "startup": world.weici.pk, "fair_value": "1", "method": "dcf"}
    assert (
        "ended on 2024-12-31"
        in refused(manager, MARKS, {**mark, "as_of": "2025-01-01"}, "as_of")[0]
    )
    refused(manager, MARKS, {**mark, "as_of": "2024-12-31"}, "fair_value")
    payment = {"commitment": commitment_of(world, world.weici), "amount": "1000"}
    refused(manager, DISBURSEMENTS, {**payment, "paid_on": "2025-01-02"}, "paid_on")
    refused(manager, DISTRIBUTIONS, {**body, "kind": "exit", "amount": "5"}, "kind")
    dividend = post(manager, DISTRIBUTIONS, {**body, "kind": "dividend", "amount": "7"})
    assert dividend.status_code == 201 and dividend.json()["ends_holding"] is False


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": None}, "kind"),
        ({"kind": "sale"}, "kind"),
        ({"kind": "exit", "amount": "0"}, "amount"),
        ({"kind": "dividend", "amount": "0"}, "amount"),
        ({"kind": "write_off", "amount": "-0.01"}, "amount"),
        ({"kind": "exit", "paid_on": "2024-06-29"}, "paid_on"),  # before the 2024-06-30 mark
        ({"kind": "exit", "paid_on": "2023-05-31"}, "startup"),  # before any payment
        ({"kind": "exit", "startup": "coherent"}, "startup"),  # nothing paid into it
        ({"paid_on": "2999-01-01"}, "paid_on"),
    ],
)
def test_distribution_refusals_name_the_field(manager, world, change, field):
    body = {
        "fund": world.fund.pk,
        "startup": world.weici.pk,
        "paid_on": "2024-10-01",
        "amount": "1000",
        "kind": "dividend",
        **change,
    }
    if body["startup"] == "coherent":
        body["startup"] = world.coherent.pk
    body = {key: value for key, value in body.items() if value is not None}
    refused(manager, DISTRIBUTIONS, body, field)


def test_an_exit_takes_the_proceeds_and_ends_the_holding(manager, world):
    body = {
        "fund": world.fund.pk,
        "startup": world.weici.pk,
        "paid_on": "2024-10-01",
        "amount": "80000000",
        "kind": "exit",
    }
    response = post(manager, DISTRIBUTIONS, body)
    assert response.status_code == 201, response.content
    report = manager.get(f"/api/v1/funds/{world.fund.pk}/report/", {"as_of": "2024-12-31"})
    figures = report.json()
    assert (figures["realized"], figures["unrealized"]) == ("85000000.00", "0.00")
    assert "already ended on 2024-10-01" in refused(manager, DISTRIBUTIONS, body, "kind")[0]


# --- lists: filters and exports -----------------------------------------------------------


def test_lists_filter_by_fund_startup_kind_method_and_date(manager, world):
    assert manager.get(DISTRIBUTIONS, {"kind": "exit"}).json()["count"] == 0
    assert manager.get(DISTRIBUTIONS, {"kind": "dividend"}).json()["count"] == 1
    assert manager.get(MARKS, {"method": "recent_round"}).json()["count"] == 1
    assert manager.get(MARKS, {"method": "dcf"}).json()["count"] == 0
    assert manager.get(DISBURSEMENTS, {"startup": world.coherent.pk}).json()["count"] == 0
    assert manager.get(DISBURSEMENTS, {"round": round_b(world).pk}).json()["count"] == 1
    assert manager.get(DISBURSEMENTS, {"after": "2023-06-02"}).json()["count"] == 0
    for url, name, value in [
        (DISTRIBUTIONS, "kind", "sale"),
        (MARKS, "method", "guess"),
        (DISBURSEMENTS, "round", "x"),
        (DISBURSEMENTS, "after", "2023-02-30"),
        (MARKS, "fund", "-1"),
    ]:
        response = manager.get(url, {name: value})
        assert response.status_code == 400 and name in response.json(), (url, name)


def test_exports_flatten_the_rows(manager, world):
    response = manager.get(DISBURSEMENTS, {"format": "csv"})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert rows == [
        {
            "id": rows[0]["id"],
            "commitment": str(commitment_of(world, world.weici)),
            "fund_id": str(world.fund.pk),
            "fund_name": world.fund.name,
            "startup_id": str(world.weici.pk),
            "startup_name": "未磁科技",
            "paid_on": "2023-06-01",
            "amount": "20000000.00",
            "currency": "CNY",
            "round": str(round_b(world).pk),
            "tranche": "",
            "ownership_pct": "",
            "note": "",
        }
    ]


def test_viewers_read_and_may_not_write(world):
    viewer = token_client(make_user("viewers"))
    for url in (DISBURSEMENTS, MARKS, DISTRIBUTIONS):
        assert viewer.get(url).json()["count"] == 1
        assert post(viewer, url, {}).status_code == 403
