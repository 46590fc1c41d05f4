"""A small guidance fund for the policy pack, written through the services, with every
figure of the pack worked out by hand below (the tests compare against these).

The fund is the worked example's (``fund-accounting.md`` §5: three LPs of 6000万, 4000万
and 1亿, calls of 4000万 and 3000万, three investments), with what the policy pack reads
added: QComm-B registered outside Beijing (as §5 says), rounds with valuations, stage moves,
KPI reports and founding dates.

Hand-worked figures (as of 2024-12-31 unless said):
- leverage: LP commitments 200,000,000; government (guidance 60m + state platform 40m)
  100,000,000; fund / government = 2.0000; social / government = 100m / 100m = 1.0000.
- 返投 (local region 北京市): QC-A 20m + QSense-C 25m were registered in Beijing when the
  fund committed = 45,000,000. Committed basis: 45m / LP1's 60m = 0.7500; paid-in basis:
  45m / LP1's 12m + 9m = 21m = 2.1429 (the doc's §5 illustration). QComm-B moved its
  registration to Beijing on 2024-01-10 (credit 2×): from then 45m + 15m × 2 = 75m,
  75m / 60m = 1.2500.
- 投早投小 (of 60,000,000 paid in): stage at the payment: lab (QComm-B 15m) 0.2500,
  prototype (QC-A 20m) 0.3333, pilot (QSense-C 25m) 0.4167; TRL 2 / 5 / 6 the same;
  age: QComm-B 22 months (under 3 years) 0.2500, QC-A 38 months (3-5 years) 0.3333,
  QSense-C 92 months (over 5 years) 0.4167; headcount from the last quarter reported before
  the payment: QC-A 60 (51-300) 0.3333, QSense-C 350 (over 300) 0.4167, QComm-B none
  (unknown) 0.2500, up to 50: 0.0000.
- 初创科技型企业 (thresholds of 公告2023年第17号: 300 people, 5000万, 60 months):
  QC-A (first paid 2023-03-15): headcount (40+40+50+60)/4 = 47.5 met, revenue 4 × 5m =
  20m met, age 38 met, assets unknown, not listed met: unknown. QComm-B: no KPI reports:
  headcount and revenue unknown, age 22 met: unknown. QSense-C (2023-09-20): headcount 350
  failed, age 92 failed: failed. Months held at 2024-12-31: QC-A 21, QComm-B 20,
  QSense-C 15; at 2025-06-30: QC-A 26 (held to its exit on 2025-05-20), QComm-B 26,
  QSense-C 21: the 24-month clock is met for QC-A and QComm-B only.
- stake caps (cap 30 %): QC-A bought 20m of a 40m round at 60m pre-money: 20m / 100m =
  20 %; diluted by its 2024-06-01 round (50m at 150m pre-money: × 150/200) to 15.0000 %
  (ok). QComm-B's payment records 35 % (over the cap: not ok). QSense-C: no round, no
  stake recorded: unknown (ok null).
- idle money: the guidance LP first paid on 2023-03-01, the first investment was on
  2023-03-15: 14 days, no alert.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from portfolio import services
from portfolio.models.choices import LpKind
from portfolio.services import lps
from tests.support.factories import FundFactory, InvestorFactory, StartupFactory, stage

d = dt.date
M = Decimal(1_000_000)


def kpis(startup, quarters, *, headcount, revenue=5 * M):
    from portfolio.models import KpiReport

    for (year, quarter), people in zip(quarters, headcount, strict=True):
        KpiReport.objects.create(
            startup=startup, year=year, quarter=quarter, headcount=people, revenue=revenue
        )


def build(*, relocate: bool = True, exit_qc_a: bool = True) -> SimpleNamespace:
    fund = FundFactory(vintage_year=2023, local_region="北京市")
    partners = {}
    for key, name, kind, amount in (
        ("LP1", "市政府引导基金(示例)", LpKind.GOVERNMENT_GUIDANCE, 60 * M),
        ("LP2", "区国资平台(示例)", LpKind.STATE_PLATFORM, 40 * M),
        ("LP3", "社会资本(示例)", LpKind.SOCIAL_CAPITAL, 100 * M),
    ):
        lp = lps.limited_partner_create(name=f"{name}{fund.pk}", kind=kind, is_illustrative=True)
        lps.lp_commitment_create(
            fund=fund, limited_partner=lp, amount=amount, committed_on=d(2023, 1, 15)
        )
        partners[key] = lp
    for on, amount in ((d(2023, 3, 1), 40 * M), (d(2023, 9, 1), 30 * M)):
        call = lps.capital_call_create(fund=fund, call_date=on, due_date=on, amount=amount)
        for item in call.items.all():
            lps.capital_call_payment_record(
                capital_call=call, limited_partner=item.limited_partner, paid_on=on,
                amount=item.amount,
            )  # fmt: skip

    n = fund.pk
    qc_a = StartupFactory(
        name=f"QC-A{n}(示例)", registered_region="北京市海淀区", founded_on=d(2020, 1, 1),
        admitted_on=d(2021, 3, 1),
    )  # fmt: skip
    services.startup_advance(startup=qc_a, to_stage=stage("concept"), on=d(2022, 1, 10), trl=3)
    services.startup_advance(startup=qc_a, to_stage=stage("prototype"), on=d(2023, 1, 10), trl=5)
    qcomm_b = StartupFactory(
        name=f"QComm-B{n}(示例)", registered_region="上海市浦东新区", founded_on=d(2021, 6, 1),
        admitted_on=d(2021, 7, 1),
    )  # fmt: skip
    qsense_c = StartupFactory(
        name=f"QSense-C{n}(示例)", registered_region="北京市海淀区", founded_on=d(2016, 1, 1),
        admitted_on=d(2021, 3, 1), tech_area="sensing",
        # founded 2016: older than the 2018 measures admit; the note records the exception
        eligibility_note="示例:成立五年后入孵,经中心批准(测试数据)",
    )  # fmt: skip
    for slug, on, trl in (
        ("concept", d(2021, 6, 1), 3),
        ("prototype", d(2022, 1, 1), 5),
        ("pilot", d(2023, 6, 1), 6),
    ):
        services.startup_advance(startup=qsense_c, to_stage=stage(slug), on=on, trl=trl)
    kpis(qc_a, [(2022, q) for q in (1, 2, 3, 4)], headcount=[40, 40, 50, 60])
    kpis(qsense_c, [(2022, 3), (2022, 4), (2023, 1), (2023, 2)], headcount=[350] * 4)

    investor = InvestorFactory()
    a_round = services.round_record(
        startup=qc_a, round_type="a", closed_on=d(2023, 3, 15), amount=40 * M,
        pre_money_valuation=60 * M, lead_investor=investor,
    )  # fmt: skip
    a = services.commitment_create(
        fund=fund, startup=qc_a, amount=20 * M, approved_on=d(2023, 3, 15)
    )
    services.disbursement_record(
        commitment=a, amount=20 * M, paid_on=d(2023, 3, 15), funding_round=a_round
    )
    services.round_record(
        startup=qc_a, round_type="b", closed_on=d(2024, 6, 1), amount=50 * M,
        pre_money_valuation=150 * M, lead_investor=investor,
    )  # fmt: skip
    b = services.commitment_create(
        fund=fund, startup=qcomm_b, amount=15 * M, approved_on=d(2023, 4, 10)
    )
    services.disbursement_record(
        commitment=b, amount=15 * M, paid_on=d(2023, 4, 10), ownership_pct=Decimal("35")
    )
    c = services.commitment_create(
        fund=fund, startup=qsense_c, amount=25 * M, approved_on=d(2023, 9, 20)
    )
    services.disbursement_record(commitment=c, amount=25 * M, paid_on=d(2023, 9, 20))
    if relocate:
        services.commitment_relocate(commitment=b, kind="moved", on=d(2024, 1, 10))
    services.valuation_mark(
        fund=fund, startup=qcomm_b, as_of=d(2024, 12, 31), fair_value=18 * M, method="recent_round"
    )
    services.valuation_mark(
        fund=fund, startup=qsense_c, as_of=d(2025, 6, 30), fair_value=20 * M, method="comparables"
    )
    if exit_qc_a:
        services.distribution_record(
            fund=fund, startup=qc_a, paid_on=d(2025, 5, 20), amount=100 * M, kind="exit"
        )
    return SimpleNamespace(
        fund=fund, lps=partners, startups={"QC-A": qc_a, "QComm-B": qcomm_b, "QSense-C": qsense_c}
    )
