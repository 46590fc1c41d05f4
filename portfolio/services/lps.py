"""Writes on the fund's investors (LPs): commitments, capital calls and their payments,
fund expenses and distributions to the partners (``fund-accounting.md``).

Writes that count against the fund's totals (commitments, calls, distributions) lock the
fund's row first, like ``commitment_create``, so two at once are checked one after the
other against the same totals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from portfolio import fund_accounting, models
from portfolio.audit import attributed
from portfolio.formatting import format_yuan
from portfolio.models.choices import ExpenseCategory, LpKind
from portfolio.services import messages as msg
from portfolio.services.common import not_future, refuse, saved, to_yuan, valid_choice


@attributed
@transaction.atomic
def limited_partner_create(
    *,
    name: str,
    kind: str,
    name_en: str = "",
    credit_code: str | None = None,
    is_illustrative: bool = False,
    note: str = "",
    by: Any = None,
) -> models.LimitedPartner:
    valid_choice(kind, LpKind, field="kind")
    return saved(
        models.LimitedPartner(
            name=name,
            name_en=name_en,
            kind=kind,
            credit_code=credit_code or None,
            is_illustrative=is_illustrative,
            note=note,
        )
    )


@attributed
@transaction.atomic
def lp_commitment_create(
    *,
    fund: models.Fund,
    limited_partner: models.LimitedPartner,
    amount: Decimal | str | int,
    committed_on: dt.date,
    pays_fees: bool | None = None,
    by: Any = None,
) -> models.LpCommitment:
    """An LP commits to the fund (认缴); all LPs' commitments stay within the fund's size.
    The GP's own line pays no fee unless told otherwise."""
    fund = models.Fund.objects.select_for_update().get(pk=fund.pk)
    amount = to_yuan(amount, field="amount")
    not_future(committed_on, field="committed_on")
    open_ = fund.size - models.LpCommitment.objects.filter(fund=fund).total()
    if amount > open_:
        refuse(
            "amount",
            msg.LP_COMMITMENTS_EXCEED,
            code="exceeds_size",
            open=format_yuan(max(open_, Decimal(0))),
        )
    if pays_fees is None:
        pays_fees = limited_partner.kind != LpKind.GP
    return saved(
        models.LpCommitment(
            fund=fund,
            limited_partner=limited_partner,
            amount=amount,
            committed_on=committed_on,
            pays_fees=pays_fees,
        )
    )


def callable_amount(fund: models.Fund, on: dt.date | None = None) -> Decimal:
    """What can still be called: the LPs' commitments (by ``on``) less what was called."""
    commitments = models.LpCommitment.objects.filter(fund=fund)
    if on is not None:
        commitments = commitments.filter(committed_on__lte=on)
    called = models.CapitalCallItem.objects.filter(capital_call__fund=fund).total()
    return commitments.total() - called


