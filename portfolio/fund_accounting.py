"""The fund's investors (LPs): pure arithmetic, no database (``fund-accounting.md``).

Everything here takes plain dated events and the fund's terms and returns figures in
``Decimal`` yuan; the services and selectors load the events and call it, so the worked
example of ``fund-accounting.md`` is checked here once and through the API once.

- ``largest_remainder``: split an amount pro rata so the parts add up to it exactly.
- ``fee_schedule``: the management fee of every quarter-end, derived from the terms.
- ``Fund`` (the engine): cash, fair value, the European waterfall of each distribution and
  a hypothetical liquidation (accrued carry), and the per-event capital-account ledger of
  each LP, as of any date.

Conventions (the page's worked example): day count Actual/365; amounts rounded half-up to
the yuan; every booked event other than a contribution or a distribution is allocated to
the LPs pro rata to commitment by largest remainder; the ledger of allocations is the
source of truth for each LP's capital account.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from portfolio import metrics

YUAN = Decimal("1")
CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")
DAYS_A_YEAR = Decimal("365")

# Terms' choices (the API's strings).
FEE_COMMITTED, FEE_PAID_IN, FEE_INVESTED = "committed", "paid_in", "invested"
HURDLE_COMPOUND, HURDLE_SIMPLE = "compound", "simple"

# The ledger's lines, in statement order (capital accounts; ``reallocated`` is the 让利 rule's).
LINES = (
    "contributions",
    "distributions",
    "management_fees",
    "expenses",
    "realized",
    "unrealized",
    "carried_interest_paid",
    "carried_interest_accrued",
    "reallocated",
)
TIERS = ("return_of_capital", "preferred_return", "catch_up", "split")
#: a partner's share of a distribution: the four tiers and the 让利 move
SHARE_PARTS = (*TIERS, "reallocated")
GP = "gp"  # the GP's key in waterfall allocations


def yuan(value: Decimal) -> Decimal:
    """Rounded half-up to the yuan."""
    return Decimal(value).quantize(YUAN, ROUND_HALF_UP)


def share_total(share) -> Decimal:
    """What a partner got of a distribution: its four tiers and its 让利 move (an engine
    ``Allocation`` or a stored ``LpDistributionAllocation``)."""
    return sum((getattr(share, part) for part in SHARE_PARTS), ZERO)


def largest_remainder(
    total: Decimal, weights: Sequence[tuple[Hashable, Decimal]]
) -> dict[Hashable, Decimal]:
    """Split ``total`` pro rata to ``weights`` in whole yuan (cents when ``total`` has cents):
    each part is rounded down, and what is left goes a unit at a time to the largest
    remainders (ties to the earlier weight), so the parts add up to ``total`` exactly. A
    negative total is split like its absolute value."""
    keys = [key for key, _ in weights]
    weight_sum = sum((Decimal(w) for _, w in weights), ZERO)
    if not keys:
        return {}
    if not weight_sum:
        raise ValueError("largest_remainder needs a positive weight")
    total = Decimal(total)
    sign = -1 if total < 0 else 1
    unit = YUAN if total == total.to_integral_value() else CENT
    units = int((abs(total) / unit).to_integral_value())
    exact = [Decimal(units) * Decimal(w) / weight_sum for _, w in weights]
    floors = [int(x.to_integral_value(ROUND_FLOOR)) for x in exact]
    left = units - sum(floors)
    order = sorted(range(len(keys)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return {key: sign * Decimal(n) * unit for key, n in zip(keys, floors, strict=True)}


# --- inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """The LP terms of a fund (percentages as numbers: 2 means 2 %)."""

    management_fee_pct: Decimal = Decimal("2")
    fee_basis: str = FEE_PAID_IN
    hurdle_pct: Decimal = Decimal("8")
    hurdle_kind: str = HURDLE_COMPOUND
    catch_up_pct: Decimal = Decimal("100")
    carry_pct: Decimal = Decimal("20")


@dataclass(frozen=True)
class Partner:
    """An LP line: its commitment (认缴) and whether it pays the management fee."""

    key: Hashable
    commitment: Decimal
    pays_fees: bool = True
    committed_on: dt.date | None = None


@dataclass(frozen=True)
class Contribution:
    """A payment of a capital call by one LP (实缴); it counts from ``on``."""

    on: dt.date
    partner: Hashable
    amount: Decimal


@dataclass(frozen=True)
class Dated:
    """A dated fund-level amount: an expense, or a distribution to the LPs (``key`` names
    the row it came from)."""

    on: dt.date
    amount: Decimal
    key: Hashable = None


@dataclass(frozen=True)
class HoldingEvent:
    """The fund toward one company: ``kind`` is ``invest`` (cost paid in), ``mark`` (fair
    value as of ``on``), ``dividend`` (proceeds, holding stays) or ``exit`` / ``write_off``
    (proceeds, holding ends: its fair value is 0 from then)."""

    on: dt.date
    holding: Hashable
    kind: str
    amount: Decimal


@dataclass(frozen=True)
class Reallocation:
    """让利: ``ceding`` gives ``pct`` % of its tier-4 (split) share to ``beneficiaries``
    (weights), in cash on every distribution and, when ``applies_to_nav``, in the
    hypothetical liquidation behind its NAV."""

    ceding: Hashable
    beneficiaries: tuple[tuple[Hashable, Decimal], ...]
    pct: Decimal
    applies_to_nav: bool = True


# --- management fees ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FeeLine:
    quarter_end: dt.date
    days: int
    base: Decimal
    amount: Decimal
    allocations: dict[Hashable, Decimal]


def quarter_end(day: dt.date) -> dt.date:
    month = ((day.month - 1) // 3 + 1) * 3
    following = dt.date(day.year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def quarter_ends(first: dt.date, through: dt.date) -> list[dt.date]:
    """Quarter-ends from ``first``'s quarter to the last one on or before ``through``."""
    ends, end = [], quarter_end(first)
    while end <= through:
        ends.append(end)
        end = quarter_end(end + dt.timedelta(days=1))
    return ends


