"""The demo command: real facts from the source, enough illustrative data, idempotent."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from portfolio.models import (
    Commitment,
    Distribution,
    Fund,
    FundingRound,
    Institution,
    KpiReport,
    Milestone,
    StageTransition,
    Startup,
    ValuationMark,
)
from portfolio.selectors import fund_report

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

COUNTED = [
    Startup,
    StageTransition,
    FundingRound,
    Milestone,
    KpiReport,
    Commitment,
    ValuationMark,
    Distribution,
    Institution,
]


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_seed_demo_twice_is_idempotent(capsys):
    call_command("seed_demo")
    first = counts()
    report = fund_report(Fund.objects.get())
    call_command("seed_demo")
    assert counts() == first
    assert fund_report(Fund.objects.get()).committed == report.committed
    out = capsys.readouterr().out
    assert "already present" in out
    assert "manager" in out and "viewer" in out and "staff" in out


def test_migrations_alone_create_no_users():
    assert get_user_model().objects.count() == 0