@attributed
@transaction.atomic
def capital_call_create(
    *,
    fund: models.Fund,
    call_date: dt.date,
    due_date: dt.date,
    amount: Decimal | str | int,
    investments: Decimal | str | int | None = None,
    management_fees: Decimal | str | int = 0,
    expenses: Decimal | str | int = 0,
    note: str = "",
    by: Any = None,
) -> models.CapitalCall:
    """Call capital from the LPs, pro rata to their commitments and rounded to the yuan by
    largest remainder, so the parts add up to the call; never more than is unfunded. The
    purposes (investments, fees, expenses) add up to the amount; when ``investments`` is
    not given it is what the other two leave."""
    fund = models.Fund.objects.select_for_update().get(pk=fund.pk)
    amount = to_yuan(amount, field="amount")
    fees = to_yuan(management_fees, field="management_fees", allow_zero=True)
    costs = to_yuan(expenses, field="expenses", allow_zero=True)
    if investments is None:
        investments = amount - fees - costs
    investments = to_yuan(investments, field="investments", allow_zero=True)
    if investments + fees + costs != amount:
        refuse(
            "amount",
            msg.CALL_PURPOSES,
            code="purposes",
            sum=format_yuan(investments + fees + costs),
            amount=format_yuan(amount),
        )
    not_future(call_date, field="call_date")
    if due_date < call_date:
        refuse("due_date", msg.DUE_BEFORE_CALL, code="due")
    commitments = list(
        models.LpCommitment.objects.filter(fund=fund, committed_on__lte=call_date).order_by(
            "committed_on", "id"
        )
    )
    if not commitments:
        refuse("fund", msg.CALL_NO_LPS, code="no_lps")
    room = callable_amount(fund, call_date)
    if amount > room:
        raise ValidationError(
            {
                "amount": ValidationError(
                    msg.CALL_EXCEEDS,
                    code="over_call",
                    params={"callable": format_yuan(max(room, Decimal(0)))},
                ),
                "callable": ValidationError(
                    str(max(room, Decimal(0)).quantize(Decimal("0.01"))), code="callable"
                ),
            }
        )
    number = (models.CapitalCall.objects.filter(fund=fund).aggregate(n=Max("number"))["n"] or 0) + 1
    call = saved(
        models.CapitalCall(
            fund=fund,
            number=number,
            call_date=call_date,
            due_date=due_date,
            amount=amount,
            investments=investments,
            management_fees=fees,
            expenses=costs,
            note=note,
        )
    )
    parts = fund_accounting.largest_remainder(
        amount, [(c.limited_partner_id, c.amount) for c in commitments]
    )
    for commitment in commitments:
        models.CapitalCallItem.objects.create(
            capital_call=call,
            limited_partner_id=commitment.limited_partner_id,
            amount=parts[commitment.limited_partner_id],
        )
    return call


@attributed
@transaction.atomic
def capital_call_payment_record(
    *,
    capital_call: models.CapitalCall,
    limited_partner: models.LimitedPartner,
    paid_on: dt.date,
    amount: Decimal | str | int,
    by: Any = None,
) -> models.CapitalCallPayment:
    """An LP pays (part of) what a call asks of it; it counts as paid-in from ``paid_on``."""
    item = (
        models.CapitalCallItem.objects.select_for_update()
        .filter(capital_call=capital_call, limited_partner=limited_partner)
        .first()
    )
    if item is None:
        refuse("limited_partner", msg.NOT_IN_CALL, code="not_in_call")
    amount = to_yuan(amount, field="amount")
    not_future(paid_on, field="paid_on")
    if paid_on < capital_call.call_date:
        refuse("paid_on", msg.PAYMENT_BEFORE_CALL, code="before_call", on=capital_call.call_date)
    owed = item.amount - item.payments.total()
    if amount > owed:
        refuse("amount", msg.PAYMENT_EXCEEDS, code="exceeds", owed=format_yuan(owed))
    return saved(models.CapitalCallPayment(item=item, paid_on=paid_on, amount=amount))


@attributed
@transaction.atomic
def call_default_record(
    *,
    item: models.CapitalCallItem,
    noticed_on: dt.date,
    note: str = "",
    by: Any = None,
) -> models.CallDefault:
    """Record that an LP is in default on its part of a call: after the due date, with money
    still owed on ``noticed_on`` (kept as ``outstanding``). Only the event; remedies follow
    the partnership agreement. One record per LP and call."""
    item = (
        models.CapitalCallItem.objects.select_for_update()
        .select_related("capital_call")
        .get(pk=item.pk)
    )
    not_future(noticed_on, field="noticed_on")
    due = item.capital_call.due_date
    if noticed_on <= due:
        refuse("noticed_on", msg.DEFAULT_NOT_LATE, code="not_late", due=due)
    if models.CallDefault.objects.filter(item=item).exists():
        refuse("item", msg.DEFAULT_RECORDED, code="recorded")
    outstanding = item.amount - item.payments.filter(paid_on__lte=noticed_on).total()
    if outstanding <= 0:
        refuse("item", msg.DEFAULT_PAID, code="paid")
    return saved(
        models.CallDefault(item=item, noticed_on=noticed_on, outstanding=outstanding, note=note)
    )


