"""The fund's investors (LPs): the LP report, capital accounts and management fees.

Each answer loads the fund's rows in a fixed number of queries (``fund_engine``) and hands
them to ``portfolio.fund_accounting``, which does the arithmetic of ``fund-accounting.md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from portfolio import fund_accounting as fa
from portfolio.models import (
    CapitalCall,
    CapitalCallItem,
    CapitalCallPayment,
    Disbursement,
    Distribution,
    Fund,
    FundExpense,
    LimitedPartner,
    LpCommitment,
    LpDistribution,
    ReallocationRule,
    ValuationMark,
)
from portfolio.models.querysets import MONEY
from portfolio.selectors import report_cache
from portfolio.selectors.fund_report import FundReport, fund_report

# A company's distribution that ends the holding (its fair value is 0 from then).
ENDING_KINDS = ("exit", "write_off")


def fund_engine(fund: Fund) -> fa.Fund:
    """The LP engine of ``fund`` from its rows: 8 queries whatever their number (LP
    commitments, payments, expenses, disbursements, marks, company distributions, LP
    distributions, the 让利 rule with its beneficiaries)."""
    partners, _names = fund_partners(fund)
    payments = CapitalCallPayment.objects.filter(item__capital_call__fund=fund).values_list(
        "paid_on", "item__limited_partner_id", "amount"
    )
    expenses = FundExpense.objects.filter(fund=fund).values_list("incurred_on", "amount")
    holdings = _holding_events(fund)
    distributions = LpDistribution.objects.filter(fund=fund).order_by("paid_on", "id")
    rule = (
        ReallocationRule.objects.filter(fund=fund)
        .prefetch_related("shares")
        .only("ceding_id", "pct", "applies_to_nav")
        .first()
    )
    reallocation = None
    if rule is not None:
        reallocation = fa.Reallocation(
            rule.ceding_id,
            tuple((s.limited_partner_id, s.weight) for s in rule.shares.all()),
            rule.pct,
            rule.applies_to_nav,
        )
    return fa.Fund(
        terms=fund_terms(fund),
        partners=partners,
        contributions=[fa.Contribution(on, lp, amount) for on, lp, amount in payments],
        expenses=[fa.Dated(on, amount) for on, amount in expenses],
        holdings=holdings,
        distributions=[
            fa.Dated(d.paid_on, d.amount, d.pk) for d in distributions.only("paid_on", "amount")
        ],
        reallocation=reallocation,
    )


def _holding_events(fund: Fund) -> list[fa.HoldingEvent]:
    """The fund toward companies (3 queries): cash in (disbursements), marks, cash back."""
    holdings = [
        fa.HoldingEvent(on, startup, "invest", amount)
        for on, startup, amount in Disbursement.objects.filter(commitment__fund=fund).values_list(
            "paid_on", "commitment__startup_id", "amount"
        )
    ]
    holdings += [
        fa.HoldingEvent(on, startup, "mark", value)
        for on, startup, value in ValuationMark.objects.filter(fund=fund).values_list(
            "as_of", "startup_id", "fair_value"
        )
    ]
    holdings += [
        fa.HoldingEvent(on, startup, kind if kind in ENDING_KINDS else "dividend", amount)
        for on, startup, kind, amount in Distribution.objects.filter(fund=fund).values_list(
            "paid_on", "startup_id", "kind", "amount"
        )
    ]
    # Same-day events: the money first, then marks, then what ends a holding.
    order = {"invest": 0, "mark": 1, "dividend": 2, "exit": 3, "write_off": 3}
    holdings.sort(key=lambda e: (e.on, order[e.kind]))
    return holdings


def fund_partners(fund: Fund) -> tuple[list[fa.Partner], dict[int, LimitedPartner]]:
    """The fund's LP lines in commitment order, and its LPs by id (one query)."""
    commitments = LpCommitment.objects.filter(fund=fund).select_related("limited_partner")
    partners, names = [], {}
    for c in commitments.order_by("committed_on", "id"):
        partners.append(fa.Partner(c.limited_partner_id, c.amount, c.pays_fees, c.committed_on))
        names[c.limited_partner_id] = c.limited_partner
    return partners, names


def fund_terms(fund: Fund) -> fa.Terms:
    """The engine's terms from the fund's fields of the same names."""
    return fa.Terms(**{f.name: getattr(fund, f.name) for f in dataclasses.fields(fa.Terms)})


def lp_names(fund: Fund) -> dict[int, LimitedPartner]:
    """The fund's LPs by id (one query), for naming the engine's rows."""
    return fund_partners(fund)[1]


# --- the LP report --------------------------------------------------------------------------


@dataclass(frozen=True)
class LpRow:
    limited_partner: LimitedPartner | None  # None: all LPs together (net)
    figures: fa.FundFigures
    irr: Decimal | None


@dataclass(frozen=True)
class LpReport:
    fund: Fund
    as_of: dt.date
    lps: list[LpRow]
    net: LpRow
    carried_interest_paid: Decimal
    carried_interest_accrued: Decimal
    #: the fund's own (gross) figures as of the same date, beside the LPs' net ones: read
    #: by ``lp_report_with_gross`` (the API's answer); None from ``lp_report`` (the pages)
    gross: FundReport | None = None


def lp_report_with_gross(fund: Fund, as_of: dt.date | None = None) -> LpReport:
    """``lp_report`` with the fund report of the same date in ``gross``."""
    report = lp_report(fund, as_of)
    return dataclasses.replace(report, gross=fund_report(fund, report.as_of))


