"""The fund's money rows toward companies (issue 14): payments, marks and proceeds, and how
an exit or a write-off ends a holding.

The contract (api-contract.md, "The fund's investors"): an ``exit`` or ``write_off`` ends
the holding, its fair value is 0 from that date and later marks are refused; a ``dividend``
leaves it open. Each rule is asserted through the service (the field it names, nothing
written) and, for the fair value, through the fund report and holdings.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portfolio import services
from portfolio.models import Disbursement, Distribution, ValuationMark
from portfolio.selectors import fund_holdings, fund_report
from portfolio.services import fund as fund_services
from tests.support.factories import FundFactory, FundingRoundFactory, StartupFactory

pytestmark = pytest.mark.django_db

D = Decimal
APPROVED = dt.date(2024, 1, 10)
PAID = dt.date(2024, 2, 1)
MARKED = dt.date(2024, 6, 30)
ENDED = dt.date(2024, 9, 1)


def refused(call, field: str, code: str | None = None) -> str:
    """Run ``call``: refused on ``field`` (with ``code``); the message."""
    with pytest.raises(ValidationError) as excinfo:
        call()
    errors = excinfo.value.error_dict
    assert field in errors, excinfo.value.message_dict
    if code is not None:
        assert code in {error.code for error in errors[field]}, errors[field]
    return " ".join(excinfo.value.message_dict[field])


def counts() -> tuple[int, int, int]:
    return (
        Disbursement.objects.count(),
        ValuationMark.objects.count(),
        Distribution.objects.count(),
    )


@pytest.fixture
def holding():
    """1000万 committed, 400万 paid on 2024-02-01, marked at 600万 on 2024-06-30."""
    fund = FundFactory()
    startup = StartupFactory()
    commitment = services.commitment_create(
        fund=fund, startup=startup, amount=D("10000000"), approved_on=APPROVED
    )
    services.disbursement_record(commitment=commitment, amount=D("4000000"), paid_on=PAID)
    services.valuation_mark(
        fund=fund, startup=startup, as_of=MARKED, fair_value=D("6000000"), method="recent_round"
    )
    return commitment


def end(commitment, kind="exit", amount="9000000", on=ENDED):
    return services.distribution_record(
        fund=commitment.fund, startup=commitment.startup, paid_on=on, amount=D(amount), kind=kind
    )


def mark(commitment, on, value="1", method="other"):
    return services.valuation_mark(
        fund=commitment.fund,
        startup=commitment.startup,
        as_of=on,
        fair_value=D(value),
        method=method,
    )


def pay(commitment, on, amount="1000", funding_round=None):
    return services.disbursement_record(
        commitment=commitment, amount=D(amount), paid_on=on, funding_round=funding_round
    )


# --- disbursements ------------------------------------------------------------------------


def test_a_payment_within_what_is_left_into_the_startups_own_round(holding):
    own_round = FundingRoundFactory(startup=holding.startup, closed_on=dt.date(2024, 3, 1))
    paid = pay(holding, dt.date(2024, 3, 1), "6000000", funding_round=own_round)
    assert (paid.amount, paid.funding_round) == (D("6000000.00"), own_round)
    message = refused(lambda: pay(holding, dt.date(2024, 3, 2), "0.01"), "amount")
    assert "0.00 元 remains" in message


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"amount": "6000000.01"}, "amount", "exceeds_commitment"),
        ({"on": APPROVED - dt.timedelta(days=1)}, "paid_on", "before_approval"),
        ({"on": dt.date(2999, 1, 1)}, "paid_on", "future"),
    ],
)
def test_payment_refusals_name_their_field_and_write_nothing(holding, kwargs, field, code):
    before = counts()
    arguments = {"on": dt.date(2024, 3, 1), **kwargs}
    refused(lambda: pay(holding, **arguments), field, code)
    assert counts() == before


def test_a_payment_into_another_startups_round_is_refused(holding):
    other_round = FundingRoundFactory(startup=StartupFactory(), closed_on=dt.date(2024, 3, 1))
    refused(
        lambda: pay(holding, dt.date(2024, 3, 1), funding_round=other_round),
        "funding_round",
        "other_startup",
    )
    assert Disbursement.objects.count() == 1


def test_no_payment_after_the_holding_ended_but_on_its_last_day(holding):
    end(holding)
    message = refused(
        lambda: pay(holding, ENDED + dt.timedelta(days=1)), "paid_on", "holding_ended"
    )
    assert "ended on 2024-09-01 (Exit proceeds)" in message
    pay(holding, ENDED)  # the day's payments count before its exit
    pay(holding, ENDED - dt.timedelta(days=30))  # a payment recorded late, dated before
    assert Disbursement.objects.count() == 3


def test_a_dividend_leaves_the_holding_open(holding):
    end(holding, kind="dividend", amount="100000")
    pay(holding, ENDED + dt.timedelta(days=1))
    mark(holding, ENDED + dt.timedelta(days=2), "7000000")
    assert fund_services.holding_end(holding.fund, holding.startup) is None


# --- valuation marks ----------------------------------------------------------------------


def test_a_mark_keeps_its_method_and_replaces_the_days_mark(holding):
    again = mark(holding, MARKED, "6500000", method="comparables")
    assert ValuationMark.objects.get() == again
    assert (again.fair_value, again.method) == (D("6500000.00"), "comparables")
    refused(lambda: mark(holding, MARKED, method="guess"), "method", "invalid_choice")


def test_no_mark_after_the_holding_ended_and_none_above_zero_on_its_day(holding):
    end(holding, kind="write_off", amount="0")
    before = counts()
    message = refused(
        lambda: mark(holding, ENDED + dt.timedelta(days=1), "0"), "as_of", "holding_ended"
    )
    assert "ended on 2024-09-01 (Write-off)" in message
    refused(lambda: mark(holding, ENDED, "1"), "fair_value", "holding_ended")
    assert counts() == before
    mark(holding, ENDED, "0", method="write_down")  # 0 on the day: what the end says
    mark(holding, MARKED, "5000000")  # an earlier mark may still be corrected
    assert ValuationMark.objects.count() == 2


# --- distributions ------------------------------------------------------------------------


def test_an_exit_ends_the_holding_once(holding):
    ended = end(holding)
    assert fund_services.holding_end(holding.fund, holding.startup) == ended
    for kind in ("exit", "write_off"):
        message = refused(
            lambda kind=kind: end(holding, kind=kind, on=ENDED + dt.timedelta(days=5)),
            "kind",
            "holding_ended",
        )
        assert "already ended on 2024-09-01" in message
    later = end(holding, kind="dividend", amount="50000", on=ENDED + dt.timedelta(days=5))
    assert later.kind == "dividend"  # escrow released after the exit: proceeds, still
    assert Distribution.objects.count() == 2


def test_a_write_off_may_bring_nothing_other_kinds_must_bring_money(holding):
    for kind in ("exit", "dividend", "other"):
        refused(lambda kind=kind: end(holding, kind=kind, amount="0"), "amount", "min_value")
    refused(lambda: end(holding, kind="write_off", amount="-1"), "amount", "min_value")
    refused(lambda: end(holding, kind="sold"), "kind", "invalid_choice")
    assert Distribution.objects.count() == 0
    written_off = end(holding, kind="write_off", amount="0")
    assert written_off.amount == D("0.00")


def test_an_end_comes_after_the_last_payment_and_mark(holding):
    before = counts()
    message = refused(
        lambda: end(holding, on=MARKED - dt.timedelta(days=1)), "paid_on", "before_mark"
    )
    assert "6,000,000.00 元 on 2024-06-30" in message
    refused(lambda: end(holding, on=MARKED), "paid_on", "before_mark")  # a mark above 0 that day
    pay(holding, dt.date(2024, 5, 1))
    refused(lambda: end(holding, on=dt.date(2024, 4, 1)), "paid_on", "before_payment")
    assert counts() == (before[0] + 1, before[1], before[2])
    mark(holding, dt.date(2024, 8, 1), "0", method="write_down")
    refused(lambda: end(holding, on=dt.date(2024, 7, 31)), "paid_on", "before_mark")
    end(holding, on=dt.date(2024, 8, 1))  # a mark of 0 the same day agrees with the end


def test_proceeds_need_cash_paid_in_first(holding):
    other = StartupFactory()
    services.commitment_create(
        fund=holding.fund, startup=other, amount=D("1000000"), approved_on=APPROVED
    )
    refused(
        lambda: services.distribution_record(
            fund=holding.fund, startup=other, paid_on=ENDED, amount=D("0"), kind="write_off"
        ),
        "startup",
        "no_cash_in",
    )


# --- the fund report: fair value 0 from the end ------------------------------------------


@pytest.mark.parametrize("kind", ["exit", "write_off"])
def test_an_ended_holding_is_worth_nothing_from_its_end(holding, kind):
    amount = "9000000" if kind == "exit" else "0"
    end(holding, kind=kind, amount=amount)
    before, on, after = (ENDED - dt.timedelta(days=1), ENDED, dt.date(2025, 6, 30))
    value = {
        as_of: fund_holdings(holding.fund, as_of)[0].fair_value for as_of in (before, on, after)
    }
    assert value == {before: D("6000000.00"), on: D("0.00"), after: D("0.00")}
    report = fund_report(holding.fund, after)
    assert (report.unrealized, report.realized, report.disbursed) == (
        D("0.00"),
        D(amount),
        D("4000000.00"),
    )
    assert fund_report(holding.fund, before).unrealized == D("6000000.00")


def test_an_ended_holding_never_marked_is_not_carried_at_cost(db):
    fund, startup = FundFactory(), StartupFactory()
    commitment = services.commitment_create(
        fund=fund, startup=startup, amount=D("1000000"), approved_on=APPROVED
    )
    pay(commitment, PAID, "800000")
    assert fund_report(fund, ENDED).unrealized == D("800000.00")  # at cost while open
    end(commitment, kind="write_off", amount="0")
    assert fund_report(fund, ENDED).unrealized == D("0.00")
    assert fund_report(fund, ENDED).gross_moic == D("0.0000")


def test_a_dividend_keeps_the_holding_at_its_mark(holding):
    end(holding, kind="dividend", amount="500000")
    report = fund_report(holding.fund, dt.date(2025, 6, 30))
    assert (report.unrealized, report.realized) == (D("6000000.00"), D("500000.00"))