def _step_base(changes: Iterable[tuple[dt.date, Decimal]]):
    """A step function of time from dated increments: the base on day ``d`` counts the
    increments dated before ``d`` (money accrues from the day after it moves)."""
    points = sorted(changes, key=lambda c: c[0])

    def base_on(day: dt.date) -> Decimal:
        return sum((amount for on, amount in points if on < day), ZERO)

    return points, base_on


def fee_schedule(
    *,
    terms: Terms,
    partners: Sequence[Partner],
    contributions: Iterable[Contribution],
    holdings: Iterable[HoldingEvent] = (),
    through: dt.date,
) -> list[FeeLine]:
    """The management fee of every quarter-end from the quarter of the first contribution
    through ``through``: ``rate × base × days / 365`` over each day of the quarter, the base
    being commitments, paid-in or unexited cost (``terms.fee_basis``), rounded half-up to the
    yuan per quarter and allocated to the fee-paying LPs pro rata to commitment."""
    contributions = [c for c in contributions if c.on <= through]
    if not contributions:
        return []
    first = min(c.on for c in contributions)
    if terms.fee_basis == FEE_COMMITTED:
        changes = [(p.committed_on or first, p.commitment) for p in partners if p.pays_fees]
    elif terms.fee_basis == FEE_INVESTED:
        changes = _unexited_cost_changes(holdings)
    else:
        paying = {p.key for p in partners if p.pays_fees}
        changes = [(c.on, c.amount) for c in contributions if c.partner in paying]
    points, base_on = _step_base(changes)
    rate = Decimal(terms.management_fee_pct) / HUNDRED
    weights = [(p.key, p.commitment) for p in partners if p.pays_fees]
    lines = []
    start = dt.date(first.year, (first.month - 1) // 3 * 3 + 1, 1) - dt.timedelta(days=1)
    for end in quarter_ends(first, through):
        # Sum base × days over the segments between the moves inside (start, end].
        edges = sorted({start, end} | {on for on, _ in points if start < on < end})
        base_days, days = ZERO, 0
        for left, right in zip(edges, edges[1:], strict=False):
            base = base_on(left + dt.timedelta(days=1))
            span = (right - left).days
            base_days += base * span
            days += span if base else 0
        amount = yuan(rate * base_days / DAYS_A_YEAR)
        allocations = largest_remainder(amount, weights) if weights and amount else {}
        lines.append(FeeLine(end, days, base_on(end + dt.timedelta(days=1)), amount, allocations))
        start = end
    return lines


def _unexited_cost_changes(holdings: Iterable[HoldingEvent]) -> list[tuple[dt.date, Decimal]]:
    cost: dict[Hashable, Decimal] = defaultdict(lambda: ZERO)
    changes = []
    for event in sorted(holdings, key=lambda e: e.on):
        if event.kind == "invest":
            cost[event.holding] += event.amount
            changes.append((event.on, event.amount))
        elif event.kind in ("exit", "write_off") and cost[event.holding]:
            changes.append((event.on, -cost[event.holding]))
            cost[event.holding] = ZERO
    return changes


# --- the waterfall -----------------------------------------------------------------------------


@dataclass
class Allocation:
    """One party's share of one distribution, tier by tier."""

    return_of_capital: Decimal = ZERO
    preferred_return: Decimal = ZERO
    catch_up: Decimal = ZERO
    split: Decimal = ZERO
    reallocated: Decimal = ZERO  # 让利: + received, - ceded (cash)

    @property
    def total(self) -> Decimal:
        return share_total(self)


@dataclass
class _State:
    """What the waterfall has paid so far, per LP and to the GP."""

    tier1: dict[Hashable, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    tier2: dict[Hashable, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    paid: list[tuple[dt.date, Hashable, Decimal]] = field(default_factory=list)  # tiers 1+2
    returned: list[tuple[dt.date, Hashable, Decimal]] = field(default_factory=list)  # tier 1
    catch_up_gp: Decimal = ZERO
    catch_up_lp: Decimal = ZERO


# --- the engine --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundFigures:
    """The LP-side figures of the fund (or one LP) as of a date."""

    committed: Decimal
    paid_in: Decimal
    distributed: Decimal
    nav: Decimal

    @property
    def unfunded(self) -> Decimal:
        return self.committed - self.paid_in

    @property
    def dpi(self) -> Decimal | None:
        return metrics.dpi(paid_in=self.paid_in, distributed=self.distributed)

    @property
    def rvpi(self) -> Decimal | None:
        return metrics.rvpi(paid_in=self.paid_in, residual=self.nav)

    @property
    def tvpi(self) -> Decimal | None:
        return metrics.tvpi(paid_in=self.paid_in, distributed=self.distributed, residual=self.nav)


class Fund:
    """A fund's LP side from its events; every figure as of a date.

    Events dated after the date asked for are ignored, so one engine answers any date.
    """

    def __init__(
        self,
        *,
        terms: Terms,
        partners: Sequence[Partner],
        contributions: Iterable[Contribution] = (),
        expenses: Iterable[Dated] = (),
        holdings: Iterable[HoldingEvent] = (),
        distributions: Iterable[Dated] = (),
        reallocation: Reallocation | None = None,
    ) -> None:
        self.terms = terms
        self.partners = list(partners)
        self.keys = [p.key for p in self.partners]
        self.commitment_weights = [(p.key, p.commitment) for p in self.partners]
        self.contributions = sorted(contributions, key=lambda c: c.on)
        self.expenses = sorted(expenses, key=lambda e: e.on)
        self.holdings = sorted(holdings, key=lambda e: e.on)
        self.distributions = sorted(distributions, key=lambda d: d.on)
        self.reallocation = reallocation
        # The engine never changes after it is built: fees and ledgers are computed once per
        # date (lp_report asks for each LP's figures, and each needs the same ledger).
        # The waterfall and the accrued carry are asked for once per LP and once more for the
        # fund (their Decimal powers were 60% of the LP page's time: bar P9); the growth at
        # the hurdle is the same for every LP called on the same day.
        self._fees: dict[dt.date, list[FeeLine]] = {}
        self._ledgers: dict[tuple[dt.date, dt.date | None], dict] = {}
        self._waterfalls: dict[dt.date | None, list[tuple[Dated, dict]]] = {}
        self._accrued: dict[dt.date, tuple[Decimal, dict[Hashable, Allocation]]] = {}
        self._growths: dict[int, Decimal] = {}
        self._carry = Decimal(terms.carry_pct) / HUNDRED
        self._hurdle = Decimal(terms.hurdle_pct) / HUNDRED
        self._catch_up = Decimal(terms.catch_up_pct) / HUNDRED

    # --- money in and out ---

    def fees(self, through: dt.date) -> list[FeeLine]:
        if through not in self._fees:
            self._fees[through] = self._fee_schedule(through)
        return self._fees[through]

    def _fee_schedule(self, through: dt.date) -> list[FeeLine]:
        return fee_schedule(
            terms=self.terms,
            partners=self.partners,
            contributions=self.contributions,
            holdings=self.holdings,
            through=through,
        )

    def paid_in(self, as_of: dt.date, partner: Hashable | None = None) -> Decimal:
        return sum(
            (
                c.amount
                for c in self.contributions
                if c.on <= as_of and (partner is None or c.partner == partner)
            ),
            ZERO,
        )

    def cash(self, as_of: dt.date) -> Decimal:
        """Contributions and proceeds in, less investments, expenses, fees and distributions."""
        cash = self.paid_in(as_of)
        cash -= sum((e.amount for e in self.expenses if e.on <= as_of), ZERO)
        cash -= sum((f.amount for f in self.fees(as_of)), ZERO)
        cash -= sum((d.amount for d in self.distributions if d.on <= as_of), ZERO)
        for event in self.holdings:
            if event.on > as_of:
                continue
            if event.kind == "invest":
                cash -= event.amount
            elif event.kind in ("dividend", "exit", "write_off"):
                cash += event.amount
        return cash

    def positions(self, as_of: dt.date) -> dict[Hashable, tuple[Decimal, Decimal]]:
        """Each holding still held on ``as_of``: (cost, fair value); the fair value is the
        latest mark on or before ``as_of``, or the cost when never marked."""
        cost: dict[Hashable, Decimal] = defaultdict(lambda: ZERO)
        value: dict[Hashable, Decimal | None] = {}
        for event in self.holdings:
            if event.on > as_of:
                break
            if event.kind == "invest":
                cost[event.holding] += event.amount
                value.setdefault(event.holding, None)
            elif event.kind == "mark":
                value[event.holding] = event.amount
            elif event.kind in ("exit", "write_off"):
                cost.pop(event.holding, None)
                value.pop(event.holding, None)
        return {
            key: (cost[key], cost[key] if value.get(key) is None else value[key]) for key in cost
        }

    def nav_gross(self, as_of: dt.date) -> Decimal:
        return self.cash(as_of) + sum((fv for _, fv in self.positions(as_of).values()), ZERO)

    # --- the waterfall ---

    def waterfall(self, as_of: dt.date | None = None) -> list[tuple[Dated, dict]]:
        """Every distribution on or before ``as_of`` through the European waterfall, in
        order: ``[(distribution, {partner or GP: Allocation})]``."""
        if as_of not in self._waterfalls:
            self._waterfalls[as_of] = self._waterfall(as_of)
        return self._waterfalls[as_of]

    def _waterfall(self, as_of: dt.date | None) -> list[tuple[Dated, dict]]:
        state, result = _State(), []
        for dist in self.distributions:
            if as_of is not None and dist.on > as_of:
                break
            result.append((dist, self._distribute(state, dist.on, dist.amount, cash=True)))
        return result

    def accrued_carry(self, as_of: dt.date) -> tuple[Decimal, dict[Hashable, Allocation]]:
        """The GP's take if the fund's gross NAV were distributed on ``as_of`` after the
        distributions already made (a hypothetical liquidation), and that liquidation's
        allocations.

        Capped so the carry paid and accrued never exceed ``carry_pct`` of the cumulative
        profit (distributions + gross NAV - contributions): when values fall after carry was
        paid, the balance turns negative, the GP's clawback (回拨) owed to the LPs."""
        if as_of not in self._accrued:
            self._accrued[as_of] = self._accrued_carry(as_of)
        return self._accrued[as_of]

    def _accrued_carry(self, as_of: dt.date) -> tuple[Decimal, dict[Hashable, Allocation]]:
        state, paid, distributed = _State(), ZERO, ZERO
        for dist in self.distributions:
            if dist.on > as_of:
                break
            paid += self._distribute(state, dist.on, dist.amount, cash=True)[GP].total
            distributed += dist.amount
        nav = self.nav_gross(as_of)
        allocations = self._distribute(state, as_of, nav, cash=False) if nav > 0 else {}
        hypothetical = allocations[GP].total if allocations else ZERO
        profit = distributed + nav - self.paid_in(as_of)
        # rounded down: the GP never takes more than its share, not even half a yuan
        cap = (self._carry * max(ZERO, profit)).quantize(YUAN, ROUND_FLOOR)
        return min(hypothetical, cap - paid), allocations

    def _contributions_of(self, key: Hashable, as_of: dt.date) -> list[Contribution]:
        return [c for c in self.contributions if c.partner == key and c.on <= as_of]

    def _pref_due(self, state: _State, key: Hashable, on: dt.date) -> Decimal:
        """The LP's preferred return not yet paid on ``on`` (rounded to the yuan)."""
        contributions = self._contributions_of(key, on)
        unreturned = sum((c.amount for c in contributions), ZERO) - state.tier1[key]
        if self.terms.hurdle_kind == HURDLE_SIMPLE:
            return max(ZERO, yuan(self._simple_pref(state, key, on)) - state.tier2[key])
        account = sum((c.amount * self._growth((on - c.on).days) for c in contributions), ZERO)
        account -= sum(
            (
                amount * self._growth((on - paid_on).days)
                for paid_on, who, amount in state.paid
                if who == key
            ),
            ZERO,
        )
        return max(ZERO, yuan(account - unreturned))

    def _growth(self, days: int) -> Decimal:
        """(1 + hurdle) ** (days / 365), compounded annually (Actual/365)."""
        if days not in self._growths:
            growth = Decimal(1) + self._hurdle
            self._growths[days] = growth ** (Decimal(days) / DAYS_A_YEAR)
        return self._growths[days]

    def _simple_pref(self, state: _State, key: Hashable, on: dt.date) -> Decimal:
        """Simple interest at the hurdle on the unreturned capital, day by day to ``on``."""
        moves = [(c.on, c.amount) for c in self._contributions_of(key, on)]
        moves += [(paid_on, -amount) for paid_on, who, amount in state.returned if who == key]
        total, base, last = ZERO, ZERO, None
        for day, amount in sorted(moves, key=lambda m: m[0]):
            if last is not None:
                total += base * Decimal((day - last).days)
            base += amount
            last = day
        if last is not None:
            total += base * Decimal((on - last).days)
        return total * self._hurdle / DAYS_A_YEAR

    def _distribute(
        self, state: _State, on: dt.date, amount: Decimal, *, cash: bool
    ) -> dict[Hashable, Allocation]:
        """One distribution through the four tiers, updating ``state``."""
        out = {key: Allocation() for key in self.keys}
        out[GP] = Allocation()
        left = Decimal(amount)
        # 1. Return of capital, pro rata to what each LP has not had back.
        owed = {k: self.paid_in(on, k) - state.tier1[k] for k in self.keys}
        left = self._pay(left, owed, out, "return_of_capital")
        # 2. Preferred return.
        owed_pref = {k: self._pref_due(state, k, on) for k in self.keys}
        left = self._pay(left, owed_pref, out, "preferred_return")
        for key in self.keys:
            state.tier1[key] += out[key].return_of_capital
            state.tier2[key] += out[key].preferred_return
            if out[key].return_of_capital or out[key].preferred_return:
                state.paid.append((on, key, out[key].return_of_capital + out[key].preferred_return))
            if out[key].return_of_capital:
                state.returned.append((on, key, out[key].return_of_capital))
        # 3. GP catch-up, until the GP has carry % of tiers 2 and 3.
        if left > 0 and self._catch_up > self._carry:
            pref_total = sum(state.tier2.values(), ZERO)
            tier3_total = yuan(self._carry * pref_total / (self._catch_up - self._carry))
            done = state.catch_up_gp + state.catch_up_lp
            step = min(left, max(ZERO, tier3_total - done))
            if step:
                to_gp = yuan(step * self._catch_up)
                out[GP].catch_up = to_gp
                lp_part = step - to_gp
                for key, share in largest_remainder(lp_part, self.commitment_weights).items():
                    out[key].catch_up = share
                state.catch_up_gp += to_gp
                state.catch_up_lp += lp_part
                left -= step
        # 4. The split.
        if left > 0:
            to_gp = yuan(left * self._carry)
            out[GP].split = to_gp
            for key, share in largest_remainder(left - to_gp, self.commitment_weights).items():
                out[key].split = share
        self._reallocate(out, cash=cash)
        return out

    def _pay(self, left: Decimal, owed: Mapping, out: dict, tier: str) -> Decimal:
        due = {k: v for k, v in owed.items() if v > 0}
        total = sum(due.values(), ZERO)
        if not total or left <= 0:
            return left
        paid = total if left >= total else left
        shares = due if paid == total else largest_remainder(paid, list(due.items()))
        for key, share in shares.items():
            setattr(out[key], tier, share)
        return left - paid

    def _reallocate(self, out: dict[Hashable, Allocation], *, cash: bool) -> None:
        rule = self.reallocation
        if rule is None or (not cash and not rule.applies_to_nav):
            return
        ceded = yuan(out[rule.ceding].split * Decimal(rule.pct) / HUNDRED)
        if not ceded:
            return
        out[rule.ceding].reallocated -= ceded
        for key, share in largest_remainder(ceded, list(rule.beneficiaries)).items():
            out[key].reallocated += share

    # --- per-LP figures ---

    def lp_figures(self, as_of: dt.date, partner: Hashable | None = None) -> FundFigures:
        """Committed, paid-in, distributed and NAV (net of accrued carry) for one LP, or all
        LPs together when ``partner`` is None."""
        keys = self.keys if partner is None else [partner]
        committed = sum((p.commitment for p in self.partners if p.key in keys), ZERO)
        distributed = ZERO
        for _, allocations in self.waterfall(as_of):
            distributed += sum((allocations[k].total for k in keys), ZERO)
        nav = sum((self.ledger(as_of)[k]["ending"] for k in keys), ZERO)
        paid_in = sum((self.paid_in(as_of, k) for k in keys), ZERO)
        return FundFigures(committed, paid_in, distributed, nav)

    def irr(self, as_of: dt.date, partner: Hashable | None = None) -> Decimal | None:
        """Net IRR: -contributions, +distributions, +NAV at ``as_of`` (XIRR, Actual/365)."""
        keys = self.keys if partner is None else [partner]
        flows = [
            metrics.CashFlow(c.on, -c.amount)
            for c in self.contributions
            if c.on <= as_of and c.partner in keys
        ]
        for dist, allocations in self.waterfall(as_of):
            flows.append(metrics.CashFlow(dist.on, sum((allocations[k].total for k in keys), ZERO)))
        flows.append(metrics.CashFlow(as_of, self.lp_figures(as_of, partner).nav))
        return metrics.irr(sorted(flows, key=lambda f: f.on))

    # --- the capital-account ledger ---

    def ledger_events(self, as_of: dt.date) -> list[tuple[dt.date, str, dict[Hashable, Decimal]]]:
        """Every booked event up to ``as_of`` allocated to the LPs: ``(date, line, {LP:
        signed amount})``, in date order. Accrued carry is not an event: ``ledger`` adds the
        balance as of the date asked for."""
        events: list[tuple[dt.date, str, dict[Hashable, Decimal]]] = []
        pro_rata = self.commitment_weights
        for c in self.contributions:
            if c.on <= as_of:
                events.append((c.on, "contributions", {c.partner: c.amount}))
        for e in self.expenses:
            if e.on <= as_of:
                events.append((e.on, "expenses", largest_remainder(-e.amount, pro_rata)))
        for line in self.fees(as_of):
            if line.amount:
                allocated = {k: -v for k, v in line.allocations.items()}
                events.append((line.quarter_end, "management_fees", allocated))
        cost: dict[Hashable, Decimal] = defaultdict(lambda: ZERO)
        carried: dict[Hashable, Decimal] = {}  # fair value carried in the books
        for event in self.holdings:
            if event.on > as_of:
                break
            key = event.holding
            if event.kind == "invest":
                cost[key] += event.amount
                carried[key] = carried.get(key, ZERO) + event.amount
            elif event.kind == "mark":
                change = event.amount - carried.get(key, cost[key])
                carried[key] = event.amount
                if change:
                    events.append((event.on, "unrealized", largest_remainder(change, pro_rata)))
            elif event.kind == "dividend":
                events.append((event.on, "realized", largest_remainder(event.amount, pro_rata)))
            else:  # exit or write-off: reverse the unrealized gain, realize against cost
                reversal = cost[key] - carried.get(key, cost[key])
                if reversal:
                    events.append((event.on, "unrealized", largest_remainder(reversal, pro_rata)))
                gain = event.amount - cost[key]
                if gain:
                    events.append((event.on, "realized", largest_remainder(gain, pro_rata)))
                cost[key] = ZERO
                carried.pop(key, None)
        for dist, allocations in self.waterfall(as_of):
            lp_cash = {k: -a.total for k, a in allocations.items() if k != GP}
            events.append((dist.on, "distributions", lp_cash))
            gp = allocations[GP].total
            if gp:
                events.append((dist.on, "carried_interest_paid", largest_remainder(-gp, pro_rata)))
            moved = {k: a.reallocated for k, a in allocations.items() if a.reallocated}
            if moved:
                events.append((dist.on, "reallocated", moved))
        order = {line: i for i, line in enumerate(LINES)}
        return sorted(events, key=lambda e: (e[0], order[e[1]]))

    def _accrued_by_lp(self, as_of: dt.date) -> dict[Hashable, Decimal]:
        """The accrued-carry balance (negative: it lowers the LPs' NAV) and, under a 让利 rule
        that applies to NAV, the hypothetical reallocation, per LP."""
        carry, allocations = self.accrued_carry(as_of)
        by_lp = largest_remainder(-carry, self.commitment_weights) if carry else {}
        moved = {k: a.reallocated for k, a in allocations.items() if k != GP and a.reallocated}
        return {k: by_lp.get(k, ZERO) for k in self.keys}, moved

    def ledger(
        self, end: dt.date, start: dt.date | None = None
    ) -> dict[Hashable, dict[str, Decimal]]:
        """Each LP's capital account: ``beginning`` (the balance on ``start - 1 day``; zero
        since inception), one signed total per line for events in ``[start, end]``, and
        ``ending``. ``reallocated`` holds 让利 moves; ``carried_interest_accrued`` is the
        change in the accrued-carry balance over the period."""
        key = (end, start)
        if key not in self._ledgers:
            self._ledgers[key] = self._ledger(end, start)
        return self._ledgers[key]

    def _ledger(self, end: dt.date, start: dt.date | None) -> dict[Hashable, dict[str, Decimal]]:
        accounts = {k: dict.fromkeys(("beginning", *LINES, "ending"), ZERO) for k in self.keys}
        before = None if start is None else start - dt.timedelta(days=1)
        for on, line, allocated in self.ledger_events(end):
            for key, amount in allocated.items():
                if before is not None and on <= before:
                    accounts[key]["beginning"] += amount
                else:
                    accounts[key][line] += amount
        accrued_end, moved_end = self._accrued_by_lp(end)
        accrued_start, moved_start = self._accrued_by_lp(before) if before is not None else ({}, {})
        for key in self.keys:
            account = accounts[key]
            account["beginning"] += accrued_start.get(key, ZERO) + moved_start.get(key, ZERO)
            account["carried_interest_accrued"] = accrued_end[key] - accrued_start.get(key, ZERO)
            account["reallocated"] += moved_end.get(key, ZERO) - moved_start.get(key, ZERO)
            account["ending"] = sum((account[k] for k in ("beginning", *LINES)), ZERO)
        return accounts
