"""Concurrent payments, marks and proceeds on one holding are checked one after the other.

Like the commitments' race (``test_concurrency``) and the LPs' (``test_lp_concurrency``):
``disbursement_record``, ``valuation_mark`` and ``distribution_record`` lock the fund's row
first (PostgreSQL ``SELECT ... FOR UPDATE``; SQLite's IMMEDIATE transaction), so threads
arriving together never pay more than a commitment, never end a holding twice, and never
slip a payment or a mark past an exit recorded at the same moment. A loser gets the
service's refusal naming its field, never a database error.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial

import pytest

from portfolio import services
from portfolio.models import Disbursement, Distribution, ValuationMark
from tests.support.factories import FundFactory, StartupFactory
from tests.support.race import race

pytestmark = pytest.mark.slow

THREADS = 6
REPETITIONS = 5
D = Decimal


def holding():
    fund, startup = FundFactory(), StartupFactory()
    commitment = services.commitment_create(
        fund=fund, startup=startup, amount=D("10000000"), approved_on=dt.date(2024, 1, 10)
    )
    services.disbursement_record(
        commitment=commitment, amount=D("1000000"), paid_on=dt.date(2024, 2, 1)
    )
    return commitment


def payments(commitment) -> list:
    """900万 left; each asks for 300万 + 1 yuan: two fit, the others must be refused."""
    pay = partial(
        services.disbursement_record,
        commitment=commitment,
        amount=D("3000001"),
        paid_on=dt.date(2024, 3, 1),
    )
    return [pay] * THREADS


ENDED = dt.date(2024, 6, 1)
LATER = dt.date(2024, 7, 1)


def ends_and_late_rows(commitment) -> list:
    """Three ends of the holding on ENDED (writes 0-2), then two payments and a mark after."""
    fund, startup = commitment.fund, commitment.startup
    end = partial(services.distribution_record, fund=fund, startup=startup, paid_on=ENDED)
    pay = partial(services.disbursement_record, commitment=commitment, paid_on=LATER)
    return [
        partial(end, amount=D("5000000"), kind="exit"),
        partial(end, amount=D("0"), kind="write_off"),
        partial(end, amount=D("7000000"), kind="exit"),
        partial(pay, amount=D("1000")),
        partial(
            services.valuation_mark,
            fund=fund,
            startup=startup,
            as_of=LATER,
            fair_value=D("2000000"),
        ),
        partial(pay, amount=D("2000")),
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_never_pay_more_than_the_commitment():
    for repetition in range(REPETITIONS):
        commitment = holding()
        won, refused, crashed = race(payments(commitment))
        assert crashed == [], f"repetition {repetition}: {crashed}"
        assert len(won) == 2, f"repetition {repetition}: {len(won)} won"
        assert all(set(errors) == {"amount"} for _n, errors in refused)
        assert commitment.disbursements.total() == D("7000002")


@pytest.mark.django_db(transaction=True)
def test_a_holding_ends_once_and_nothing_slips_past_its_end():
    for repetition in range(REPETITIONS):
        commitment = holding()
        writes = ends_and_late_rows(commitment)
        won, refused, crashed = race(writes)
        assert crashed == [], f"repetition {repetition}: {crashed}"
        fund, startup = commitment.fund, commitment.startup
        ends = Distribution.objects.filter(fund=fund, startup=startup)
        late_payments = Disbursement.objects.filter(commitment=commitment, paid_on=LATER)
        late_marks = ValuationMark.objects.filter(fund=fund, startup=startup, as_of=LATER)
        if ends.exists():
            # An end came before the late rows: they were refused (a late row that came
            # first would have refused every end: an end cannot precede it).
            assert ends.count() == 1
            assert not late_payments.exists() and not late_marks.exists()
        else:
            # A late row came first: every end was refused, naming its date.
            assert {n for n, _errors in refused} == {0, 1, 2}
            assert all(set(errors) == {"paid_on"} for _n, errors in refused)
        assert len(won) + len(refused) == len(writes)


@pytest.mark.django_db(transaction=True)
def test_payments_against_one_tranche_at_once_never_overpay_it():
    """A 300万 tranche (no milestone) of a 900万-left commitment; each thread asks for
    100万 + 1 yuan: two fit the tranche, the others are refused under ``amount``."""
    for repetition in range(REPETITIONS):
        commitment = holding()
        tranche = services.tranche_create(
            commitment=commitment, amount=D("3000000"), due_by=dt.date(2025, 1, 1)
        )
        pay = partial(
            services.disbursement_record,
            commitment=commitment,
            tranche=tranche,
            amount=D("1000001"),
            paid_on=dt.date(2024, 3, 1),
        )
        won, refused, crashed = race([pay] * THREADS)
        assert crashed == [], f"repetition {repetition}: {crashed}"
        assert len(won) == 2, f"repetition {repetition}: {len(won)} won"
        assert all(set(errors) == {"amount"} for _n, errors in refused)
        assert tranche.disbursements.total() == D("2000002")
