"""The guidance-fund policy pack and the investee rows (selectors.fund_policy), against the
figures worked out by hand in tests/support/policy_fund.py; the dated 初创科技型企业
thresholds; the services that record ownership and relocations; the constraints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portfolio import services
from portfolio.models import Commitment, Disbursement, Fund, StartupTechThreshold
from portfolio.selectors import fund_policy
from portfolio.selectors.fund_policy import add_months, months_between, quarters_before
from tests.support import factories, policy_fund
from tests.support.constraints import assert_violates

d = dt.date
M = Decimal(1_000_000)
D = Decimal

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    return policy_fund.build()


def by_name(rows, key: str):
    return next(row for row in rows if row.startup.name.startswith(key))


def shares(groups) -> dict[str, tuple[Decimal, Decimal | None]]:
    return {g.key: (g.invested, g.share) for g in groups}


# --- the figures --------------------------------------------------------------------------------


def test_leverage_counts_guidance_and_state_platform_as_government(built):
    lev = fund_policy.policy_pack(built.fund, d(2024, 12, 31)).leverage
    assert lev.committed == 200 * M
    assert lev.government_committed == 100 * M
    assert lev.fund_over_government == D("2.0000")
    assert lev.social_over_government == D("1.0000")


def test_local_investment_on_either_basis_and_with_the_relocation_credit(built):
    fund = built.fund
    before = fund_policy.policy_pack(fund, d(2023, 12, 31)).local_investment
    assert (before.basis, before.denominator) == ("committed", "government_guidance")
    assert before.denominator_amount == 60 * M
    assert before.local_invested == 45 * M  # QC-A and QSense-C, registered in Beijing
    assert before.ratio == D("0.7500")

    after = fund_policy.policy_pack(fund, d(2024, 12, 31)).local_investment
    assert after.local_invested == 75 * M  # QComm-B moved in on 2024-01-10: 15m × 2
    assert after.ratio == D("1.2500")

    services.fund_update(fund=fund, local_basis="paid_in")
    paid_in = fund_policy.policy_pack(Fund.objects.get(pk=fund.pk), d(2023, 12, 31))
    assert paid_in.local_investment.denominator_amount == 21 * M  # 12m + 9m
    assert paid_in.local_investment.ratio == D("2.1429")  # 45m / 21m (fund-accounting §5)

    services.fund_update(
        fund=fund, relocation_moved_multiplier=D("1.00"), local_denominator_kind="state_platform"
    )
    other = fund_policy.policy_pack(Fund.objects.get(pk=fund.pk), d(2024, 12, 31))
    assert other.local_investment.denominator_amount == 14 * M  # LP2 paid 8m + 6m
    assert other.local_investment.local_invested == 60 * M  # 45m + 15m × 1
    assert other.local_investment.ratio == D("4.2857")


def test_a_holding_counts_by_its_region_when_the_fund_committed():
    world = policy_fund.build(relocate=False)
    startup = world.startups["QC-A"]
    startup.registered_region = "天津市"  # moved away later: still local for the fund
    startup.save()
    pack = fund_policy.policy_pack(world.fund, d(2024, 12, 31))
    assert pack.local_investment.local_invested == 45 * M


def test_early_and_small_shares(built):
    early = fund_policy.policy_pack(built.fund, d(2024, 12, 31)).early_small
    assert early.invested == 60 * M
    assert shares(early.by_stage) == {
        "prototype": (20 * M, D("0.3333")),
        "lab": (15 * M, D("0.2500")),
        "pilot": (25 * M, D("0.4167")),
    }
    assert [g.key for g in early.by_stage] == ["lab", "prototype", "pilot"]  # pipeline order
    assert shares(early.by_trl) == {
        "trl_2": (15 * M, D("0.2500")),
        "trl_5": (20 * M, D("0.3333")),
        "trl_6": (25 * M, D("0.4167")),
    }
    assert shares(early.by_age) == {
        "under_3_years": (15 * M, D("0.2500")),
        "3_to_5_years": (20 * M, D("0.3333")),
        "over_5_years": (25 * M, D("0.4167")),
    }
    assert shares(early.by_headcount) == {
        "up_to_50": (0, D("0.0000")),
        "51_to_300": (20 * M, D("0.3333")),
        "over_300": (25 * M, D("0.4167")),
        "unknown": (15 * M, D("0.2500")),
    }


def test_startup_tech_firm_test_at_the_first_investment(built):
    rows = fund_policy.policy_pack(built.fund, d(2024, 12, 31)).startup_tech_firms
    qc_a = by_name(rows, "QC-A")
    assert qc_a.thresholds.source == "财政部 税务总局公告2023年第17号"
    assert {c.rule: (c.actual, c.status) for c in qc_a.criteria} == {
        "max_headcount": (D("47.5"), "met"),
        "max_assets": (None, "unknown"),  # not recorded: never invented
        "max_revenue": (20 * M, "met"),
        "max_age_months": (38, "met"),
        "not_listed": (None, "met"),
    }
    assert qc_a.status == "unknown"
    assert (qc_a.months_held, qc_a.holding_clock_met) == (21, False)
    qcomm_b = by_name(rows, "QComm-B")
    assert {c.rule: c.status for c in qcomm_b.criteria}["max_headcount"] == "unknown"
    assert {c.rule: c.status for c in qcomm_b.criteria}["max_revenue"] == "unknown"
    assert qcomm_b.status == "unknown"
    qsense_c = by_name(rows, "QSense-C")
    assert {c.rule: (c.actual, c.status) for c in qsense_c.criteria}["max_age_months"] == (
        92,
        "failed",
    )
    assert qsense_c.status == "failed"
    assert qsense_c.months_held == 15

    later = fund_policy.policy_pack(built.fund, d(2025, 6, 30)).startup_tech_firms
    assert [(r.months_held, r.holding_clock_met) for r in later] == [
        (26, True),  # QC-A: held until its exit on 2025-05-20
        (26, True),
        (21, False),
    ]


def test_stake_caps_with_dilution_a_recorded_stake_and_an_unknown_one(built):
    caps = fund_policy.policy_pack(built.fund, d(2024, 12, 31)).stake_caps
    assert [(r.ownership_pct, r.cap_pct, r.ok) for r in caps] == [
        (D("15.0000"), D("30.00"), True),  # QC-A: 20 % diluted by 150/200
        (D("35.0000"), D("30.00"), False),  # QComm-B: as recorded, over the cap
        (None, D("30.00"), None),  # QSense-C: no round, no stake recorded
    ]
    assert by_name(caps, "QC-A").ownership_pct == D("15.0000")
    assert by_name(caps, "QC-A").ok is True
    assert by_name(caps, "QComm-B").ownership_pct == D("35.0000")
    assert by_name(caps, "QComm-B").ok is False
    assert by_name(caps, "QSense-C").ownership_pct is None
    assert by_name(caps, "QSense-C").ok is None
    before_dilution = fund_policy.policy_pack(built.fund, d(2024, 5, 31)).stake_caps
    assert by_name(before_dilution, "QC-A").ownership_pct == D("20.0000")
    after_exit = fund_policy.policy_pack(built.fund, d(2025, 6, 30)).stake_caps
    assert len(after_exit) == 2  # QC-A was sold: nothing held, nothing to cap


def test_idle_money(built):
    idle = fund_policy.policy_pack(built.fund, d(2024, 12, 31)).idle_money
    assert (idle.first_contribution_on, idle.first_investment_on) == (d(2023, 3, 1), d(2023, 3, 15))
    assert (idle.days, idle.alert) == (14, False)


def test_idle_money_alerts_after_a_year_with_or_without_an_investment():
    from portfolio.services import lps

    fund = factories.FundFactory()
    gov = lps.limited_partner_create(name="闲置引导基金(示例)", kind="government_guidance")
    lps.lp_commitment_create(
        fund=fund, limited_partner=gov, amount=10 * M, committed_on=d(2022, 1, 1)
    )
    call = lps.capital_call_create(
        fund=fund, call_date=d(2022, 1, 10), due_date=d(2022, 1, 10), amount=5 * M
    )
    lps.capital_call_payment_record(
        capital_call=call, limited_partner=gov, paid_on=d(2022, 1, 10), amount=5 * M
    )
    waiting = fund_policy.policy_pack(fund, d(2023, 1, 10)).idle_money
    assert (waiting.first_investment_on, waiting.days, waiting.alert) == (None, 365, False)
    assert fund_policy.policy_pack(fund, d(2023, 1, 11)).idle_money.alert is True
    commitment = factories.CommitmentFactory(fund=fund, approved_on=d(2023, 2, 1))
    services.disbursement_record(commitment=commitment, amount=M, paid_on=d(2023, 2, 1))
    idle = fund_policy.policy_pack(fund, d(2024, 1, 1)).idle_money
    assert (idle.first_investment_on, idle.days, idle.alert) == (d(2023, 2, 1), 387, True)


def test_an_empty_fund_has_a_pack_of_nothing():
    pack = fund_policy.policy_pack(factories.FundFactory(), d(2024, 1, 1))
    assert pack.leverage.fund_over_government is None
    assert pack.local_investment.ratio is None
    assert pack.early_small.invested == 0
    assert pack.stake_caps == [] and pack.startup_tech_firms == []
    assert pack.idle_money.alert is False


# --- the dated thresholds -----------------------------------------------------------------------


def test_the_thresholds_installed_by_the_migration():
    rows = list(StartupTechThreshold.objects.values_list(
        "effective_from", "effective_to", "max_headcount", "max_assets", "max_revenue",
        "max_age_months", "source",
    ))  # fmt: skip
    assert rows == [
        (d(2018, 1, 1), d(2018, 12, 31), 200, 30 * M, 30 * M, 60, "财税〔2018〕55号"),
        (
            d(2019, 1, 1),
            d(2022, 12, 31),
            300,
            50 * M,
            50 * M,
            60,
            "财税〔2019〕13号; 公告2022年第6号",
        ),
        (
            d(2023, 1, 1),
            d(2027, 12, 31),
            300,
            50 * M,
            50 * M,
            60,
            "财政部 税务总局公告2023年第17号",
        ),
    ]


def invest(fund, *, on: dt.date, headcount: int):
    """A company of ``headcount`` people (the 4 quarters before ``on``) the fund paid on ``on``."""
    founded = d(on.year - 2, 1, 1)  # two and a half years old or so: young enough
    startup = factories.StartupFactory(founded_on=founded, admitted_on=founded)
    policy_fund.kpis(startup, quarters_before(on), headcount=[headcount] * 4, revenue=M)
    commitment = services.commitment_create(fund=fund, startup=startup, amount=M, approved_on=on)
    services.disbursement_record(commitment=commitment, amount=M, paid_on=on)
    return startup


def test_the_threshold_in_force_on_the_investment_date_decides():
    """250 people fail 55号's original 200 (an investment in 2018) and pass the 300 in force
    from 2019 (13号, extended to 2027-12-31 by 公告2023年第17号)."""
    fund = factories.FundFactory(investment_period_end=d(2029, 12, 31))
    old = invest(fund, on=d(2018, 6, 30), headcount=250)
    new = invest(fund, on=d(2019, 6, 30), headcount=250)
    rows = fund_policy.policy_pack(fund, d(2024, 1, 1)).startup_tech_firms
    heads = {r.startup.pk: {c.rule: c for c in r.criteria}["max_headcount"] for r in rows}
    assert (heads[old.pk].limit, heads[old.pk].status) == (200, "failed")
    assert (heads[new.pk].limit, heads[new.pk].status) == (300, "met")
    assert next(r for r in rows if r.startup == old).status == "failed"


def test_the_thresholds_are_edited_as_dated_settings():
    """A period added in the admin (through the service) applies to investments made in it;
    an overlapping period is refused; a date with no period in force is unknown."""
    fund = factories.FundFactory()
    startup = invest(fund, on=d(2023, 6, 30), headcount=250)
    later = invest(fund, on=d(2023, 9, 1), headcount=250)
    current = StartupTechThreshold.objects.get(effective_from=d(2023, 1, 1))
    current.effective_from = d(2023, 8, 1)
    services.startup_tech_threshold_save(threshold=current)
    rows = {
        r.startup.pk: r for r in fund_policy.policy_pack(fund, d(2024, 1, 1)).startup_tech_firms
    }
    assert rows[startup.pk].thresholds is None  # 2023-06-30: no period in force any more
    assert {c.status for c in rows[startup.pk].criteria[:4]} == {"unknown"}
    assert rows[later.pk].thresholds == current

    stricter = StartupTechThreshold(
        effective_from=d(2023, 1, 1), effective_to=d(2023, 7, 31), max_headcount=200,
        max_assets=30 * M, max_revenue=30 * M, max_age_months=60, source="示例",
    )  # fmt: skip
    services.startup_tech_threshold_save(threshold=stricter)
    rows = {
        r.startup.pk: r for r in fund_policy.policy_pack(fund, d(2024, 1, 1)).startup_tech_firms
    }
    assert rows[startup.pk].thresholds == stricter
    assert rows[startup.pk].status == "failed"
    assert rows[later.pk].status == "unknown"  # 250 ≤ 300; assets unknown

    clash = StartupTechThreshold(
        effective_from=d(2023, 7, 1), max_headcount=1, max_assets=1, max_revenue=1, source="x"
    )
    with pytest.raises(ValidationError) as refused:
        services.startup_tech_threshold_save(threshold=clash)
    assert "effective_from" in refused.value.message_dict
    assert StartupTechThreshold.objects.filter(source="x").count() == 0


# --- the investee rows --------------------------------------------------------------------------


def test_investee_rows(built):
    rows = fund_policy.investees(built.fund, d(2025, 6, 30))
    a, b, c = (by_name(rows, key) for key in ("QC-A", "QComm-B", "QSense-C"))
    assert (a.invested, a.fair_value, a.valuation_method) == (20 * M, 0, "exit")
    assert (a.exited_amount, a.exit_kind, a.exit_on) == (100 * M, "exit", d(2025, 5, 20))
    assert (a.ownership_pct, a.stage_at_first_investment, a.local) == (
        D("0.0000"),
        "prototype",
        True,
    )
    assert (b.fair_value, b.valuation_method, b.ownership_pct) == (
        18 * M,
        "recent_round",
        D("35.0000"),
    )
    assert (b.local, b.stage_at_first_investment, b.exit_kind) == (True, "lab", None)
    assert (c.fair_value, c.valuation_method, c.startup_tech_firm) == (
        20 * M,
        "comparables",
        "failed",
    )
    assert [r.listed for r in rows] == [False] * 3
    early = fund_policy.investees(built.fund, d(2023, 12, 31))
    assert by_name(early, "QSense-C").valuation_method == "cost"  # not yet marked
    assert by_name(early, "QSense-C").fair_value == 25 * M
    assert by_name(early, "QComm-B").local is False  # moved in on 2024-01-10
    assert fund_policy.investees(built.fund, d(2023, 3, 14)) == []


def test_a_listed_company_is_listed_from_its_ipo(built):
    startup = built.startups["QSense-C"]
    services.round_record(
        startup=startup, round_type="ipo", closed_on=d(2025, 1, 10), amount=300 * M,
        lead_investor=factories.InvestorFactory(),
    )  # fmt: skip
    assert by_name(fund_policy.investees(built.fund, d(2025, 6, 30)), "QSense-C").listed
    assert not by_name(fund_policy.investees(built.fund, d(2024, 12, 31)), "QSense-C").listed
    tech = by_name(fund_policy.policy_pack(built.fund, d(2025, 6, 30)).startup_tech_firms, "QSense")
    assert {c.rule: c.status for c in tech.criteria}["not_listed"] == "failed"  # within 24 months


@pytest.mark.usefixtures("report_cache_off")  # what computing it costs
def test_queries_do_not_grow_with_holdings(django_assert_num_queries):
    small = policy_fund.build()
    with django_assert_num_queries(9):
        fund_policy.policy_pack(small.fund, d(2025, 6, 30))
    with django_assert_num_queries(8):
        fund_policy.investees(small.fund, d(2025, 6, 30))
    for index in range(6):
        invest(small.fund, on=d(2023, 5, 1 + index), headcount=10 + index)
    with django_assert_num_queries(9):
        pack = fund_policy.policy_pack(small.fund, d(2025, 6, 30))
    assert len(pack.startup_tech_firms) == 9
    with django_assert_num_queries(8):
        assert len(fund_policy.investees(small.fund, d(2025, 6, 30))) == 9


# --- writes: ownership, relocation, the fund's settings ----------------------------------------


def test_a_payment_records_its_stake_and_the_database_holds_its_range():
    commitment = factories.CommitmentFactory()
    payment = services.disbursement_record(
        commitment=commitment, amount=M, paid_on=d(2024, 3, 1), ownership_pct="2.5"
    )
    assert payment.ownership_pct == D("2.5")
    with pytest.raises(ValidationError) as refused:
        services.disbursement_record(
            commitment=commitment, amount=M, paid_on=d(2024, 3, 1), ownership_pct="120"
        )
    assert "ownership_pct" in refused.value.message_dict
    assert Disbursement.objects.count() == 1
    assert_violates(
        "disbursement_ownership_pct_range",
        lambda: Disbursement.objects.filter(pk=payment.pk).update(ownership_pct=0),
    )


def test_relocation_is_recorded_after_the_commitment_and_dated():
    commitment = factories.CommitmentFactory(approved_on=d(2024, 2, 1))
    for kind, on, field in (
        ("moved", d(2024, 1, 1), "relocated_on"),  # before the commitment
        ("teleported", d(2024, 3, 1), "relocation_kind"),
        ("moved", None, "relocated_on"),
        ("moved", d(2999, 1, 1), "relocated_on"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.commitment_relocate(commitment=commitment, kind=kind, on=on)
        assert field in refused.value.message_dict, kind
    commitment.refresh_from_db()
    assert (commitment.relocation_kind, commitment.relocated_on) == ("", None)
    services.commitment_relocate(commitment=commitment, kind="local_subsidiary", on=d(2024, 3, 1))
    commitment.refresh_from_db()
    assert (commitment.relocation_kind, commitment.relocated_on) == (
        "local_subsidiary",
        d(2024, 3, 1),
    )
    services.commitment_relocate(commitment=commitment, kind="", on=None)
    commitment.refresh_from_db()
    assert (commitment.relocation_kind, commitment.relocated_on) == ("", None)
    assert_violates(
        "commitment_relocation_dated",
        lambda: Commitment.objects.filter(pk=commitment.pk).update(relocation_kind="moved"),
    )


def test_the_policy_settings_are_fund_terms_for_superusers_only(fund_manager, superuser):
    from django.core.exceptions import PermissionDenied

    fund = factories.FundFactory()
    with pytest.raises(PermissionDenied):
        services.fund_update(fund=fund, by=fund_manager, stake_cap_pct=D("50"))
    services.fund_update(fund=fund, by=superuser, stake_cap_pct=D("25"))
    assert Fund.objects.get(pk=fund.pk).stake_cap_pct == D("25")
    assert_violates(
        "fund_policy_pack_in_range",
        lambda: Fund.objects.filter(pk=fund.pk).update(relocation_moved_multiplier=D("-1")),
    )
    assert_violates(
        "threshold_period_ordered",
        lambda: StartupTechThreshold.objects.filter(effective_from=d(2018, 1, 1)).update(
            effective_to=d(2017, 1, 1)
        ),
    )
    assert_violates(
        "threshold_limits_positive",
        lambda: StartupTechThreshold.objects.filter(effective_from=d(2018, 1, 1)).update(
            max_headcount=0
        ),
    )


def test_month_and_quarter_arithmetic():
    assert months_between(d(2023, 3, 15), d(2025, 3, 15)) == 24
    assert months_between(d(2023, 3, 15), d(2025, 3, 14)) == 23
    assert months_between(d(2025, 1, 1), d(2024, 1, 1)) == 0
    assert add_months(d(2023, 1, 31), 1) == d(2023, 2, 28)
    assert quarters_before(d(2023, 3, 15)) == [(2022, 1), (2022, 2), (2022, 3), (2022, 4)]
    assert quarters_before(d(2023, 4, 1)) == [(2022, 2), (2022, 3), (2022, 4), (2023, 1)]


def test_docs_say_whose_each_figure_is_and_how_computed():
    """docs/fund.md explains every part of the pack and every column of the investee export."""
    from pathlib import Path

    from portfolio.api.policy import REGISTRY_HEADERS, InvesteeSerializer

    text = (Path(__file__).resolve().parents[1] / "docs" / "fund.md").read_text()
    section = text[text.index("## Policy pack") :]
    for heading in ("Leverage", "返投", "投早投小", "初创科技型企业", "Stake caps", "Idle money"):
        assert heading in section, heading
    for column in InvesteeSerializer().fields:
        assert f"`{column}`" in section, column
    for header in REGISTRY_HEADERS.values():
        if header not in ("企业编号", "币种", "示例数据"):
            assert header in section, header
