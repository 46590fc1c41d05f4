"""The worked example of ``fund-accounting.md`` §5 as plain events: the terms, the three LPs
and every dated event, with the page's figures to compare against (the one copy both the
engine's tests and, later, the services' and API's tests use)."""

import datetime as dt
from decimal import Decimal

from portfolio.fund_accounting import (
    Contribution,
    Dated,
    HoldingEvent,
    Partner,
    Reallocation,
)

d = dt.date
M = Decimal(1_000_000)

PARTNERS = [
    Partner("LP1", 60 * M),  # 北京市政府引导基金, 30 %
    Partner("LP2", 40 * M),  # 海淀区国资平台, 20 %
    Partner("LP3", 100 * M),  # 社会资本, 50 %
]
CALLS = [(d(2023, 3, 1), 40 * M), (d(2023, 9, 1), 30 * M)]
CONTRIBUTIONS = [
    Contribution(d(2023, 3, 1), "LP1", 12 * M),
    Contribution(d(2023, 3, 1), "LP2", 8 * M),
    Contribution(d(2023, 3, 1), "LP3", 20 * M),
    Contribution(d(2023, 9, 1), "LP1", 9 * M),
    Contribution(d(2023, 9, 1), "LP2", 6 * M),
    Contribution(d(2023, 9, 1), "LP3", 15 * M),
]
EXPENSES = [
    Dated(d(2023, 3, 10), Decimal(500_000)),  # formation
    Dated(d(2024, 4, 30), Decimal(100_000)),  # audit
    Dated(d(2025, 4, 30), Decimal(100_000)),  # audit
]
HOLDINGS = [
    HoldingEvent(d(2023, 3, 15), "QC-A", "invest", 20 * M),
    HoldingEvent(d(2023, 4, 10), "QComm-B", "invest", 15 * M),
    HoldingEvent(d(2023, 9, 20), "QSense-C", "invest", 25 * M),
    HoldingEvent(d(2024, 12, 31), "QComm-B", "mark", 18 * M),
    HoldingEvent(d(2025, 5, 20), "QC-A", "exit", 100 * M),
    HoldingEvent(d(2025, 6, 30), "QComm-B", "mark", Decimal(22_500_000)),
    HoldingEvent(d(2025, 6, 30), "QSense-C", "mark", 20 * M),
]
DISTRIBUTIONS = [Dated(d(2025, 6, 10), 100 * M)]
AS_OF = d(2025, 6, 30)
Q2_START = d(2025, 4, 1)
RANGLI = Reallocation("LP1", (("LP3", Decimal(1)),), Decimal(50))  # 让利 variant

# --- the page's figures -------------------------------------------------------------------
FEES = {  # quarter-end: amount
    d(2023, 3, 31): 65_753,
    d(2023, 6, 30): 199_452,
    d(2023, 9, 30): 249_315,
    d(2023, 12, 31): 352_877,
    d(2024, 3, 31): 349_041,
    d(2024, 6, 30): 349_041,
    d(2024, 9, 30): 352_877,
    d(2024, 12, 31): 352_877,
    d(2025, 3, 31): 345_205,
    d(2025, 6, 30): 349_041,
}
FEES_TOTAL, FEES_TO_Q1_2025 = 2_965_479, 2_616_438
# The waterfall of 2025-06-10: party -> (capital, pref, catch-up, split)
WATERFALL_COMPOUND = {
    "LP1": (21_000_000, 3_618_746, 0, 3_581_254),
    "LP2": (14_000_000, 2_412_498, 0, 2_387_502),
    "LP3": (35_000_000, 6_031_244, 0, 5_968_756),
    "gp": (0, 0, 3_015_622, 2_984_378),
}
SIMPLE_PREF, SIMPLE_CATCH_UP, SIMPLE_SPLIT_LP, SIMPLE_SPLIT_GP = (
    11_555_069,
    2_888_767,
    12_444_931,
    3_111_233,
)
LINES = (
    "beginning",
    "contributions",
    "distributions",
    "management_fees",
    "expenses",
    "realized",
    "unrealized",
    "carried_interest_paid",
    "carried_interest_accrued",
    "ending",
)
# Capital accounts: party -> (Q2 2025 lines, since-inception lines), in LINES order.
ACCOUNTS = {
    "total": (
        (69_783_562, 0, -94_000_000, -349_041, -100_000, 80_000_000, -500_000, -6_000_000,
         -9_766_904, 39_067_617),
        (0, 70_000_000, -94_000_000, -2_965_479, -700_000, 80_000_000, 2_500_000, -6_000_000,
         -9_766_904, 39_067_617),
    ),
    "LP1": (
        (20_935_068, 0, -28_200_000, -104_712, -30_000, 24_000_000, -150_000, -1_800_000,
         -2_930_071, 11_720_285),
        (0, 21_000_000, -28_200_000, -889_644, -210_000, 24_000_000, 750_000, -1_800_000,
         -2_930_071, 11_720_285),
    ),
    "LP2": (
        (13_956_714, 0, -18_800_000, -69_808, -20_000, 16_000_000, -100_000, -1_200_000,
         -1_953_381, 7_813_525),
        (0, 14_000_000, -18_800_000, -593_094, -140_000, 16_000_000, 500_000, -1_200_000,
         -1_953_381, 7_813_525),
    ),
    "LP3": (
        (34_891_780, 0, -47_000_000, -174_521, -50_000, 40_000_000, -250_000, -3_000_000,
         -4_883_452, 19_533_807),
        (0, 35_000_000, -47_000_000, -1_482_741, -350_000, 40_000_000, 1_250_000, -3_000_000,
         -4_883_452, 19_533_807),
    ),
}  # fmt: skip
# Performance at 2025-06-30: party -> (PIC, D, NAV, DPI, RVPI, TVPI, net IRR)
PERFORMANCE = {
    "LP1": (21_000_000, 28_200_000, 11_720_285, "1.3429", "0.5581", "1.9010", "0.3600"),
    "LP2": (14_000_000, 18_800_000, 7_813_525, "1.3429", "0.5581", "1.9010", "0.3600"),
    "LP3": (35_000_000, 47_000_000, 19_533_807, "1.3429", "0.5581", "1.9010", "0.3600"),
    "net": (70_000_000, 94_000_000, 39_067_617, "1.3429", "0.5581", "1.9010", "0.3600"),
}
RANGLI_PERFORMANCE = {  # party -> (D, NAV, TVPI, IRR)
    "LP1": (26_409_373, 5_860_142, "1.5366", "0.2295"),
    "LP3": (48_790_627, 25_393_950, "2.1196", "0.4318"),
}
RANGLI_CEDED_CASH, RANGLI_CEDED_NAV = 1_790_627, 5_860_143
GROSS_MOIC, GROSS_IRR = "2.3750", "0.5426"


