"""Concurrent capital calls and distributions never over-call or over-distribute.

Like the commitments' race (``test_concurrency``): every call and every distribution locks
the fund's row first (PostgreSQL ``SELECT ... FOR UPDATE``; SQLite's IMMEDIATE transaction),
so threads that arrive together are checked one after the other against the same totals.
"""

import datetime as dt
from decimal import Decimal
from functools import partial

import pytest

from portfolio.models import CapitalCall, CapitalCallItem, LpDistribution
from portfolio.selectors.lp_report import fund_engine
from portfolio.services import lps
from tests.support.factories import FundFactory
from tests.support.race import race

pytestmark = pytest.mark.slow

THREADS = 6
REPETITIONS = 5


def race_n(write) -> tuple[int, list, list]:
    """``write(n)`` in THREADS threads at once: how many won, the refusals, the crashes."""
    won, refused, crashed = race([partial(write, n) for n in range(THREADS)])
    return len(won), [errors for _n, errors in refused], crashed


def fund_with_lps():
    fund = FundFactory()
    for n, amount in enumerate((60_000_000, 40_000_000)):
        lp = lps.limited_partner_create(name=f"出资人{fund.pk}-{n}", kind="social_capital")
        lps.lp_commitment_create(
            fund=fund, limited_partner=lp, amount=amount, committed_on=dt.date(2024, 1, 2)
        )
    return fund


@pytest.mark.django_db(transaction=True)
def test_concurrent_calls_never_call_more_than_is_committed():
    for repetition in range(REPETITIONS):
        fund = fund_with_lps()
        # Each asks for 30 % of the 1亿 committed: three fit, three must be refused.
        won, refused, crashed = race_n(
            lambda n, fund=fund: lps.capital_call_create(
                fund=fund,
                call_date=dt.date(2024, 2, 1),
                due_date=dt.date(2024, 2, 29),
                amount=30_000_000,
            )
        )
        assert crashed == [], f"repetition {repetition}: {crashed}"
        assert won == 3, f"repetition {repetition}: {won} won"
        assert all("callable" in errors for errors in refused)
        called = CapitalCallItem.objects.filter(capital_call__fund=fund).total()
        assert called == Decimal(90_000_000)
        numbers = sorted(CapitalCall.objects.filter(fund=fund).values_list("number", flat=True))
        assert numbers == [1, 2, 3]


@pytest.mark.django_db(transaction=True)
def test_concurrent_distributions_never_pay_out_more_than_the_cash():
    for repetition in range(REPETITIONS):
        fund = fund_with_lps()
        call = lps.capital_call_create(
            fund=fund,
            call_date=dt.date(2024, 2, 1),
            due_date=dt.date(2024, 2, 1),
            amount=10_000_000,
        )
        for item in call.items.all():
            lps.capital_call_payment_record(
                capital_call=call,
                limited_partner=item.limited_partner,
                paid_on=dt.date(2024, 2, 1),
                amount=item.amount,
            )
        cash = fund_engine(fund).cash(dt.date(2024, 2, 2))
        # Each asks for 40 % of the cash: two fit, four must be refused.
        won, refused, crashed = race_n(
            lambda n, fund=fund, cash=cash: lps.lp_distribution_record(
                fund=fund, paid_on=dt.date(2024, 2, 2), amount=(cash * 4 / 10).quantize(1)
            )
        )
        assert crashed == [], f"repetition {repetition}: {crashed}"
        assert won == 2, f"repetition {repetition}: {won} won"
        assert all("amount" in errors for errors in refused)
        paid = LpDistribution.objects.filter(fund=fund).total()
        assert paid <= cash
