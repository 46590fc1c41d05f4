"""Writes on the fund: commitments, disbursements, valuation marks, distributions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from portfolio import metrics
from portfolio.audit import attributed
from portfolio.formatting import format_yuan
from portfolio.models import (
    Commitment,
    Disbursement,
    Distribution,
    Fund,
    FundingRound,
    Milestone,
    Startup,
    Tranche,
    ValuationMark,
    specs,
)
from portfolio.models.choices import (
    ENDING_DISTRIBUTION_KINDS,
    CommitmentStatus,
    DistributionKind,
    StartupStatus,
    ValuationMethod,
)
from portfolio.services import messages as msg
from portfolio.services.common import (
    author,
    each_or_none,
    not_future,
    refuse,
    saved,
    since_approval,
    to_yuan,
    today,
    valid_choice,
)

#: the fund's own fields a change may name; FUND_TERMS need ``portfolio.change_fund_terms``
FUND_UPDATABLE = frozenset((*specs.FUND_DETAILS, *specs.FUND_TERMS))
TERMS_PERMISSION = "portfolio.change_fund_terms"


# --- the fund -----------------------------------------------------------------------------


@attributed
@transaction.atomic
def fund_update(*, fund: Fund, by: Any = None, **fields: Any) -> Fund:
    """Change a fund's own settings.

    Its size, policy limits and terms (``specs.FUND_TERMS``) are what every commitment is
    checked against, so changing them needs ``portfolio.change_fund_terms`` (superusers);
    ``by=None`` is the command line, trusted like the database itself. The fund row is
    locked as ``commitment_create`` locks it, so the size is never lowered below what is
    committed, even by a commitment made at the same moment.
    """
    unknown = set(fields) - FUND_UPDATABLE
    if unknown:
        raise ValidationError({name: msg.FIELD_NOT_EDITABLE for name in sorted(unknown)})
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    terms = sorted(
        name for name in specs.FUND_TERMS if name in fields and fields[name] != getattr(fund, name)
    )
    if terms and by is not None and not by.has_perm(TERMS_PERMISSION):
        raise PermissionDenied(msg.TERMS_PERMISSION % {"fields": ", ".join(terms)})
    if "size" in terms:
        size = to_yuan(fields["size"], field="size")
        committed = fund_committed(fund)
        if size < committed:
            refuse(
                "size",
                msg.SIZE_BELOW_COMMITTED,
                code="below_committed",
                committed=format_yuan(committed),
            )
        fields["size"] = size
    for name, value in fields.items():
        setattr(fund, name, value)
    return saved(fund)


@attributed
@transaction.atomic
def fund_create(*, by: Any = None, **fields: Any) -> Fund:
    """A new fund with its settings, size, policy limits and LP terms. The size, limits and
    terms are what commitments are checked against, so creating a fund needs
    ``portfolio.change_fund_terms`` (superusers), as changing them does."""
    unknown = set(fields) - FUND_UPDATABLE
    if unknown:
        raise ValidationError({name: msg.FIELD_NOT_EDITABLE for name in sorted(unknown)})
    if by is not None and not by.has_perm(TERMS_PERMISSION):
        terms = sorted(set(fields) & set(specs.FUND_TERMS)) or ["size"]
        raise PermissionDenied(msg.TERMS_PERMISSION % {"fields": ", ".join(terms)})
    if "size" in fields:
        fields["size"] = to_yuan(fields["size"], field="size")
    return saved(Fund(**fields))


def fund_committed(fund: Fund, *, startup: Startup | None = None) -> Decimal:
    """The fund's committed capital (``Commitment.objects.live()``), optionally in one
    startup: what the capacity and one-company checks count against."""
    live = Commitment.objects.live().filter(fund=fund)
    if startup is not None:
        live = live.filter(startup=startup)
    return live.total()


@attributed
@transaction.atomic
def commitment_create(
    *,
    fund: Fund,
    startup: Startup,
    amount: Decimal | str | int,
    approved_on: dt.date,
    note: str = "",
    is_illustrative: bool = False,
    by: Any = None,
) -> Commitment:
    """Commit the fund to a startup, never above the fund's size or its one-company limit.

    The fund row is locked (PostgreSQL ``SELECT ... FOR UPDATE``; on SQLite the IMMEDIATE
    transaction already holds the database's write lock), so concurrent commitments are
    checked one after another against the same total.

    The startup's registered region is kept on the commitment as it is now: the fund's
    local share (返投比例) counts the commitment by where the company was registered when
    the fund committed, whatever it moves to later.
    """
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    amount = to_yuan(amount, field="amount")
    not_future(approved_on, field="approved_on")
    if fund.investment_period_end and approved_on > fund.investment_period_end:
        refuse(
            "approved_on",
            msg.INVESTMENT_PERIOD,
            code="investment_period",
            end=fund.investment_period_end,
        )
    if startup.status == StartupStatus.CLOSED:
        refuse("startup", msg.STARTUP_CLOSED, code="closed")
    available = metrics.available(size=fund.size, committed=fund_committed(fund))
    if amount > available:
        refuse(
            "amount",
            msg.FUND_CAPACITY,
            code="capacity",
            available=format_yuan(max(available, Decimal("0"))),
        )
    limit = (fund.size * fund.max_single_company_pct / 100).quantize(Decimal("0.01"))
    room = limit - fund_committed(fund, startup=startup)
    if amount > room:
        refuse(
            "amount",
            msg.SINGLE_COMPANY_LIMIT,
            code="single_company_limit",
            pct=format(fund.max_single_company_pct.normalize(), "f"),
            room=format_yuan(max(room, Decimal("0"))),
        )
    return saved(
        Commitment(
            fund=fund,
            startup=startup,
            amount=amount,
            approved_on=approved_on,
            note=note,
            registered_region=Startup.objects.values_list("registered_region", flat=True).get(
                pk=startup.pk
            ),
            is_illustrative=bool(is_illustrative),
            created_by=author(by),
        )
    )


@attributed
@transaction.atomic
def commitment_cancel(*, commitment: Commitment, by: Any = None) -> Commitment:
    """Cancel a commitment on which nothing was paid; it stops counting against the size."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    paid = commitment.disbursements.total()
    if paid:
        raise ValidationError(
            ValidationError(
                msg.COMMITMENT_HAS_DISBURSEMENTS,
                code="has_disbursements",
                params={"paid": format_yuan(paid)},
            )
        )
    commitment.status = CommitmentStatus.CANCELLED
    commitment.save(update_fields=["status"])
    return commitment


@attributed
@transaction.atomic
def commitment_cancel_many(
    *, commitments: Iterable[Commitment], by: Any = None
) -> list[Commitment]:
    """Cancel every commitment under ``commitment_cancel``'s rule, all or none; a refusal
    names its commitment (``%(row)s: %(message)s``)."""
    return each_or_none(
        commitments, lambda commitment: commitment_cancel(commitment=commitment, by=by)
    )


def holding_end(fund: Fund | int, startup: Startup | int) -> Distribution | None:
    """The exit or write-off that ended the fund's holding in ``startup``, or None while it
    is open (at most one: ``distribution_one_end_per_holding``)."""
    return (
        Distribution.objects.filter(fund=fund, startup=startup, kind__in=ENDING_DISTRIBUTION_KINDS)
        .order_by("paid_on")
        .first()
    )


def _ended(end: Distribution) -> dict[str, Any]:
    """The message parameters that say when and how a holding ended."""
    return {"on": end.paid_on, "kind": end.get_kind_display()}


def _live_commitment(commitment: Commitment, amount: Any) -> tuple[Commitment, Decimal]:
    """For a payment or a tranche against ``commitment``: the fund's row locked, then the
    commitment's (read again), ``amount`` in yuan; refused unless the commitment is live."""
    Fund.objects.select_for_update().get(pk=commitment.fund_id)
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    amount = to_yuan(amount, field="amount")
    if commitment.status != CommitmentStatus.APPROVED:
        refuse("commitment", msg.COMMITMENT_NOT_LIVE, code="not_live")
    return commitment, amount


def _within(amount: Decimal, remaining: Decimal, message: Any, code: str) -> None:
    """Refuse ``amount`` above what is ``remaining`` (the message says how much)."""
    if amount > remaining:
        refuse("amount", message, code=code, remaining=format_yuan(remaining))


@attributed
@transaction.atomic
def disbursement_record(
    *,
    commitment: Commitment,
    amount: Decimal | str | int,
    paid_on: dt.date,
    funding_round: FundingRound | None = None,
    note: str = "",
    ownership_pct: Decimal | str | None = None,
    tranche: Tranche | None = None,
    by: Any = None,
) -> Disbursement:
    """Pay cash against a live commitment: never more than what is not yet paid, not before
    the approval, into a round of the commitment's own startup, and never after the holding
    ended (an exit or write-off). ``ownership_pct``: the stake the payment bought (after the
    round), when known; empty, the policy pack derives it from the round
    (``selectors.fund_policy``).

    The fund's row is locked first, as every write on the fund's money locks it (the
    commitments, the company distributions, the LP calls and distributions), then the
    commitment's: two payments at once are checked one after the other against what is
    left, and a payment cannot slip past an exit recorded at the same moment.

    ``tranche``: a tranche of the same commitment; refused while its milestone is not
    verified (the message names the milestone) and for more than the tranche has left.
    """
    commitment, amount = _live_commitment(commitment, amount)
    since_approval(
        commitment, paid_on, "paid_on", msg.DISBURSEMENT_BEFORE_APPROVAL, "before_approval"
    )
    end = holding_end(commitment.fund_id, commitment.startup_id)
    if end is not None and paid_on > end.paid_on:
        refuse("paid_on", msg.PAYMENT_AFTER_END, code="holding_ended", **_ended(end))
    if funding_round is not None and funding_round.startup_id != commitment.startup_id:
        refuse("funding_round", msg.ROUND_OTHER_STARTUP, code="other_startup")
    remaining = commitment.amount - commitment.disbursements.total()
    _within(amount, remaining, msg.DISBURSEMENT_EXCEEDS, "exceeds_commitment")
    if tranche is not None:
        _check_tranche(commitment, tranche, amount)
    return saved(
        Disbursement(
            tranche=tranche,
            commitment=commitment,
            amount=amount,
            paid_on=paid_on,
            funding_round=funding_round,
            note=note,
            ownership_pct=ownership_pct if ownership_pct not in ("", None) else None,
        )
    )


def _check_tranche(commitment: Commitment, tranche: Tranche, amount: Decimal) -> None:
    """A payment against ``tranche``: of the same commitment, its milestone verified, no more
    than the tranche has left (the caller holds the fund's lock)."""
    tranche = Tranche.objects.select_related("milestone").get(pk=tranche.pk)
    if tranche.commitment_id != commitment.pk:
        refuse("tranche", msg.TRANCHE_OTHER_COMMITMENT, code="other_commitment")
    milestone = tranche.milestone
    if milestone is not None and milestone.verified_on is None:
        refuse(
            "tranche",
            msg.TRANCHE_MILESTONE_NOT_VERIFIED,
            code="milestone_not_verified",
            milestone_id=milestone.pk,
            milestone=milestone.title,
        )
    remaining = tranche.amount - tranche.disbursements.total()
    _within(amount, remaining, msg.TRANCHE_EXCEEDS, "exceeds_tranche")


@attributed
@transaction.atomic
def tranche_create(
    *,
    commitment: Commitment,
    amount: Decimal | str | int,
    due_by: dt.date,
    milestone: Milestone | None = None,
    note: str = "",
    by: Any = None,
) -> Tranche:
    """Plan a part of a live commitment: at most what the commitment's other tranches leave,
    optionally conditioned on a milestone of the commitment's startup. The fund's row is
    locked first, so two tranches planned at once are checked one after the other."""
    commitment, amount = _live_commitment(commitment, amount)
    if milestone is not None and milestone.startup_id != commitment.startup_id:
        refuse("milestone", msg.TRANCHE_MILESTONE_OTHER_STARTUP, code="other_startup")
    remaining = commitment.amount - commitment.tranches.total()
    _within(amount, remaining, msg.TRANCHES_EXCEED, "exceeds_commitment")
    return saved(
        Tranche(commitment=commitment, amount=amount, due_by=due_by, milestone=milestone, note=note)
    )


@attributed
@transaction.atomic
def milestone_verify(
    *, milestone: Milestone, on: dt.date | None = None, by: Any = None
) -> Milestone:
    """Staff verify a milestone (``verified_on``, ``verified_by``): the tranches conditioned
    on it can then be paid. Not in the future; a second verification is refused.

    Needs at least one evidence file (``services.evidence_add``): else refused on
    ``evidence``.
    """
    if by is None or not getattr(by, "is_authenticated", False):
        refuse("verified_by", msg.MILESTONE_VERIFIER_NEEDED, code="required")
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    on = on or today()
    not_future(on, field="verified_on")
    if milestone.verified_on is not None:
        refuse(
            "verified_on", msg.MILESTONE_ALREADY_VERIFIED, code="already", on=milestone.verified_on
        )
    if not milestone.evidence.exists():
        refuse("evidence", msg.EVIDENCE_NEEDED, code="required")
    milestone.verified_on = on
    milestone.verified_by = by
    milestone.full_clean()
    milestone.save(update_fields=["verified_on", "verified_by"])
    return milestone


@attributed
@transaction.atomic
def milestone_verify_many(*, milestones: Iterable[Milestone], by: Any = None) -> list[Milestone]:
    """Verify every milestone today under ``milestone_verify``'s rule, all or none; a refusal
    names its milestone."""
    return each_or_none(milestones, lambda milestone: milestone_verify(milestone=milestone, by=by))


@attributed
@transaction.atomic
def valuation_mark(
    *,
    fund: Fund,
    startup: Startup,
    as_of: dt.date,
    fair_value: Decimal | str | int,
    method: str = ValuationMethod.OTHER,
    note: str = "",
    by: Any = None,
) -> ValuationMark:
    """Mark the fund's holding in a startup to fair value (replaces a mark of the same day).

    Refused after the holding ended (an exit or write-off: its fair value is 0 from that
    date), and above 0 on the day it ended. The fund's row is locked, so a mark and an exit
    recorded at the same moment are checked one after the other.
    """
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    valid_choice(method, ValuationMethod, field="method", message=msg.UNKNOWN_METHOD)
    fair_value = to_yuan(fair_value, field="fair_value", allow_zero=True)
    not_future(as_of, field="as_of")
    if not Commitment.objects.filter(fund=fund, startup=startup).exists():
        refuse("startup", msg.NOT_A_HOLDING, code="not_held")
    end = holding_end(fund, startup)
    if end is not None and as_of > end.paid_on:
        refuse("as_of", msg.MARK_AFTER_END, code="holding_ended", **_ended(end))
    if end is not None and as_of == end.paid_on and fair_value > 0:
        refuse(
            "fair_value",
            msg.MARK_ON_END_NOT_ZERO,
            code="holding_ended",
            kind=end.get_kind_display(),
        )
    mark, _created = ValuationMark.objects.update_or_create(
        fund=fund,
        startup=startup,
        as_of=as_of,
        defaults={"fair_value": fair_value, "method": method, "note": note},
    )
    return mark


@attributed
@transaction.atomic
def distribution_record(
    *,
    fund: Fund,
    startup: Startup,
    paid_on: dt.date,
    amount: Decimal | str | int,
    kind: str = DistributionKind.EXIT,
    note: str = "",
    by: Any = None,
) -> Distribution:
    """Record cash returned to the fund by a holding it had paid into.

    An exit or a write-off ends the holding: once (a second one is refused, naming
    ``kind``), and only after its last payment and mark (naming ``paid_on``); a write-off
    may bring nothing back (amount 0), every other kind brings a positive amount. A dividend
    or other proceeds leave the holding open, and may also come after its end (an escrow
    released after an exit). The fund's row is locked, as for the payments and marks.
    """
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    valid_choice(kind, DistributionKind, field="kind", message=msg.UNKNOWN_KIND)
    amount = to_yuan(amount, field="amount", allow_zero=kind == DistributionKind.WRITE_OFF)
    not_future(paid_on, field="paid_on")
    if not Disbursement.objects.filter(
        commitment__fund=fund, commitment__startup=startup, paid_on__lte=paid_on
    ).exists():
        refuse("startup", msg.NO_CASH_IN, code="no_cash_in")
    if kind in ENDING_DISTRIBUTION_KINDS:
        _check_end(fund, startup, paid_on)
    return saved(
        Distribution(
            fund=fund, startup=startup, paid_on=paid_on, amount=amount, kind=kind, note=note
        )
    )


def _check_end(fund: Fund, startup: Startup, paid_on: dt.date) -> None:
    """An exit or write-off on ``paid_on`` may end the holding: it has not ended yet, and
    nothing paid into it or marked above 0 comes on or after that date (payments on the
    day count before it)."""
    end = holding_end(fund, startup)
    if end is not None:
        refuse("kind", msg.ALREADY_ENDED, code="holding_ended", **_ended(end))
    later_payment = (
        Disbursement.objects.filter(
            commitment__fund=fund, commitment__startup=startup, paid_on__gt=paid_on
        )
        .order_by("-paid_on")
        .values_list("paid_on", flat=True)
        .first()
    )
    if later_payment is not None:
        refuse("paid_on", msg.END_BEFORE_PAYMENT, code="before_payment", on=later_payment)
    later_mark = (
        ValuationMark.objects.filter(fund=fund, startup=startup)
        .filter(Q(as_of__gt=paid_on) | Q(as_of=paid_on, fair_value__gt=0))
        .order_by("-as_of")
        .values_list("as_of", "fair_value")
        .first()
    )
    if later_mark is not None:
        refuse(
            "paid_on",
            msg.END_BEFORE_MARK,
            code="before_mark",
            on=later_mark[0],
            value=format_yuan(later_mark[1]),
        )
