"""The database itself refuses rows that break an invariant (no Python validation involved)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from portfolio.models import (
    Commitment,
    Disbursement,
    Distribution,
    Fund,
    FundingRound,
    KpiReport,
    Participation,
    Stage,
    StageTransition,
    Startup,
    ValuationMark,
)
from portfolio.models.choices import AmountPrecision, RoundType
from tests.support.factories import FundFactory, InvestorFactory, StartupFactory

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_startup_trl_outside_1_9_is_refused(startup):
    refused(lambda: Startup.objects.filter(pk=startup.pk).update(trl=10))
    refused(lambda: Startup.objects.filter(pk=startup.pk).update(trl=0))


def test_startup_credit_code_format_and_uniqueness(startup):
    refused(lambda: Startup.objects.filter(pk=startup.pk).update(credit_code="too-short"))
    other = StartupFactory()
    refused(lambda: Startup.objects.filter(pk=other.pk).update(credit_code=startup.credit_code))


def test_stage_trl_range_and_terminal_valley():
    refused(
        lambda: Stage.objects.create(
            slug="x", name="x", name_en="x", order=50, trl_min=5, trl_max=4
        )
    )
    refused(
        lambda: Stage.objects.create(
            slug="y",
            name="y",
            name_en="y",
            order=51,
            trl_min=1,
            trl_max=9,
            in_valley=True,
            outcome="closed",
        )
    )


def test_transition_must_move_and_trl_in_range(startup):
    lab = Stage.objects.get(slug="lab")
    refused(
        lambda: StageTransition.objects.create(
            startup=startup, from_stage=lab, to_stage=lab, on=dt.date(2024, 1, 1), trl=2
        )
    )
    refused(
        lambda: StageTransition.objects.create(
            startup=startup, to_stage=lab, on=dt.date(2024, 1, 1), trl=12
        )
    )


def test_one_kpi_report_per_startup_and_quarter(startup):
    KpiReport.objects.create(startup=startup, year=2024, quarter=1)
    refused(lambda: KpiReport.objects.create(startup=startup, year=2024, quarter=1))
    refused(lambda: KpiReport.objects.create(startup=startup, year=2024, quarter=5))
    refused(
        lambda: KpiReport.objects.create(
            startup=startup, year=2024, quarter=2, revenue=Decimal("-1")
        )
    )


def test_round_amount_positive_unless_undisclosed(startup):
    def make(**kwargs):
        return lambda: FundingRound.objects.create(
            startup=startup, round_type=RoundType.A, closed_on=dt.date(2024, 1, 1), **kwargs
        )

    refused(make(amount=Decimal("0")))
    refused(make(amount=Decimal("-5")))
    refused(make(amount=None, amount_precision=AmountPrecision.EXACT))
    refused(make(amount=Decimal("5"), amount_precision=AmountPrecision.UNDISCLOSED))
    refused(make(amount=Decimal("5"), pre_money_valuation=Decimal("-1")))
    make(amount=None, amount_precision=AmountPrecision.UNDISCLOSED)()
    assert FundingRound.objects.count() == 1


def test_participation_unique_per_round_and_investor(startup):
    funding_round = FundingRound.objects.create(
        startup=startup,
        round_type=RoundType.A,
        closed_on=dt.date(2024, 1, 1),
        amount=Decimal("100"),
    )
    investor = InvestorFactory()
    Participation.objects.create(funding_round=funding_round, investor=investor)
    refused(lambda: Participation.objects.create(funding_round=funding_round, investor=investor))
    refused(
        lambda: Participation.objects.create(
            funding_round=funding_round, investor=InvestorFactory(), amount=Decimal("0")
        )
    )


def test_fund_money_rows_refuse_non_positive_amounts(startup):
    fund = FundFactory()
    refused(lambda: Fund.objects.filter(pk=fund.pk).update(size=Decimal("0")))
    refused(lambda: Fund.objects.filter(pk=fund.pk).update(max_single_company_pct=Decimal("101")))
    refused(
        lambda: Commitment.objects.create(
            fund=fund, startup=startup, amount=Decimal("0"), approved_on=dt.date(2025, 1, 1)
        )
    )
    commitment = Commitment.objects.create(
        fund=fund, startup=startup, amount=Decimal("10"), approved_on=dt.date(2025, 1, 1)
    )
    refused(
        lambda: Disbursement.objects.create(
            commitment=commitment, amount=Decimal("-1"), paid_on=dt.date(2025, 2, 1)
        )
    )
    refused(
        lambda: ValuationMark.objects.create(
            fund=fund, startup=startup, as_of=dt.date(2025, 2, 1), fair_value=Decimal("-1")
        )
    )
    ValuationMark.objects.create(
        fund=fund, startup=startup, as_of=dt.date(2025, 2, 1), fair_value=Decimal("1")
    )
    refused(
        lambda: ValuationMark.objects.create(
            fund=fund, startup=startup, as_of=dt.date(2025, 2, 1), fair_value=Decimal("2")
        )
    )
    refused(
        lambda: Distribution.objects.create(
            fund=fund, startup=startup, amount=Decimal("0"), paid_on=dt.date(2025, 2, 1)
        )
    )


def test_money_and_history_are_protected(startup):
    from django.db.models import ProtectedError

    fund = FundFactory()
    Commitment.objects.create(
        fund=fund, startup=startup, amount=Decimal("10"), approved_on=dt.date(2025, 1, 1)
    )
    with pytest.raises(ProtectedError):
        startup.delete()
    with pytest.raises(ProtectedError):
        fund.delete()
    with pytest.raises(ProtectedError):
        Stage.objects.get(slug="lab").delete()
