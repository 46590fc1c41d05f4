"""The fund's investors through the services: the worked example of fund-accounting.md §5
entered as a fund manager would, and the rules of each write."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portfolio.fund_accounting import GP, TIERS
from portfolio.models import CallDefault, CapitalCall, CapitalCallPayment, LpDistribution
from portfolio.selectors import lp_report as selectors
from portfolio.services import lps
from tests.support import worked_fund as W
from tests.support.constraints import assert_violates

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


@pytest.mark.parametrize("rangli", [False, True])
def test_the_benchmark_baselines_give_the_reports_figures(rangli):
    # ``make bench`` times lp-report and capital-accounts against hand-written SQL fed to the
    # engine; the baselines must compute the same figures as the reports.
    from portfolio.bench.harness import raw_capital_accounts, raw_lp_report

    built = W.build(rangli=rangli)
    report = selectors.lp_report(built.fund, W.AS_OF)
    raw = raw_lp_report(built.fund, W.AS_OF)
    assert {row.limited_partner.pk: (row.figures, row.irr) for row in report.lps} == raw["lps"]
    assert (report.net.figures, report.net.irr) == raw["net"]
    assert report.carried_interest_paid == raw["carried_interest_paid"] > 0
    assert report.carried_interest_accrued == raw["carried_interest_accrued"]
    accounts, _total = selectors.capital_accounts(built.fund, W.Q2_START, W.AS_OF)
    raw_accounts = raw_capital_accounts(built.fund, W.Q2_START, W.AS_OF)
    for account in accounts:
        key = account.limited_partner.pk
        assert account.period == raw_accounts["period"][key]
        assert account.since_inception == raw_accounts["since_inception"][key]


@pytest.fixture
def late_payer(worked):
    """A third call, due 2025-07-15, of which LP2 pays only half by 2025-07-20."""
    call = lps.capital_call_create(
        fund=worked.fund, call_date=dt.date(2025, 7, 1), due_date=dt.date(2025, 7, 15), amount=W.M
    )
    for item in call.items.select_related("limited_partner"):
        paid = item.amount if item.limited_partner != worked.lps["LP2"] else item.amount / 2
        lps.capital_call_payment_record(
            capital_call=call,
            limited_partner=item.limited_partner,
            paid_on=dt.date(2025, 7, 10),
            amount=paid,
        )
    return call.items.get(limited_partner=worked.lps["LP2"])


def test_a_default_is_recorded_with_what_was_still_owed(late_payer):
    recorded = lps.call_default_record(item=late_payer, noticed_on=dt.date(2025, 7, 20))
    assert recorded.outstanding == late_payer.amount / 2 == Decimal("100000.00")
    [row] = [
        r
        for r in selectors.capital_calls(late_payer.capital_call.fund, dt.date(2025, 7, 31))
        if r.item.pk == late_payer.pk
    ]
    assert (row.overdue, row.default_on, row.item.paid) == (True, dt.date(2025, 7, 20), 100000)
    # before the due date the same part was not late, and the default not yet recorded
    [early] = [
        r
        for r in selectors.capital_calls(late_payer.capital_call.fund, dt.date(2025, 7, 12))
        if r.item.pk == late_payer.pk
    ]
    assert (early.overdue, early.default_on) == (False, None)


@pytest.mark.parametrize(
    ("noticed_on", "field", "code"),
    [
        (dt.date(2025, 7, 15), "noticed_on", "not_late"),  # on the due date: not late yet
        (dt.date(2999, 1, 1), "noticed_on", "future"),
    ],
)
def test_a_default_before_it_happened_is_refused(late_payer, noticed_on, field, code):
    with pytest.raises(ValidationError) as refused:
        lps.call_default_record(item=late_payer, noticed_on=noticed_on)
    assert refused.value.error_dict[field][0].code == code
    assert not CallDefault.objects.exists()


def test_a_default_of_a_paid_part_or_twice_is_refused(worked, late_payer):
    paid_in_full = late_payer.capital_call.items.get(limited_partner=worked.lps["LP1"])
    with pytest.raises(ValidationError) as refused:
        lps.call_default_record(item=paid_in_full, noticed_on=dt.date(2025, 7, 20))
    assert refused.value.error_dict["item"][0].code == "paid"
    lps.call_default_record(item=late_payer, noticed_on=dt.date(2025, 7, 20))
    with pytest.raises(ValidationError) as refused:
        lps.call_default_record(item=late_payer, noticed_on=dt.date(2025, 7, 25))
    assert refused.value.error_dict["item"][0].code == "recorded"
    assert CallDefault.objects.count() == 1


def test_the_database_refuses_a_default_with_nothing_owed(late_payer):
    with assert_violates(CallDefault, "call_default_outstanding_positive"):
        CallDefault.objects.create(item=late_payer, noticed_on=dt.date(2025, 7, 20), outstanding=0)


def test_the_admin_refuses_a_default_the_service_refuses(late_payer, fund_manager):
    from tests.support.admin import admin_url
    from tests.support.clients import login

    client = login(fund_manager)
    url = admin_url(CallDefault, "add")
    response = client.post(url, {"item": late_payer.pk, "noticed_on": "2025-07-15", "note": ""})
    assert response.status_code == 200  # the form again, with the service's refusal on its field
    errors = response.context["adminform"].form.errors
    assert "noticed_on" in errors and "2025" in errors["noticed_on"][0]
    assert not CallDefault.objects.exists()
    response = client.post(url, {"item": late_payer.pk, "noticed_on": "2025-07-20", "note": "催缴"})
    assert response.status_code == 302
    assert CallDefault.objects.get().outstanding == Decimal("100000.00")
