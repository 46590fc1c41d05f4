"""Concurrent commitments never take a fund above its size (bar R3).

Eight threads each commit size/4 + 1 against the 200M fund at the same moment: exactly three
fit. Repeated, on whichever database the suite runs on (SQLite with IMMEDIATE transactions,
PostgreSQL with SELECT ... FOR UPDATE on the fund row). A loser gets the capacity refusal,
never "database is locked" or any other database error.
"""

import datetime as dt
from decimal import Decimal
from functools import partial

import pytest

from portfolio import services
from portfolio.models import Commitment, Fund
from tests.support.factories import FundFactory, StartupFactory
from tests.support.race import race

pytestmark = pytest.mark.slow

THREADS = 8
REPETITIONS = 20
SIZE = Decimal("200000000.00")


def race_commitments(fund: Fund, startups) -> tuple[list, list, list]:
    """Each startup asks for a quarter of the fund plus a yuan, all at once."""
    amount = SIZE / 4 + 1
    won, refused, crashed = race(
        [
            partial(
                services.commitment_create,
                fund=fund,
                startup=startup,
                amount=amount,
                approved_on=dt.date(2025, 6, 1),
            )
            for startup in startups
        ]
    )
    return won, [errors for _n, errors in refused], crashed


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_commitments_never_exceed_the_fund():
    startups = StartupFactory.create_batch(THREADS)
    for repetition in range(REPETITIONS):
        fund = FundFactory(size=SIZE, max_single_company_pct=Decimal("30"))
        won, refused, crashed = race_commitments(fund, startups)
        assert crashed == [], f"repetition {repetition}: {crashed}"
        committed = services.fund_committed(fund)
        assert committed <= SIZE
        assert len(won) == 3, f"repetition {repetition}: {len(won)} won"
        assert len(refused) == THREADS - 3
        for errors in refused:
            assert "still available" in errors["amount"][0]
        assert Commitment.objects.filter(fund=fund).count() == 3