def build(*, hurdle_kind: str = "compound", rangli: bool = False):
    """The worked example written through the services, as a fund manager would enter it:
    returns ``(fund, {"LP1": LimitedPartner, ...})``."""
    from types import SimpleNamespace

    from portfolio import services
    from portfolio.models.choices import DistributionKind, LpKind
    from portfolio.services import lps
    from tests.support.factories import FundFactory, StartupFactory

    fund = FundFactory(
        vintage_year=2023, investment_period_end=d(2029, 12, 31), hurdle_kind=hurdle_kind
    )
    kinds = {
        "LP1": ("北京市政府引导基金(示例)", LpKind.GOVERNMENT_GUIDANCE),
        "LP2": ("海淀区国资平台(示例)", LpKind.STATE_PLATFORM),
        "LP3": ("社会资本(示例)", LpKind.SOCIAL_CAPITAL),
    }
    partners = {}
    for partner in PARTNERS:
        name, kind = kinds[partner.key]
        lp = lps.limited_partner_create(name=name, kind=kind, is_illustrative=True)
        lps.lp_commitment_create(
            fund=fund, limited_partner=lp, amount=partner.commitment, committed_on=d(2023, 1, 15)
        )
        partners[partner.key] = lp
    for on, amount in CALLS:
        call = lps.capital_call_create(fund=fund, call_date=on, due_date=on, amount=amount)
        for contribution in CONTRIBUTIONS:
            if contribution.on == on:
                lps.capital_call_payment_record(
                    capital_call=call,
                    limited_partner=partners[contribution.partner],
                    paid_on=on,
                    amount=contribution.amount,
                )
    for expense, category in zip(EXPENSES, ("formation", "audit", "audit"), strict=True):
        lps.fund_expense_record(
            fund=fund, incurred_on=expense.on, amount=expense.amount, category=category
        )
    startups, commitments = {}, {}
    for event in HOLDINGS:
        key = event.holding
        if event.kind == "invest":
            startups[key] = StartupFactory(
                name=f"{key}(示例)", registered_region="北京市海淀区", founded_on=d(2020, 1, 1)
            )
            commitments[key] = services.commitment_create(
                fund=fund, startup=startups[key], amount=event.amount, approved_on=event.on
            )
            services.disbursement_record(
                commitment=commitments[key], amount=event.amount, paid_on=event.on
            )
        elif event.kind == "mark":
            services.valuation_mark(
                fund=fund, startup=startups[key], as_of=event.on, fair_value=event.amount
            )
        else:
            services.distribution_record(
                fund=fund,
                startup=startups[key],
                paid_on=event.on,
                amount=event.amount,
                kind=DistributionKind.EXIT,
            )
    if rangli:
        lps.reallocation_rule_set(
            fund=fund, ceding=partners["LP1"], pct=RANGLI.pct, beneficiaries=[(partners["LP3"], 1)]
        )
    for distribution in DISTRIBUTIONS:
        lps.lp_distribution_record(fund=fund, paid_on=distribution.on, amount=distribution.amount)
    return SimpleNamespace(fund=fund, lps=partners, startups=startups)
