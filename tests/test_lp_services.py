"""The fund's investors through the services: the worked example of fund-accounting.md §5
entered as a fund manager would, and the rules of each write."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portfolio.fund_accounting import GP, TIERS
from portfolio.models import CapitalCall, CapitalCallPayment, LpDistribution
from portfolio.selectors import lp_report as selectors
from portfolio.services import lps
from tests.support import worked_fund as W

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked():
    return W.build()


def test_calls_are_split_pro_rata_and_paid_in(worked):
    calls = CapitalCall.objects.filter(fund=worked.fund).order_by("number")
    assert [c.number for c in calls] == [1, 2]
    first = {i.limited_partner_id: i.amount for i in calls[0].items.all()}
    assert first == {
        worked.lps["LP1"].pk: 12 * W.M,
        worked.lps["LP2"].pk: 8 * W.M,
        worked.lps["LP3"].pk: 20 * W.M,
    }
    assert calls[0].investments == 40 * W.M  # what fees and expenses leave


def test_management_fees_follow_the_terms(worked):
    lines, _names = selectors.management_fees(worked.fund, W.AS_OF)
    assert {line.quarter_end: int(line.amount) for line in lines} == W.FEES


def test_the_lp_report(worked):
    report = selectors.lp_report(worked.fund, W.AS_OF)
    by_key = {key: row for key, row in zip(("LP1", "LP2", "LP3"), report.lps, strict=False)}
    names = {row.limited_partner.pk: row for row in report.lps}
    for key, (pic, dist, nav, dpi, rvpi, tvpi, irr) in W.PERFORMANCE.items():
        row = report.net if key == "net" else names[worked.lps[key].pk]
        f = row.figures
        assert (f.paid_in, f.distributed, f.nav) == (pic, dist, nav), key
        assert (f.dpi, f.rvpi, f.tvpi, row.irr) == tuple(map(Decimal, (dpi, rvpi, tvpi, irr)))
    assert by_key  # three LPs
    assert report.carried_interest_paid == 6_000_000
    assert report.carried_interest_accrued == 9_766_904
    assert names[worked.lps["LP1"].pk].figures.unfunded == 39 * W.M


def test_the_waterfall_from_the_rows_and_its_notice(worked):
    [(dated, allocations)] = selectors.fund_engine(worked.fund).waterfall()
    # The notice stored when the distribution was made says the same, tier by tier.
    stored = {
        (a.limited_partner_id or GP): (a.return_of_capital, a.preferred_return, a.catch_up, a.split)
        for a in LpDistribution.objects.get(pk=dated.key).allocations.all()
    }
    assert stored == {k: tuple(getattr(a, t) for t in TIERS) for k, a in allocations.items()}
    by_name = {
        ("gp" if key == GP else next(k for k, lp in worked.lps.items() if lp.pk == key)): tuple(
            getattr(a, t) for t in TIERS
        )
        for key, a in allocations.items()
    }
    assert by_name == W.WATERFALL_COMPOUND


@pytest.mark.parametrize("party", ["total", "LP1", "LP2", "LP3"])
def test_capital_accounts(worked, party):
    accounts, total = selectors.capital_accounts(worked.fund, W.Q2_START, W.AS_OF)
    if party == "total":
        account = total
    else:
        account = next(a for a in accounts if a.limited_partner == worked.lps[party])
    quarter, inception = W.ACCOUNTS[party]
    assert tuple(int(account.period[line]) for line in W.LINES) == quarter
    assert tuple(int(account.since_inception[line]) for line in W.LINES) == inception


def test_rangli_through_the_services():
    world = W.build(rangli=True)
    report = selectors.lp_report(world.fund, W.AS_OF)
    names = {row.limited_partner.pk: row for row in report.lps}
    for key, (dist, nav, tvpi, irr) in W.RANGLI_PERFORMANCE.items():
        row = names[world.lps[key].pk]
        assert (row.figures.distributed, row.figures.nav) == (dist, nav)
        assert (row.figures.tvpi, row.irr) == (Decimal(tvpi), Decimal(irr))


def test_an_over_call_is_refused_with_what_can_be_called(worked):
    with pytest.raises(ValidationError) as refused:
        lps.capital_call_create(
            fund=worked.fund,
            call_date=dt.date(2025, 7, 1),
            due_date=dt.date(2025, 7, 15),
            amount=130 * W.M + 1,
        )
    assert refused.value.message_dict["callable"] == ["130000000.00"]
    assert CapitalCall.objects.filter(fund=worked.fund).count() == 2


def test_purposes_must_add_up(worked):
    with pytest.raises(ValidationError) as refused:
        lps.capital_call_create(
            fund=worked.fund,
            call_date=dt.date(2025, 7, 1),
            due_date=dt.date(2025, 7, 15),
            amount=10 * W.M,
            investments=5 * W.M,
            management_fees=1 * W.M,
        )
    assert "amount" in refused.value.message_dict


def test_a_payment_above_what_is_owed_is_refused(worked):
    call = lps.capital_call_create(
        fund=worked.fund, call_date=dt.date(2025, 7, 1), due_date=dt.date(2025, 7, 15), amount=W.M
    )
    with pytest.raises(ValidationError) as refused:
        lps.capital_call_payment_record(
            capital_call=call,
            limited_partner=worked.lps["LP1"],
            paid_on=dt.date(2025, 7, 2),
            amount=300_001,
        )
    assert "amount" in refused.value.message_dict
    assert not CapitalCallPayment.objects.filter(item__capital_call=call).exists()


def test_a_distribution_above_the_cash_is_refused(worked):
    cash = selectors.fund_engine(worked.fund).cash(dt.date(2025, 7, 1))
    assert cash == 6_334_521
    with pytest.raises(ValidationError) as refused:
        lps.lp_distribution_record(fund=worked.fund, paid_on=dt.date(2025, 7, 1), amount=cash + 1)
    assert "amount" in refused.value.message_dict
    assert LpDistribution.objects.filter(fund=worked.fund).count() == 1
    with pytest.raises(ValidationError) as refused:
        lps.lp_distribution_record(fund=worked.fund, paid_on=dt.date(2025, 6, 1), amount=1)
    assert "paid_on" in refused.value.message_dict
