"""The guidance-fund policy pack and the investee export for regulators, as of a date
(``fund-accounting.md`` §3 and §4; what each figure means: ``docs/fund.md``, "Policy pack").

Both read the fund's holdings in a fixed number of queries (``_portfolio``: the payments
into companies, the companies, their rounds, stage moves and KPI reports, the fund's
proceeds and marks, the threshold table) and compute in Python over those rows; the policy
pack adds the LP commitments and payments. Nothing here grows with the number of rows but
the rows themselves.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from portfolio import metrics
from portfolio.models import (
    CapitalCallPayment,
    Disbursement,
    Distribution,
    Fund,
    FundingRound,
    KpiReport,
    LpCommitment,
    StageTransition,
    Startup,
    StartupTechThreshold,
    ValuationMark,
)
from portfolio.models.choices import LocalBasis, LpKind, RoundType
from portfolio.selectors import report_cache

ZERO = Decimal("0.00")
PCT_PLACES = Decimal("0.0001")
#: "government" money in the leverage figures (contract): these LP kinds together
GOVERNMENT_KINDS = (LpKind.GOVERNMENT_GUIDANCE, LpKind.STATE_PLATFORM)
#: a company distribution that ends the holding (its stake is 0 from then)
ENDING_KINDS = ("exit", "write_off")
#: 210号 第二十条: government money idle for more than this many days
IDLE_DAYS = 365
#: 55号: the credit needs the investment held for this many months
HOLDING_MONTHS = 24
#: company age bands (months at the payment) and headcount bands (people), upper bounds;
#: their labels are formatting.POLICY_BANDS
AGE_BANDS = (("under_3_years", 35), ("3_to_5_years", 60), ("over_5_years", None))
HEADCOUNT_BANDS = (("up_to_50", 50), ("51_to_300", 300), ("over_300", None))
UNKNOWN = "unknown"
MET, FAILED = "met", "failed"


# --- small helpers -----------------------------------------------------------------------------


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 when ``end`` is earlier): the
    same day of the month counts a month complete."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def add_months(on: dt.date, months: int) -> dt.date:
    """``on`` moved by whole months (to the month's last day when it is shorter); past
    the calendar's end, its last day."""
    year, month = divmod(on.month - 1 + months, 12)
    year, month = on.year + year, month + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    for day in (on.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def quarter_end(year: int, quarter: int) -> dt.date:
    return add_months(dt.date(year, 3 * quarter - 2, 1), 3) - dt.timedelta(days=1)


def quarters_before(on: dt.date, count: int = 4) -> list[tuple[int, int]]:
    """The ``count`` calendar quarters that ended before ``on``, oldest first."""
    year, quarter = on.year, (on.month - 1) // 3 + 1
    result = []
    for _ in range(count):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        result.append((year, quarter))
    return result[::-1]


def _pct(value: Decimal) -> Decimal:
    return value.quantize(PCT_PLACES, ROUND_HALF_UP)


def in_region(region: str, local: str) -> bool:
    """A registration counts as local when it starts with the fund's local region (as the
    fund report's ``LIKE 'prefix%'``); a fund without a local region has no local firms."""
    return bool(local) and (region or "").startswith(local)


# --- the rows, read once -----------------------------------------------------------------------


@dataclass
class Payment:
    startup_id: int
    paid_on: dt.date
    amount: Decimal
    ownership_pct: Decimal | None
    round_id: int | None
    round_pre_money: Decimal | None
    round_amount: Decimal | None
    region_at_commitment: str
    relocation_kind: str
    relocated_on: dt.date | None

    @property
    def stake(self) -> Decimal | None:
        """The share of the company (%) this payment bought: as recorded, or the payment
        over the round's post-money (pre-money + the round's amount); None when neither."""
        if self.ownership_pct is not None:
            return self.ownership_pct
        if self.round_pre_money is None or not self.round_amount:
            return None
        post = self.round_pre_money + self.round_amount
        return self.amount * 100 / post if post > 0 else None


@dataclass
class Company:
    startup: Startup
    payments: list[Payment] = field(default_factory=list)
    rounds: list[dict] = field(default_factory=list)  # those with a known valuation
    all_rounds: list[dict] = field(default_factory=list)
    moves: list[dict] = field(default_factory=list)
    kpis: dict[tuple[int, int], dict] = field(default_factory=dict)
    proceeds: list[dict] = field(default_factory=list)
    mark: dict | None = None

    @property
    def first_investment_on(self) -> dt.date:
        return self.payments[0].paid_on

    @property
    def invested(self) -> Decimal:
        return sum((p.amount for p in self.payments), ZERO)

    @property
    def ended(self) -> dict | None:
        """The distribution that ended the holding (an exit or a write-off), if any."""
        ending = [p for p in self.proceeds if p["kind"] in ENDING_KINDS]
        return ending[-1] if ending else None

    def move_at(self, on: dt.date) -> dict | None:
        """The latest stage move on or before ``on`` (the stage and TRL at that date)."""
        before = [m for m in self.moves if m["on"] <= on]
        return before[-1] if before else None

    def age_months(self, on: dt.date) -> int | None:
        founded = self.startup.founded_on
        return None if founded is None else months_between(founded, on)

    def headcount_before(self, on: dt.date) -> int | None:
        """The headcount of the latest KPI report of a quarter that ended before ``on``."""
        ended = [key for key in self.kpis if quarter_end(*key) < on]
        return self.kpis[max(ended)]["headcount"] if ended else None

    def ownership(self, as_of: dt.date) -> Decimal | None:
        """The fund's share of the company (%) at ``as_of``: each payment's stake, diluted
        by every later round with a known valuation that the payment was not part of
        (× pre-money / post-money); 0 once the holding ended; None when a payment's stake
        is unknown."""
        if self.ended is not None:
            return Decimal(0).quantize(PCT_PLACES)
        total = Decimal(0)
        for payment in self.payments:
            stake = payment.stake
            if stake is None:
                return None
            for r in self.rounds:
                if r["id"] != payment.round_id and payment.paid_on < r["closed_on"]:
                    pre = r["pre_money_valuation"]
                    stake = stake * pre / (pre + r["amount"])
            total += stake
        return _pct(total)

    def listed_by(self, on: dt.date) -> bool:
        """Listed (an IPO round closed) on or before ``on``."""
        return any(
            r["round_type"] == RoundType.IPO and r["closed_on"] <= on for r in self.all_rounds
        )

    def local_credit(self, fund: Fund, as_of: dt.date) -> tuple[Decimal, bool]:
        """What the holding counts towards the 返投 numerator, and whether it counts as
        local: each payment at its amount when the company was registered in the local
        region when the fund committed, else times the fund's credit for a relocation
        recorded on or before ``as_of``, else nothing."""
        credit, local = ZERO, False
        for p in self.payments:
            if in_region(p.region_at_commitment, fund.local_region):
                credit += p.amount
                local = True
            elif p.relocation_kind and p.relocated_on and p.relocated_on <= as_of:
                credit += p.amount * fund.relocation_multiplier(p.relocation_kind)
                local = True
        return credit.quantize(Decimal("0.01"), ROUND_HALF_UP), local


def _portfolio(fund: Fund, as_of: dt.date, *, values: bool = False) -> list[Company]:
    """Every company the fund had paid into by ``as_of``, by name, with what the policy pack
    and the investee export read about it: 6 queries whatever the number of rows (the
    payments, the companies, their rounds, stage moves and KPI reports, the fund's proceeds),
    7 with the marks (``values``)."""
    payments = (
        Disbursement.objects.filter(commitment__fund=fund, paid_on__lte=as_of)
        .order_by("paid_on", "id")
        .values_list(
            "commitment__startup_id",
            "paid_on",
            "amount",
            "ownership_pct",
            "funding_round_id",
            "funding_round__pre_money_valuation",
            "funding_round__amount",
            "commitment__registered_region",
            "commitment__relocation_kind",
            "commitment__relocated_on",
        )
    )
    held = Disbursement.objects.filter(commitment__fund=fund, paid_on__lte=as_of).values(
        "commitment__startup_id"
    )
    companies = {
        s.pk: Company(s)
        for s in Startup.objects.filter(pk__in=held)
        .order_by("name", "pk")
        .only(
            "name",
            "name_en",
            "credit_code",
            "registered_region",
            "tech_area",
            "founded_on",
            "is_illustrative",
        )
    }
    for row in payments:
        companies[row[0]].payments.append(Payment(*row))
    for r in (
        FundingRound.objects.filter(startup_id__in=held, closed_on__lte=as_of)
        .order_by("closed_on", "id")
        .values("id", "startup_id", "closed_on", "amount", "pre_money_valuation", "round_type")
    ):
        company = companies[r["startup_id"]]
        company.all_rounds.append(r)
        if r["pre_money_valuation"] is not None and r["amount"]:
            company.rounds.append(r)
    for m in (
        StageTransition.objects.filter(startup_id__in=held, on__lte=as_of)
        .order_by("on", "id")
        .values(
            "startup_id",
            "on",
            "trl",
            "to_stage__slug",
            "to_stage__name",
            "to_stage__name_en",
            "to_stage__order",
        )
    ):
        companies[m["startup_id"]].moves.append(m)
    for k in KpiReport.objects.filter(startup_id__in=held).values(
        "startup_id", "year", "quarter", "revenue", "headcount"
    ):
        companies[k["startup_id"]].kpis[(k["year"], k["quarter"])] = k
    for x in (
        Distribution.objects.filter(fund=fund, paid_on__lte=as_of)
        .order_by("paid_on", "id")
        .values("startup_id", "paid_on", "amount", "kind")
    ):
        if x["startup_id"] in companies:
            companies[x["startup_id"]].proceeds.append(x)
    if values:
        for mark in (
            ValuationMark.objects.filter(fund=fund, as_of__lte=as_of)
            .order_by("as_of")
            .values("startup_id", "as_of", "fair_value", "method")
        ):
            if mark["startup_id"] in companies:
                companies[mark["startup_id"]].mark = mark  # the latest wins
    return list(companies.values())


# --- the policy pack -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Leverage:
    """放大倍数: the LPs' commitments (the fund's 认缴 size) per yuan of government money
    (government guidance and state platform LPs), and the social capital per yuan of it."""

    committed: Decimal
    government_committed: Decimal
    fund_over_government: Decimal | None
    social_over_government: Decimal | None


@dataclass(frozen=True)
class LocalInvestment:
    basis: str
    denominator: str  # the LP kind
    denominator_amount: Decimal
    local_region: str
    local_invested: Decimal
    ratio: Decimal | None


@dataclass(frozen=True)
class Share:
    key: str  # a stage's slug, ``trl_<n>``, a band of AGE_BANDS / HEADCOUNT_BANDS, "unknown"
    label: str  # a stage's name; empty for the others (``formatting.band_label``)
    invested: Decimal
    share: Decimal | None


@dataclass(frozen=True)
class EarlySmall:
    invested: Decimal
    by_stage: list[Share]
    by_trl: list[Share]
    by_age: list[Share]
    by_headcount: list[Share]


@dataclass(frozen=True)
class Criterion:
    rule: str
    limit: Decimal | int | None
    actual: Decimal | int | None
    status: str  # met, failed, unknown


@dataclass(frozen=True)
class StartupTechRow:
    startup: Startup
    first_investment_on: dt.date
    thresholds: StartupTechThreshold | None
    criteria: list[Criterion]
    status: str
    months_held: int
    holding_clock_met: bool


@dataclass(frozen=True)
class StakeCapRow:
    startup: Startup
    ownership_pct: Decimal | None
    cap_pct: Decimal
    ok: bool | None


@dataclass(frozen=True)
class IdleMoney:
    first_contribution_on: dt.date | None
    first_investment_on: dt.date | None
    days: int | None
    alert: bool


@dataclass(frozen=True)
class PolicyPack:
    fund: Fund
    as_of: dt.date
    leverage: Leverage
    local_investment: LocalInvestment
    early_small: EarlySmall
    startup_tech_firms: list[StartupTechRow]
    stake_caps: list[StakeCapRow]
    idle_money: IdleMoney

    @property
    def is_illustrative(self) -> bool:
        return self.fund.is_illustrative


def policy_pack(fund: Fund, as_of: dt.date | None = None) -> PolicyPack:
    """The policy pack as of ``as_of`` (today by default): 9 queries whatever the fund
    holds (the holdings' 6, the thresholds, the LP commitments, the LP payments); kept in
    the report cache by fund and date."""
    as_of = as_of or timezone.localdate()
    return report_cache.with_fund("policy_pack", fund, (as_of,), lambda: _policy_pack(fund, as_of))


def _policy_pack(fund: Fund, as_of: dt.date) -> PolicyPack:
    companies = _portfolio(fund, as_of)
    thresholds = list(StartupTechThreshold.objects.all())
    commitments = list(
        LpCommitment.objects.filter(fund=fund, committed_on__lte=as_of).values_list(
            "limited_partner__kind", "amount"
        )
    )
    payments = list(
        CapitalCallPayment.objects.filter(
            item__capital_call__fund=fund, paid_on__lte=as_of
        ).values_list("item__limited_partner__kind", "paid_on", "amount")
    )
    return PolicyPack(
        fund=fund,
        as_of=as_of,
        leverage=leverage(commitments),
        local_investment=local_investment(fund, as_of, companies, commitments, payments),
        early_small=early_small(companies),
        startup_tech_firms=[startup_tech(c, as_of, thresholds) for c in companies],
        stake_caps=[stake_cap(fund, c, as_of) for c in companies if c.ended is None],
        idle_money=idle_money(companies, payments, as_of),
    )


def stake_cap(fund: Fund, company: Company, as_of: dt.date) -> StakeCapRow:
    """The fund's share of a company it still holds against the fund's cap per investee
    (``ok`` is None when the share is not known)."""
    ownership = company.ownership(as_of)
    ok = None if ownership is None else ownership <= fund.stake_cap_pct
    return StakeCapRow(company.startup, ownership, fund.stake_cap_pct, ok)


def leverage(commitments: list[tuple[str, Decimal]]) -> Leverage:
    committed = sum((amount for _kind, amount in commitments), ZERO)
    government = sum((a for kind, a in commitments if kind in GOVERNMENT_KINDS), ZERO)
    return Leverage(
        committed=committed,
        government_committed=government,
        fund_over_government=metrics.ratio(committed, government),
        social_over_government=metrics.ratio(committed - government, government),
    )


def local_investment(fund, as_of, companies, commitments, payments) -> LocalInvestment:
    kind = fund.local_denominator_kind
    if fund.local_basis == LocalBasis.PAID_IN:
        denominator = sum((a for k, _on, a in payments if k == kind), ZERO)
    else:
        denominator = sum((a for k, a in commitments if k == kind), ZERO)
    local = sum((c.local_credit(fund, as_of)[0] for c in companies), ZERO)
    return LocalInvestment(
        basis=fund.local_basis,
        denominator=kind,
        denominator_amount=denominator,
        local_region=fund.local_region,
        local_invested=local,
        ratio=metrics.ratio(local, denominator),
    )


def _band(value: int | None, bands) -> str:
    if value is None:
        return UNKNOWN
    for key, upper in bands:
        if upper is None or value <= upper:
            return key
    raise AssertionError("unreachable")


def _shares(groups: dict[str, Decimal], labels: dict[str, str], total: Decimal) -> list[Share]:
    return [
        Share(key, labels.get(key, ""), amount, metrics.ratio(amount, total))
        for key, amount in groups.items()
    ]


def early_small(companies: list[Company]) -> EarlySmall:
    """投早投小: each payment into a company classed by the company's stage and TRL, its age
    and its headcount on the payment's date; the shares are of all the money paid in."""
    stages: dict[str, Decimal] = defaultdict(Decimal)
    trls: dict[str, Decimal] = defaultdict(Decimal)
    ages = {key: ZERO for key, _ in AGE_BANDS}
    heads = {key: ZERO for key, _ in HEADCOUNT_BANDS}
    stage_labels, order = {}, {}
    for company in companies:
        for p in company.payments:
            move = company.move_at(p.paid_on)
            if move is None:
                stages[UNKNOWN] += p.amount
                trls[UNKNOWN] += p.amount
            else:
                slug = move["to_stage__slug"]
                stages[slug] += p.amount
                stage_labels[slug] = (move["to_stage__name"], move["to_stage__name_en"])
                order[slug] = move["to_stage__order"]
                trls[f"trl_{move['trl']}"] += p.amount
            age = _band(company.age_months(p.paid_on), AGE_BANDS)
            ages[age] = ages.get(age, ZERO) + p.amount
            head = _band(company.headcount_before(p.paid_on), HEADCOUNT_BANDS)
            heads[head] = heads.get(head, ZERO) + p.amount
    total = sum(stages.values(), ZERO)
    by_stage = dict(sorted(stages.items(), key=lambda kv: order.get(kv[0], 10**6)))
    by_trl = dict(sorted(trls.items(), key=lambda kv: (kv[0] == UNKNOWN, kv[0])))
    labels = {slug: _bilingual(*names) for slug, names in stage_labels.items()}
    return EarlySmall(
        invested=total,
        by_stage=_shares(by_stage, labels, total),
        by_trl=_shares(by_trl, {}, total),
        by_age=_shares(ages, {}, total),
        by_headcount=_shares(heads, {}, total),
    )


def _bilingual(name: str, name_en: str) -> str:
    from django.utils.translation import get_language

    return name_en if (get_language() or "").startswith("en") and name_en else name


def startup_tech(
    company: Company, as_of: dt.date, thresholds: list[StartupTechThreshold]
) -> StartupTechRow:
    """The 初创科技型企业 test at the first investment, by the thresholds in force that day:
    headcount (average of the KPI reports of the four quarters before), total assets (not
    recorded: unknown), revenue (the sum of those four quarters), age (months since
    founding) and not listed by then or within 24 months after; and the months held."""
    on = company.first_investment_on
    rule = next((t for t in thresholds if t.in_force(on)), None)
    window = quarters_before(on)
    reports = [company.kpis[key] for key in window if key in company.kpis]
    headcount = (
        (Decimal(sum(r["headcount"] for r in reports)) / len(reports)).quantize(Decimal("0.1"))
        if reports
        else None
    )
    founded = company.startup.founded_on
    # Revenue is a 12-month total: known when every quarter of the window in which the
    # company existed is reported (all four when the founding date is not recorded).
    existed = [key for key in window if founded is None or quarter_end(*key) >= founded]
    revenue = None
    if all(key in company.kpis for key in existed):
        revenue = sum((company.kpis[key]["revenue"] for key in existed), ZERO)
    age = company.age_months(on)
    listing_window = min(add_months(on, HOLDING_MONTHS), as_of)

    def judged(rule_name, limit, actual) -> Criterion:
        if rule is None or actual is None:
            return Criterion(rule_name, limit, actual, UNKNOWN)
        return Criterion(rule_name, limit, actual, MET if actual <= limit else FAILED)

    criteria = [  # in the order of formatting.STARTUP_TECH_CRITERIA
        judged("max_headcount", rule and rule.max_headcount, headcount),
        Criterion("max_assets", rule and rule.max_assets, None, UNKNOWN),
        judged("max_revenue", rule and rule.max_revenue, revenue),
        judged("max_age_months", rule and rule.max_age_months, age),
        Criterion(
            "not_listed",
            None,
            None,
            FAILED if company.listed_by(listing_window) else MET,
        ),
    ]
    statuses = {c.status for c in criteria}
    status = FAILED if FAILED in statuses else UNKNOWN if UNKNOWN in statuses else MET
    ended = company.ended
    held_until = min(ended["paid_on"], as_of) if ended else as_of
    months = months_between(on, held_until)
    return StartupTechRow(
        startup=company.startup,
        first_investment_on=on,
        thresholds=rule,
        criteria=criteria,
        status=status,
        months_held=months,
        holding_clock_met=months >= HOLDING_MONTHS,
    )


def idle_money(companies: list[Company], payments, as_of: dt.date) -> IdleMoney:
    """210号 第二十条: the days from the first government LP payment (实缴) to the fund's
    first payment into a company (to ``as_of`` while there is none); over 365 is an alert."""
    government = [on for kind, on, _amount in payments if kind in GOVERNMENT_KINDS]
    first_in = min(government, default=None)
    first_out = min((c.first_investment_on for c in companies), default=None)
    if first_in is None:
        return IdleMoney(None, first_out, None, False)
    days = ((first_out or as_of) - first_in).days
    return IdleMoney(first_in, first_out, days, days > IDLE_DAYS)


# --- the investee export ----------------------------------------------------------------------


@dataclass(frozen=True)
class Investee:
    startup: Startup
    stage_at_first_investment: str | None
    first_investment_on: dt.date
    invested: Decimal
    ownership_pct: Decimal | None
    fair_value: Decimal
    valuation_method: str | None
    exited_amount: Decimal
    exit_kind: str | None
    exit_on: dt.date | None
    listed: bool
    startup_tech_firm: str
    local: bool


def investees(fund: Fund, as_of: dt.date | None = None) -> list[Investee]:
    """One row per company the fund had paid into by ``as_of`` (held or exited), with the
    registry's columns (``fund-accounting.md`` §4): 8 queries whatever the number; kept in
    the report cache by fund and date."""
    as_of = as_of or timezone.localdate()
    return report_cache.cached("investees", (fund, as_of), lambda: _investees(fund, as_of))


def _investees(fund: Fund, as_of: dt.date) -> list[Investee]:
    companies = _portfolio(fund, as_of, values=True)
    thresholds = list(StartupTechThreshold.objects.all())
    rows = []
    for company in companies:
        ended, mark = company.ended, company.mark
        if ended is not None:
            fair_value, method = ZERO, ended["kind"]
        elif mark is not None:
            fair_value, method = mark["fair_value"], mark["method"]
        else:
            fair_value, method = company.invested, "cost"
        first_move = company.move_at(company.first_investment_on)
        rows.append(
            Investee(
                startup=company.startup,
                stage_at_first_investment=first_move["to_stage__slug"] if first_move else None,
                first_investment_on=company.first_investment_on,
                invested=company.invested,
                ownership_pct=company.ownership(as_of),
                fair_value=fair_value,
                valuation_method=method,
                exited_amount=sum(
                    (p["amount"] for p in company.proceeds if p["kind"] in ENDING_KINDS), ZERO
                ),
                exit_kind=ended["kind"] if ended else None,
                exit_on=ended["paid_on"] if ended else None,
                listed=company.listed_by(as_of),
                startup_tech_firm=startup_tech(company, as_of, thresholds).status,
                local=company.local_credit(fund, as_of)[1],
            )
        )
    return rows