@attributed
@transaction.atomic
def fund_expense_record(
    *,
    fund: models.Fund,
    incurred_on: dt.date,
    amount: Decimal | str | int,
    category: str,
    note: str = "",
    by: Any = None,
) -> models.FundExpense:
    valid_choice(category, ExpenseCategory, field="category")
    amount = to_yuan(amount, field="amount")
    not_future(incurred_on, field="incurred_on")
    return saved(
        models.FundExpense(
            fund=fund, incurred_on=incurred_on, amount=amount, category=category, note=note
        )
    )


@attributed
@transaction.atomic
def lp_distribution_record(
    *,
    fund: models.Fund,
    paid_on: dt.date,
    amount: Decimal | str | int,
    note: str = "",
    by: Any = None,
) -> models.LpDistribution:
    """Pay cash out to the partners; the waterfall splits it (computed on every read).
    Never more than the fund's cash on that date, and in date order (each distribution's
    tiers depend on the ones before)."""
    from portfolio.selectors.lp_report import fund_engine  # reads, not a cycle at import

    fund = models.Fund.objects.select_for_update().get(pk=fund.pk)
    amount = to_yuan(amount, field="amount")
    not_future(paid_on, field="paid_on")
    last = models.LpDistribution.objects.filter(fund=fund).aggregate(last=Max("paid_on"))["last"]
    if last is not None and paid_on < last:
        refuse("paid_on", msg.DISTRIBUTION_ORDER, code="order", last=last)
    cash = fund_engine(fund).cash(paid_on)
    if amount > cash:
        refuse(
            "amount", msg.DISTRIBUTION_CASH, code="cash", cash=format_yuan(max(cash, Decimal(0)))
        )
    distribution = saved(
        models.LpDistribution(fund=fund, paid_on=paid_on, amount=amount, note=note)
    )
    # The notice: each partner's tiers as the waterfall gives them now (reports recompute
    # the same from the events; tests/test_lp_services.py pins the two together).
    [tiers] = [t for dated, t in fund_engine(fund).waterfall() if dated.key == distribution.pk]
    for key, allocation in tiers.items():
        saved(
            models.LpDistributionAllocation(
                distribution=distribution,
                limited_partner_id=None if key == fund_accounting.GP else key,
                return_of_capital=allocation.return_of_capital,
                preferred_return=allocation.preferred_return,
                catch_up=allocation.catch_up,
                split=allocation.split,
                reallocated=allocation.reallocated,
            )
        )
    return distribution


@attributed
@transaction.atomic
def reallocation_rule_set(
    *,
    fund: models.Fund,
    ceding: models.LimitedPartner,
    pct: Decimal | str | int,
    beneficiaries: list[tuple[models.LimitedPartner, Decimal | str | int]],
    applies_to_nav: bool = True,
    by: Any = None,
) -> models.ReallocationRule:
    """Set the fund's 让利 rule (replacing any): ``ceding`` gives ``pct`` % of its tier-4
    share to ``beneficiaries`` by weight. Every party is an LP of the fund."""
    members = set(
        models.LpCommitment.objects.filter(fund=fund).values_list("limited_partner_id", flat=True)
    )
    for field, lp in [("ceding", ceding), *(("beneficiaries", b) for b, _weight in beneficiaries)]:
        if lp.pk not in members:
            refuse(field, msg.NOT_AN_LP, code="not_an_lp", lp=lp)
    if any(b.pk == ceding.pk for b, _weight in beneficiaries):
        refuse("beneficiaries", msg.CEDING_IS_BENEFICIARY, code="self")
    models.ReallocationRule.objects.filter(fund=fund).delete()
    rule = saved(
        models.ReallocationRule(fund=fund, ceding=ceding, pct=pct, applies_to_nav=applies_to_nav)
    )
    for lp, weight in beneficiaries:
        saved(models.ReallocationBeneficiary(rule=rule, limited_partner=lp, weight=weight))
    return rule
