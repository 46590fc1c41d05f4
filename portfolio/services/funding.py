"""Writes on funding rounds: recording and correcting a round with its participants."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Required, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portfolio.audit import attributed
from portfolio.formatting import format_yuan
from portfolio.models import FundingRound, Investor, Participation, Startup
from portfolio.models.choices import AmountPrecision, RoundType
from portfolio.services import messages as msg
from portfolio.services.common import not_future, refuse, to_yuan

# --- rounds -------------------------------------------------------------------------------


class RoundFields(TypedDict, total=False):
    """A round's own figures, as ``round_record`` and ``round_update`` take them (keyword
    arguments; ``ROUND_DEFAULTS`` fills what is not given)."""

    round_type: Required[str]
    closed_on: Required[dt.date]
    amount: Decimal | str | int | None
    amount_precision: str
    announced_as: str
    pre_money_valuation: Decimal | str | int | None
    lead_investor: Investor | None
    participants: Iterable[ParticipantInput | tuple[Investor, Any]]
    note: str
    is_illustrative: bool


ROUND_DEFAULTS: RoundFields = {
    "amount": None,
    "amount_precision": AmountPrecision.EXACT,
    "announced_as": "",
    "pre_money_valuation": None,
    "lead_investor": None,
    "participants": (),
    "note": "",
    "is_illustrative": False,
}
# Saved on the round as given; amount and pre-money valuation are saved as checked.
_STORED_AS_GIVEN = (
    "round_type",
    "closed_on",
    "amount_precision",
    "announced_as",
    "lead_investor",
    "note",
    "is_illustrative",
)


@dataclass(frozen=True)
class ParticipantInput:
    investor: Investor
    amount: Decimal | None = None


@dataclass(frozen=True)
class _CheckedRound:
    amount: Decimal | None
    pre_money_valuation: Decimal | None
    participants: list[ParticipantInput]


def _check_round(fields: RoundFields) -> _CheckedRound:
    """The rules of a round and its participants (shared by recording and correcting)."""
    round_type, amount_precision = fields["round_type"], fields["amount_precision"]
    amount, pre_money_valuation = fields["amount"], fields["pre_money_valuation"]
    lead_investor = fields["lead_investor"]
    if round_type not in RoundType.values:
        raise ValidationError({"round_type": _("Unknown round type.")})
    if amount_precision not in AmountPrecision.values:
        raise ValidationError({"amount_precision": _("Unknown amount precision.")})
    not_future(fields["closed_on"], field="closed_on")
    if amount_precision == AmountPrecision.UNDISCLOSED:
        if amount not in (None, ""):
            raise ValidationError({"amount": msg.ROUND_UNDISCLOSED_AMOUNT})
        amount = None
    else:
        if amount in (None, ""):
            raise ValidationError({"amount": msg.ROUND_AMOUNT_REQUIRED})
        amount = to_yuan(amount, field="amount")
    if pre_money_valuation not in (None, ""):
        pre_money_valuation = to_yuan(
            pre_money_valuation, field="pre_money_valuation", allow_zero=True
        )
    else:
        pre_money_valuation = None

    rows: list[ParticipantInput] = []
    errors: list[ValidationError] = []
    seen: set[int] = set()
    for index, item in enumerate(fields["participants"], start=1):
        row = item if isinstance(item, ParticipantInput) else ParticipantInput(*item)
        if row.investor.pk in seen:
            errors.append(
                ValidationError(
                    msg.PARTICIPANT_DUPLICATE,
                    code="duplicate",
                    params={"index": index, "investor": row.investor},
                )
            )
            continue
        seen.add(row.investor.pk)
        value = None
        if row.amount not in (None, ""):
            try:
                value = to_yuan(row.amount, field="participants")
            except ValidationError:
                errors.append(
                    ValidationError(msg.PARTICIPANT_AMOUNT, code="amount", params={"index": index})
                )
                continue
        rows.append(ParticipantInput(row.investor, value))
    if errors:
        raise ValidationError({"participants": errors})
    known = sum((row.amount for row in rows if row.amount is not None), Decimal("0"))
    if amount is not None and known > amount:
        refuse(
            "participants",
            msg.PARTICIPANTS_EXCEED,
            "exceeds_round",
            total=format_yuan(known),
            amount=format_yuan(amount),
        )
    if lead_investor is not None and lead_investor.pk not in seen:
        rows.insert(0, ParticipantInput(lead_investor, None))
    return _CheckedRound(amount, pre_money_valuation, rows)


def _write_round(funding_round: FundingRound, **given: Unpack[RoundFields]) -> FundingRound:
    """Check a round's figures, save them, and make its participants the checked list:
    listed investors are added or their amounts updated, unlisted ones removed. One by one
    (a round has a handful) so each row gets its history record; bulk writes would skip it."""
    if unknown := given.keys() - RoundFields.__annotations__.keys():
        raise TypeError(f"unknown round fields: {', '.join(sorted(unknown))}")
    fields: RoundFields = {**ROUND_DEFAULTS, **given}
    checked = _check_round(fields)
    for name in _STORED_AS_GIVEN:
        setattr(funding_round, name, fields[name])
    funding_round.amount = checked.amount
    funding_round.pre_money_valuation = checked.pre_money_valuation
    funding_round.full_clean()
    funding_round.save()
    current = {p.investor_id: p for p in funding_round.participations.all()}
    wanted = {row.investor.pk: row for row in checked.participants}
    for investor_id, participation in current.items():
        if investor_id not in wanted:
            participation.delete()
    for investor_id, row in wanted.items():
        participation = current.get(investor_id)
        if participation is None:
            Participation.objects.create(
                funding_round=funding_round, investor=row.investor, amount=row.amount
            )
        elif participation.amount != row.amount:
            participation.amount = row.amount
            participation.save(update_fields=["amount"])
    return funding_round


@attributed
@transaction.atomic
def round_record(
    *, startup: Startup, by: Any = None, **fields: Unpack[RoundFields]
) -> FundingRound:
    """Record a round with its participants, all or nothing.

    An undisclosed round has no amount; otherwise the amount is positive. Participants'
    known amounts are positive and add up to no more than the round. The lead investor is a
    participant (added without an amount when not listed).
    """
    return _write_round(FundingRound(startup=startup), **fields)


# --- admin (issue 3): correcting a recorded round ---------------------------------------


@attributed
@transaction.atomic
def round_update(
    *, funding_round: FundingRound, by: Any = None, **fields: Unpack[RoundFields]
) -> FundingRound:
    """Correct a recorded round and its participants under the same rules as recording.

    ``participants`` is the full new list: listed investors are added or their amounts
    updated, unlisted ones are removed (callers decide who may remove). The startup stays:
    the fund's disbursements into the round are tied to it.
    """
    locked = FundingRound.objects.select_for_update().get(pk=funding_round.pk)
    return _write_round(locked, **fields)
