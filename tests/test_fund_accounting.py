"""The LP engine (``portfolio.fund_accounting``) against the worked example of
``fund-accounting.md`` §5, figure by figure, and property tests on random funds."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio.fund_accounting import (
    GP,
    HURDLE_SIMPLE,
    LINES,
    TIERS,
    Contribution,
    Dated,
    Fund,
    HoldingEvent,
    Partner,
    Terms,
    fee_schedule,
    largest_remainder,
)
from tests.support import worked_fund as W


def worked(**terms) -> Fund:
    return Fund(
        terms=Terms(**terms),
        partners=W.PARTNERS,
        contributions=W.CONTRIBUTIONS,
        expenses=W.EXPENSES,
        holdings=W.HOLDINGS,
        distributions=W.DISTRIBUTIONS,
    )


def worked_with_rangli() -> Fund:
    return Fund(
        terms=Terms(),
        partners=W.PARTNERS,
        contributions=W.CONTRIBUTIONS,
        expenses=W.EXPENSES,
        holdings=W.HOLDINGS,
        distributions=W.DISTRIBUTIONS,
        reallocation=W.RANGLI,
    )


def test_largest_remainder_adds_up_and_gives_leftovers_to_the_largest_fractions():
    assert largest_remainder(Decimal(65_753), [("a", 3), ("b", 2), ("c", 5)]) == {
        "a": Decimal(19_726),  # 19,725.9
        "b": Decimal(13_151),  # 13,150.6
        "c": Decimal(32_876),  # 32,876.5: smaller fraction than a's and b's
    }
    assert largest_remainder(Decimal(-10), [("a", 1), ("b", 1), ("c", 1)]) == {
        "a": Decimal(-4),
        "b": Decimal(-3),
        "c": Decimal(-3),
    }
    assert sum(largest_remainder(Decimal("0.05"), [("a", 1), ("b", 1)]).values()) == Decimal("0.05")


def test_management_fees_per_quarter_end():
    lines = worked().fees(W.AS_OF)
    assert {line.quarter_end: int(line.amount) for line in lines} == W.FEES
    assert sum(line.amount for line in lines) == W.FEES_TOTAL
    assert sum(line.amount for line in lines if line.quarter_end <= dt.date(2025, 3, 31)) == (
        W.FEES_TO_Q1_2025
    )
    first, _, third = lines[:3]
    # A contribution accrues from the day after it is paid: March 2-31 is 30 days.
    assert (first.days, first.base) == (30, 40 * W.M)
    # 63 days on 40m, then 29 days on 70m.
    assert (third.days, third.base) == (92, 70 * W.M)
    for line in lines:
        assert sum(line.allocations.values()) == line.amount


def test_fees_on_commitments_and_on_unexited_cost():
    committed = fee_schedule(
        terms=Terms(fee_basis="committed"),
        partners=W.PARTNERS,
        contributions=W.CONTRIBUTIONS,
        through=dt.date(2023, 6, 30),
    )
    # 2 % of 200m for March 2-31 and for the 91 days of Q2.
    assert [line.amount for line in committed] == [Decimal(328_767), Decimal(997_260)]
    invested = fee_schedule(
        terms=Terms(fee_basis="invested"),
        partners=W.PARTNERS,
        contributions=W.CONTRIBUTIONS,
        holdings=W.HOLDINGS,
        through=dt.date(2025, 6, 30),
    )
    # Q2 2025: 60m of cost until the exit of QC-A on 2025-05-20, then 40m.
    q2 = invested[-1]
    assert q2.base == 40 * W.M
    expected = (60 * W.M * 50 + 40 * W.M * 41) * Decimal("0.02") / 365
    assert q2.amount == expected.quantize(Decimal(1))


def test_nav_before_the_exit_has_no_carry():
    fund = worked()
    q1_end = dt.date(2025, 3, 31)
    assert fund.cash(q1_end) == 6_783_562
    assert fund.nav_gross(q1_end) == 69_783_562
    assert fund.accrued_carry(q1_end)[0] == 0


@pytest.mark.parametrize("kind", ["compound", "simple"])
def test_waterfall_tier_by_tier(kind):
    [(distribution, allocations)] = worked(hurdle_kind=kind).waterfall()
    assert distribution.amount == 100 * W.M
    tiers = {party: tuple(getattr(a, t) for t in TIERS) for party, a in allocations.items()}
    if kind == "compound":
        assert tiers == W.WATERFALL_COMPOUND
    else:
        lps = [p for p in tiers if p != GP]
        assert sum(tiers[p][1] for p in lps) == W.SIMPLE_PREF
        assert tiers[GP][2] == W.SIMPLE_CATCH_UP
        assert sum(tiers[p][3] for p in lps) == W.SIMPLE_SPLIT_LP
        assert tiers[GP][3] == W.SIMPLE_SPLIT_GP
        # The tiers differ from the compound hurdle's; the totals do not.
        assert tiers != W.WATERFALL_COMPOUND
    assert {p: a.total for p, a in allocations.items()} == {
        "LP1": 28_200_000,
        "LP2": 18_800_000,
        "LP3": 47_000_000,
        GP: 6_000_000,
    }


def test_nav_and_accrued_carry_after_the_distribution():
    fund = worked()
    assert fund.cash(W.AS_OF) == 6_334_521
    assert fund.nav_gross(W.AS_OF) == 48_834_521
    carry, _ = fund.accrued_carry(W.AS_OF)
    assert carry == 9_766_904
    assert fund.lp_figures(W.AS_OF).nav == 39_067_617
    # The GP's account: 15,766,904 allocated = 20 % of the profit of 78,834,521.
    assert carry + 6_000_000 == 15_766_904


@pytest.mark.parametrize("party", ["total", "LP1", "LP2", "LP3"])
def test_capital_accounts_q2_2025_and_since_inception(party):
    fund = worked()
    quarter = fund.ledger(W.AS_OF, W.Q2_START)
    inception = fund.ledger(W.AS_OF)

    def lines(accounts):
        keys = fund.keys if party == "total" else [party]
        return tuple(int(sum(accounts[k][line] for k in keys)) for line in W.LINES)

    expected_quarter, expected_inception = W.ACCOUNTS[party]
    assert lines(quarter) == expected_quarter
    assert lines(inception) == expected_inception
    for accounts in (quarter, inception):
        for account in accounts.values():
            assert (
                account["beginning"] + sum(account[line] for line in LINES) == (account["ending"])
            )


def test_unfunded_and_net_performance():
    fund = worked()
    assert {k: fund.lp_figures(W.AS_OF, k).unfunded for k in fund.keys} == {
        "LP1": 39 * W.M,
        "LP2": 26 * W.M,
        "LP3": 65 * W.M,
    }
    for party, (pic, dist, nav, dpi, rvpi, tvpi, irr) in W.PERFORMANCE.items():
        key = None if party == "net" else party
        figures = fund.lp_figures(W.AS_OF, key)
        assert (figures.paid_in, figures.distributed, figures.nav) == (pic, dist, nav)
        assert (figures.dpi, figures.rvpi, figures.tvpi) == tuple(map(Decimal, (dpi, rvpi, tvpi)))
        assert fund.irr(W.AS_OF, key) == Decimal(irr)


def test_rangli_variant():
    fund = worked_with_rangli()
    [(_, allocations)] = fund.waterfall()
    assert allocations["LP1"].reallocated == -W.RANGLI_CEDED_CASH
    assert allocations["LP3"].reallocated == W.RANGLI_CEDED_CASH
    _, hypothetical = fund.accrued_carry(W.AS_OF)
    assert hypothetical["LP1"].reallocated == -W.RANGLI_CEDED_NAV
    for party, (dist, nav, tvpi, irr) in W.RANGLI_PERFORMANCE.items():
        figures = fund.lp_figures(W.AS_OF, party)
        assert (figures.distributed, figures.nav, figures.tvpi) == (dist, nav, Decimal(tvpi))
        assert fund.irr(W.AS_OF, party) == Decimal(irr)
    # LP2 is untouched, and the fund's net figures do not move.
    assert fund.lp_figures(W.AS_OF, "LP2") == worked().lp_figures(W.AS_OF, "LP2")
    assert fund.lp_figures(W.AS_OF) == worked().lp_figures(W.AS_OF)


def test_clawback_when_values_fall_after_carry_was_paid():
    crash = [*W.HOLDINGS, HoldingEvent(dt.date(2025, 9, 30), "QComm-B", "write_off", Decimal(0))]
    crash.append(HoldingEvent(dt.date(2025, 9, 30), "QSense-C", "write_off", Decimal(0)))
    fund = Fund(
        terms=Terms(),
        partners=W.PARTNERS,
        contributions=W.CONTRIBUTIONS,
        expenses=W.EXPENSES,
        holdings=crash,
        distributions=[*W.DISTRIBUTIONS, Dated(dt.date(2025, 7, 1), Decimal(6_000_000))],
    )
    on = dt.date(2025, 12, 31)
    carry, _ = fund.accrued_carry(on)
    paid = sum(a[GP].total for _, a in fund.waterfall(on))
    profit = sum(d.amount for d in fund.distributions) + fund.nav_gross(on) - fund.paid_in(on)
    assert carry < 0  # the GP owes some of what it was paid back
    assert paid + carry == (Decimal("0.2") * profit).quantize(Decimal(1))


# --- properties on random funds -----------------------------------------------------------

START = dt.date(2022, 1, 1)
amounts = st.integers(min_value=1, max_value=50_000_000).map(Decimal)
days = st.integers(min_value=0, max_value=2_000)


@st.composite
def random_funds(draw):
    n = draw(st.integers(min_value=1, max_value=4))
    partners = [Partner(f"LP{i}", draw(amounts) * 10) for i in range(n)]
    contributions = [
        Contribution(START + dt.timedelta(days=draw(days)), p.key, draw(amounts))
        for p in partners
        for _ in range(draw(st.integers(min_value=1, max_value=3)))
    ]
    holdings = []
    for h in range(draw(st.integers(min_value=0, max_value=3))):
        on = START + dt.timedelta(days=draw(days))
        holdings.append(HoldingEvent(on, h, "invest", draw(amounts)))
        kind = draw(st.sampled_from(["mark", "exit", "dividend", "write_off"]))
        later = on + dt.timedelta(days=draw(days))
        holdings.append(HoldingEvent(later, h, kind, draw(amounts) * draw(st.integers(0, 5))))
    distributions = [
        Dated(START + dt.timedelta(days=draw(days)), draw(amounts))
        for _ in range(draw(st.integers(min_value=0, max_value=3)))
    ]
    terms = Terms(
        hurdle_kind=draw(st.sampled_from(["compound", HURDLE_SIMPLE])),
        catch_up_pct=Decimal(draw(st.sampled_from([100, 80, 50]))),
        fee_basis=draw(st.sampled_from(["committed", "paid_in", "invested"])),
    )
    return Fund(
        terms=terms,
        partners=partners,
        contributions=contributions,
        expenses=[Dated(START + dt.timedelta(days=draw(days)), draw(amounts) / 100)],
        holdings=holdings,
        distributions=distributions,
    )


AS_OF = START + dt.timedelta(days=2_500)
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(random_funds())
def test_every_distribution_is_split_exactly(fund):
    for distribution, allocations in fund.waterfall(AS_OF):
        assert sum(a.total for a in allocations.values()) == distribution.amount
        for allocation in allocations.values():
            assert all(getattr(allocation, tier) >= 0 for tier in TIERS)


@PROPERTY_SETTINGS
@given(random_funds())
def test_lp_accounts_add_up_to_the_fund(fund):
    accounts = fund.ledger(AS_OF)
    carry, _ = fund.accrued_carry(AS_OF)
    assert sum(a["ending"] for a in accounts.values()) == fund.nav_gross(AS_OF) - carry
    fees = sum(line.amount for line in fund.fees(AS_OF))
    assert -sum(a["management_fees"] for a in accounts.values()) == fees


@PROPERTY_SETTINGS
@given(random_funds())
def test_carry_never_exceeds_its_share_of_the_profit(fund):
    carry, _ = fund.accrued_carry(AS_OF)
    paid = sum(a[GP].total for _, a in fund.waterfall(AS_OF))
    distributed = sum(d.amount for d in fund.distributions if d.on <= AS_OF)
    profit = distributed + fund.nav_gross(AS_OF) - fund.paid_in(AS_OF)
    assert paid + carry <= Decimal("0.2") * max(Decimal(0), profit)  # exact, not rounded


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=8),
)
def test_rounding_never_loses_or_creates_a_yuan(total, weights):
    parts = largest_remainder(Decimal(total), list(enumerate(weights)))
    assert sum(parts.values()) == total
    exact = [Decimal(total) * w / sum(weights) for w in weights]
    assert all(abs(parts[i] - exact[i]) < 1 for i in range(len(weights)))