def lp_report(fund: Fund, as_of: dt.date | None = None) -> LpReport:
    """Per LP and for all LPs together: committed, paid-in, unfunded, distributed, NAV (net
    of accrued carry) and the net multiples and IRR, as of ``as_of`` (today by default);
    kept in the report cache by fund and date."""
    as_of = as_of or timezone.localdate()
    return report_cache.with_fund("lp_report", fund, (as_of,), lambda: _lp_report(fund, as_of))


def _lp_report(fund: Fund, as_of: dt.date) -> LpReport:
    engine = fund_engine(fund)
    names = lp_names(fund)
    rows = [
        LpRow(names[key], engine.lp_figures(as_of, key), engine.irr(as_of, key))
        for key in engine.keys
    ]
    paid = sum((allocations[fa.GP].total for _, allocations in engine.waterfall(as_of)), fa.ZERO)
    accrued, _ = engine.accrued_carry(as_of) if engine.keys else (fa.ZERO, {})
    return LpReport(
        fund=fund,
        as_of=as_of,
        lps=rows,
        net=LpRow(None, engine.lp_figures(as_of), engine.irr(as_of)),
        carried_interest_paid=paid,
        carried_interest_accrued=accrued,
    )


# --- capital accounts -------------------------------------------------------------------------

STATEMENT_LINES = ("beginning", *fa.LINES, "ending")


@dataclass(frozen=True)
class CapitalAccount:
    limited_partner: LimitedPartner | None  # None: the fund's total
    period: dict[str, Decimal]
    since_inception: dict[str, Decimal]


def capital_accounts(
    fund: Fund, start: dt.date, end: dt.date
) -> tuple[list[CapitalAccount], CapitalAccount]:
    """Each LP's capital account for ``[start, end]`` and since inception to ``end``, and
    the total of all LPs: ``beginning`` + the signed movements = ``ending``. Kept in the
    report cache by fund and period."""
    return report_cache.cached(
        "capital_accounts", (fund, start, end), lambda: _capital_accounts(fund, start, end)
    )


def _capital_accounts(
    fund: Fund, start: dt.date, end: dt.date
) -> tuple[list[CapitalAccount], CapitalAccount]:
    engine = fund_engine(fund)
    names = lp_names(fund)
    period = engine.ledger(end, start)
    inception = engine.ledger(end)
    accounts = [CapitalAccount(names[key], period[key], inception[key]) for key in engine.keys]

    def total(ledger: dict) -> dict[str, Decimal]:
        return {
            line: sum((ledger[k][line] for k in engine.keys), fa.ZERO) for line in STATEMENT_LINES
        }

    return accounts, CapitalAccount(None, total(period), total(inception))


def management_fees(
    fund: Fund, through: dt.date | None = None
) -> tuple[list[fa.FeeLine], dict[int, LimitedPartner]]:
    """The fee of every quarter-end from the first contribution's quarter to ``through``,
    and the LPs by id: 2 queries (3 when the fee is on the unexited cost)."""
    partners, names = fund_partners(fund)
    payments = CapitalCallPayment.objects.filter(item__capital_call__fund=fund).values_list(
        "paid_on", "item__limited_partner_id", "amount"
    )
    holdings = _holding_events(fund) if fund.fee_basis == "invested" else []
    lines = fa.fee_schedule(
        terms=fund_terms(fund),
        partners=partners,
        contributions=[fa.Contribution(on, lp, amount) for on, lp, amount in payments],
        holdings=holdings,
        through=through or timezone.localdate(),
    )
    return lines, names


# --- capital calls and late payers ----------------------------------------------------------


def call_items(as_of: dt.date | None = None):
    """Each LP's part of a call with ``paid`` (what it had paid by ``as_of``, 0.00 when
    nothing; everything when no date) and ``paid_on`` (its last payment then), with its LP
    and its recorded default, if any; in the model's order, by call and LP name, said again
    here because a query that sums (GROUP BY) leaves ``Meta.ordering`` out, and PostgreSQL
    then returned a call's LPs in whatever order its hash aggregate left them."""
    by_then = Q() if as_of is None else Q(payments__paid_on__lte=as_of)
    return (
        CapitalCallItem.objects.select_related("limited_partner", "default")
        .annotate(
            paid=Coalesce(
                Sum("payments__amount", filter=by_then), Value(fa.ZERO), output_field=MONEY
            ),
            paid_on=Max("payments__paid_on", filter=by_then),
        )
        .order_by("capital_call", "limited_partner__name", "limited_partner")
    )


@dataclass(frozen=True)
class CallItemRow:
    call: CapitalCall
    item: CapitalCallItem
    overdue: bool  # past the due date at ``as_of`` with part of it unpaid then
    default_on: dt.date | None  # when a default was recorded, if it was by ``as_of``


def capital_calls(fund: Fund, as_of: dt.date) -> list[CallItemRow]:
    """Every LP's part of every call made by ``as_of``, newest call first: what was due,
    what it had paid by then, whether it was late then (2 queries)."""
    calls = (
        CapitalCall.objects.filter(fund=fund, call_date__lte=as_of)
        .order_by("-number")
        .prefetch_related(Prefetch("items", queryset=call_items(as_of)))
    )
    rows = []
    for call in calls:
        for item in call.items.all():
            default = getattr(item, "default", None)
            rows.append(
                CallItemRow(
                    call=call,
                    item=item,
                    overdue=item.paid < item.amount and call.due_date < as_of,
                    default_on=default.noticed_on
                    if default is not None and default.noticed_on <= as_of
                    else None,
                )
            )
    return rows
