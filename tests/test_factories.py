"""The factories of tests/support build through the services: their defaults make valid,
consistent rows, and a factory asked for what a rule refuses is refused like the service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portfolio import services
from portfolio.models import (
    Commitment,
    Disbursement,
    Distribution,
    FundingRound,
    Startup,
    ValuationMark,
)
from tests.support import factories
from tests.support.factories import stage

pytestmark = pytest.mark.django_db


def test_defaults_build_a_consistent_chain():
    startup = factories.StartupFactory()
    assert startup.transitions.get().to_stage == startup.stage  # written by startup_create
    investor = factories.InvestorFactory()
    funding_round = factories.FundingRoundFactory(
        startup=startup, participants=[(investor, Decimal("1000000"))]
    )
    amounts = {p.investor: p.amount for p in funding_round.participations.all()}
    # round_record adds the lead (a default investor) as a participant of no stated amount
    assert amounts == {investor: Decimal("1000000.00"), funding_round.lead_investor: None}
    disbursement = factories.DisbursementFactory(commitment__startup=startup)
    mark = factories.ValuationMarkFactory(fund=disbursement.commitment.fund, startup=startup)
    distribution = factories.DistributionFactory(fund=mark.fund, startup=startup)
    assert Commitment.objects.get() == disbursement.commitment  # reused, not a second one
    assert distribution.paid_on >= disbursement.paid_on
    assert [m.objects.count() for m in (Disbursement, ValuationMark, Distribution)] == [1, 1, 1]


def test_marks_and_distributions_first_make_the_holding_they_need():
    mark = factories.ValuationMarkFactory()
    assert Commitment.objects.filter(fund=mark.fund, startup=mark.startup).exists()
    distribution = factories.DistributionFactory()
    paid = Disbursement.objects.get(commitment__startup=distribution.startup)
    assert paid.paid_on <= distribution.paid_on


def closed_startup():
    startup = factories.StartupFactory()
    services.startup_advance(
        startup=startup, to_stage=stage("closed"), on=dt.date(2022, 1, 1), trl=2
    )
    startup.refresh_from_db()
    return startup


@pytest.mark.parametrize(
    ("model", "make", "field"),
    [
        (Commitment, lambda: factories.CommitmentFactory(amount=Decimal("300000000")), "amount"),
        (
            Commitment,
            lambda: factories.CommitmentFactory(approved_on=dt.date(2030, 1, 1)),
            "approved_on",
        ),
        (Commitment, lambda: factories.CommitmentFactory(startup=closed_startup()), "startup"),
        (Disbursement, lambda: factories.DisbursementFactory(amount=Decimal("20000000")), "amount"),
        (
            Disbursement,
            lambda: factories.DisbursementFactory(paid_on=dt.date(2024, 1, 1)),
            "paid_on",
        ),
        (FundingRound, lambda: factories.FundingRoundFactory(amount=None), "amount"),
        (
            Startup,
            lambda: factories.StartupFactory(
                founded_on=dt.date(2020, 1, 1), admitted_on=dt.date(2100, 1, 1)
            ),
            "admitted_on",
        ),
    ],
    ids=[
        "commitment-over-size",
        "commitment-after-period",
        "commitment-to-closed",
        "disbursement-over-commitment",
        "disbursement-before-approval",
        "round-exact-without-amount",
        "startup-admitted-in-future",
    ],
)
def test_a_factory_is_refused_what_the_service_refuses(model, make, field):
    before = model.objects.count()
    with pytest.raises(ValidationError) as refused:
        make()
    assert field in refused.value.message_dict
    # the parents built first may remain (none is of ``model``); the refused row is not there
    assert model.objects.count() == before


@pytest.mark.parametrize("count", [0, 1070, 5_000, 50_000])
def test_a_long_run_of_one_factory_never_reaches_a_future_date(count):
    """A worker of the parallel suite makes thousands of rows of one kind; a date sequence
    that ran on day by day passed today (2024-01-01 + 1,070 days is 2026-12-06) and the
    services refused the row. The sequences wrap and stay in the past."""
    today = timezone.localdate()
    for declaration in (
        factories.TechTransferFactory.contract_on,
        factories.IncubatorFiguresFactory.effective_from,
        factories.MentoringSessionFactory.held_on,
        factories.FinancingIntroductionFactory.introduced_on,
    ):
        assert declaration.function(count) < today
