"""Every write with a rule behind it. One function per write, each atomic.

Services take keyword-only arguments, return the instance they wrote, and raise
``django.core.exceptions.ValidationError`` keyed by field on refusal; a refusal writes
nothing. The admin, the API and management commands all call these functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portfolio.audit import attributed
from portfolio.choices import (
    AmountPrecision,
    CommitmentStatus,
    DistributionKind,
    RoundType,
    StageOutcome,
    StartupStatus,
)
from portfolio.metrics import format_yuan
from portfolio.models import (
    Commitment,
    Disbursement,
    Distribution,
    Fund,
    FundingRound,
    Investor,
    Participation,
    Stage,
    StageTransition,
    Startup,
    ValuationMark,
)

MAX_YUAN = Decimal("99999999999999.99")  # 16 digits, 2 decimals

# Error texts are constants so tests and clients can match them.
MSG_MONEY_INVALID = _("Enter an amount in yuan, e.g. 3000000.00.")
MSG_MONEY_PLACES = _("An amount in yuan has at most two decimal places.")
MSG_MONEY_TOO_LARGE = _("This amount is too large (at most 99,999,999,999,999.99 yuan).")
MSG_MONEY_POSITIVE = _("The amount must be greater than zero.")
MSG_MONEY_NON_NEGATIVE = _("The amount cannot be negative.")
MSG_DATE_FUTURE = _("This date is in the future; record what has happened.")
MSG_TRL_RANGE = _("TRL must be a whole number from 1 to 9.")

MSG_SAME_STAGE = _("The startup is already in this stage.")
MSG_FROM_TERMINAL = _("The startup has reached a terminal outcome (%(stage)s) and cannot move.")
MSG_BEFORE_LAST_MOVE = _("The date is before the startup's last move (%(last)s).")

MSG_ROUND_UNDISCLOSED_AMOUNT = _("Leave the amount empty for an undisclosed round.")
MSG_ROUND_AMOUNT_REQUIRED = _("The amount must be positive unless the round is undisclosed.")
MSG_PARTICIPANT_DUPLICATE = _("Participant %(index)d: %(investor)s is listed twice.")
MSG_PARTICIPANT_AMOUNT = _("Participant %(index)d: the amount must be positive.")
MSG_PARTICIPANTS_EXCEED = _(
    "The participants' amounts add up to %(total)s, more than the round's %(amount)s."
)

MSG_FUND_CAPACITY = _(
    "This commitment would take the fund above its size: %(available)s is still available."
)
MSG_SINGLE_COMPANY_LIMIT = _(
    "This commitment breaks the fund's limit of %(pct)s%% in one company: at most %(room)s "
    "more can be committed to this startup."
)
MSG_INVESTMENT_PERIOD = _("The fund's investment period ended on %(end)s.")
MSG_STARTUP_CLOSED = _("The startup is closed; the fund cannot commit to it.")
MSG_COMMITMENT_NOT_LIVE = _("This commitment is cancelled; nothing can be paid against it.")
MSG_COMMITMENT_HAS_DISBURSEMENTS = _(
    "This commitment has disbursements (%(paid)s) and cannot be cancelled."
)
MSG_DISBURSEMENT_EXCEEDS = _(
    "This payment is more than the commitment not yet paid: %(remaining)s remains."
)
MSG_DISBURSEMENT_BEFORE_APPROVAL = _("A payment cannot precede the commitment's approval (%(on)s).")
MSG_ROUND_OTHER_STARTUP = _("This round belongs to another startup than the commitment.")
MSG_NOT_A_HOLDING = _("The fund has no commitment to this startup.")
MSG_NO_CASH_IN = _("The fund had paid nothing into this startup by this date.")


def today() -> dt.date:
    """Today in the project's time zone (Asia/Shanghai)."""
    return timezone.localdate()


def to_yuan(value: Any, *, field: str, allow_zero: bool = False) -> Decimal:
    """Coerce ``value`` to a Decimal yuan amount or raise a ValidationError on ``field``."""
    if isinstance(value, bool) or value is None:
        raise ValidationError({field: ValidationError(MSG_MONEY_INVALID, code="invalid")})
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: ValidationError(MSG_MONEY_INVALID, code="invalid")}) from None
    if not amount.is_finite():
        raise ValidationError({field: ValidationError(MSG_MONEY_INVALID, code="invalid")})
    # Size first: quantizing 1e30 to cents overflows Decimal's precision (InvalidOperation).
    if abs(amount) > MAX_YUAN:
        raise ValidationError({field: ValidationError(MSG_MONEY_TOO_LARGE, code="max_value")})
    if amount != amount.quantize(Decimal("0.01"), rounding="ROUND_DOWN"):
        raise ValidationError({field: ValidationError(MSG_MONEY_PLACES, code="decimal_places")})
    if allow_zero and amount < 0:
        raise ValidationError({field: ValidationError(MSG_MONEY_NON_NEGATIVE, code="min_value")})
    if not allow_zero and amount <= 0:
        raise ValidationError({field: ValidationError(MSG_MONEY_POSITIVE, code="min_value")})
    return amount.quantize(Decimal("0.01"))


def _not_future(on: dt.date, *, field: str) -> None:
    if on > today():
        raise ValidationError({field: ValidationError(MSG_DATE_FUTURE, code="future")})


def _dates_not_future(fields: dict[str, Any], names=("founded_on", "admitted_on")) -> None:
    """A startup's founding and admission have happened (a year-9999 date is a typo)."""
    for name in names:
        value = fields.get(name)
        if isinstance(value, dt.date):
            _not_future(value, field=name)


def _trl(value: Any, *, field: str = "trl") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 9:
        raise ValidationError({field: ValidationError(MSG_TRL_RANGE, code="trl")})
    return value


def _post_valley_order() -> int | None:
    """Order of the last valley stage; reaching a later pipeline stage crosses the valley."""
    last = Stage.objects.pipeline().valley().order_by("-order").values_list("order", flat=True)
    return last.first()


def _crosses_valley(stage: Stage) -> bool:
    last_valley = _post_valley_order()
    return last_valley is not None and not stage.outcome and stage.order > last_valley


# --- the pipeline -------------------------------------------------------------------------


@attributed
@transaction.atomic
def startup_create(
    *,
    name: str,
    tech_area: str,
    stage: Stage,
    trl: int,
    entered_on: dt.date | None = None,
    by: Any = None,
    **fields: Any,
) -> Startup:
    """Create a startup in ``stage`` and record its first transition (from nowhere)."""
    trl = _trl(trl)
    if stage.is_terminal:
        raise ValidationError({"stage": _("A new startup cannot start in a terminal outcome.")})
    _dates_not_future(fields)
    entered_on = entered_on or fields.get("admitted_on") or today()
    _not_future(entered_on, field="entered_on")
    startup = Startup(name=name, tech_area=tech_area, stage=stage, trl=trl, **fields)
    startup.stage_entered_on = entered_on
    if _crosses_valley(stage):
        startup.crossed_valley_on = entered_on
    startup.full_clean()
    startup.save()
    StageTransition.objects.create(
        startup=startup, from_stage=None, to_stage=stage, on=entered_on, trl=trl, recorded_by=by
    )
    return startup


@attributed
@transaction.atomic
def startup_advance(
    *,
    startup: Startup,
    to_stage: Stage,
    on: dt.date,
    trl: int,
    note: str = "",
    by: Any = None,
) -> StageTransition:
    """Move ``startup`` to ``to_stage``. The startup's current stage follows the transition."""
    # Lock the row so two people moving the same startup at once serialize.
    startup = Startup.objects.select_for_update().select_related("stage").get(pk=startup.pk)
    trl = _trl(trl)
    if startup.stage.is_terminal:
        raise ValidationError(
            {
                "to_stage": ValidationError(
                    MSG_FROM_TERMINAL, code="terminal", params={"stage": startup.stage}
                )
            }
        )
    if to_stage.pk == startup.stage_id:
        raise ValidationError({"to_stage": ValidationError(MSG_SAME_STAGE, code="same_stage")})
    _not_future(on, field="on")
    last_on = (
        StageTransition.objects.filter(startup=startup)
        .order_by("-on", "-id")
        .values_list("on", flat=True)
        .first()
    )
    if last_on is not None and on < last_on:
        raise ValidationError(
            {
                "on": ValidationError(
                    MSG_BEFORE_LAST_MOVE, code="before_last_move", params={"last": last_on}
                )
            }
        )
    transition = StageTransition.objects.create(
        startup=startup,
        from_stage=startup.stage,
        to_stage=to_stage,
        on=on,
        trl=trl,
        note=note,
        recorded_by=by,
    )
    startup.stage = to_stage
    startup.trl = trl
    startup.stage_entered_on = on
    if to_stage.outcome == StageOutcome.EXITED:
        startup.status = StartupStatus.EXITED
    elif to_stage.outcome == StageOutcome.CLOSED:
        startup.status = StartupStatus.CLOSED
    if startup.crossed_valley_on is None and _crosses_valley(to_stage):
        startup.crossed_valley_on = on
    startup.save(
        update_fields=[
            "stage",
            "trl",
            "stage_entered_on",
            "status",
            "crossed_valley_on",
            "updated_at",
        ]
    )
    return transition


# --- rounds -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantInput:
    investor: Investor
    amount: Decimal | None = None


@dataclass(frozen=True)
class _CheckedRound:
    amount: Decimal | None
    pre_money_valuation: Decimal | None
    participants: list[ParticipantInput]


def _check_round(
    *,
    round_type: str,
    closed_on: dt.date,
    amount: Decimal | str | int | None,
    amount_precision: str,
    pre_money_valuation: Decimal | str | int | None,
    lead_investor: Investor | None,
    participants: Iterable[ParticipantInput | tuple[Investor, Any]],
) -> _CheckedRound:
    """The rules of a round and its participants (shared by recording and correcting)."""
    if round_type not in RoundType.values:
        raise ValidationError({"round_type": _("Unknown round type.")})
    if amount_precision not in AmountPrecision.values:
        raise ValidationError({"amount_precision": _("Unknown amount precision.")})
    _not_future(closed_on, field="closed_on")
    if amount_precision == AmountPrecision.UNDISCLOSED:
        if amount not in (None, ""):
            raise ValidationError({"amount": MSG_ROUND_UNDISCLOSED_AMOUNT})
        amount = None
    else:
        if amount in (None, ""):
            raise ValidationError({"amount": MSG_ROUND_AMOUNT_REQUIRED})
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
    for index, item in enumerate(participants, start=1):
        row = item if isinstance(item, ParticipantInput) else ParticipantInput(*item)
        if row.investor.pk in seen:
            errors.append(
                ValidationError(
                    MSG_PARTICIPANT_DUPLICATE,
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
                    ValidationError(MSG_PARTICIPANT_AMOUNT, code="amount", params={"index": index})
                )
                continue
        rows.append(ParticipantInput(row.investor, value))
    if errors:
        raise ValidationError({"participants": errors})
    known = sum((row.amount for row in rows if row.amount is not None), Decimal("0"))
    if amount is not None and known > amount:
        raise ValidationError(
            {
                "participants": ValidationError(
                    MSG_PARTICIPANTS_EXCEED,
                    code="exceeds_round",
                    params={"total": format_yuan(known), "amount": format_yuan(amount)},
                )
            }
        )
    if lead_investor is not None and lead_investor.pk not in seen:
        rows.insert(0, ParticipantInput(lead_investor, None))
    return _CheckedRound(amount, pre_money_valuation, rows)


@attributed
@transaction.atomic
def round_record(
    *,
    startup: Startup,
    round_type: str,
    closed_on: dt.date,
    amount: Decimal | str | int | None = None,
    amount_precision: str = AmountPrecision.EXACT,
    announced_as: str = "",
    pre_money_valuation: Decimal | str | int | None = None,
    lead_investor: Investor | None = None,
    participants: Iterable[ParticipantInput | tuple[Investor, Any]] = (),
    note: str = "",
    by: Any = None,
) -> FundingRound:
    """Record a round with its participants, all or nothing.

    An undisclosed round has no amount; otherwise the amount is positive. Participants'
    known amounts are positive and add up to no more than the round. The lead investor is a
    participant (added without an amount when not listed).
    """
    checked = _check_round(
        round_type=round_type,
        closed_on=closed_on,
        amount=amount,
        amount_precision=amount_precision,
        pre_money_valuation=pre_money_valuation,
        lead_investor=lead_investor,
        participants=participants,
    )
    funding_round = FundingRound(
        startup=startup,
        round_type=round_type,
        closed_on=closed_on,
        amount=checked.amount,
        amount_precision=amount_precision,
        announced_as=announced_as,
        pre_money_valuation=checked.pre_money_valuation,
        lead_investor=lead_investor,
        note=note,
    )
    funding_round.full_clean()
    funding_round.save()
    # One by one (a round has a handful of participants) so each row gets its history record
    # with the request's user; bulk_create would skip the audit trail.
    for row in checked.participants:
        Participation.objects.create(
            funding_round=funding_round, investor=row.investor, amount=row.amount
        )
    return funding_round


# --- the fund -----------------------------------------------------------------------------


def fund_committed(fund: Fund, *, startup: Startup | None = None) -> Decimal:
    """Sum of the fund's live commitments (optionally to one startup)."""
    live = Commitment.objects.filter(fund=fund, status=CommitmentStatus.APPROVED)
    if startup is not None:
        live = live.filter(startup=startup)
    return live.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


@attributed
@transaction.atomic
def commitment_create(
    *,
    fund: Fund,
    startup: Startup,
    amount: Decimal | str | int,
    approved_on: dt.date,
    note: str = "",
    by: Any = None,
) -> Commitment:
    """Commit the fund to a startup, never above the fund's size or its one-company limit.

    The fund row is locked (PostgreSQL ``SELECT ... FOR UPDATE``; on SQLite the IMMEDIATE
    transaction already holds the database's write lock), so concurrent commitments are
    checked one after another against the same total.
    """
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    amount = to_yuan(amount, field="amount")
    _not_future(approved_on, field="approved_on")
    if fund.investment_period_end and approved_on > fund.investment_period_end:
        raise ValidationError(
            {
                "approved_on": ValidationError(
                    MSG_INVESTMENT_PERIOD,
                    code="investment_period",
                    params={"end": fund.investment_period_end},
                )
            }
        )
    if startup.status == StartupStatus.CLOSED:
        raise ValidationError({"startup": ValidationError(MSG_STARTUP_CLOSED, code="closed")})
    available = fund.size - fund_committed(fund)
    if amount > available:
        raise ValidationError(
            {
                "amount": ValidationError(
                    MSG_FUND_CAPACITY,
                    code="capacity",
                    params={"available": format_yuan(max(available, Decimal("0")))},
                )
            }
        )
    limit = (fund.size * fund.max_single_company_pct / 100).quantize(Decimal("0.01"))
    room = limit - fund_committed(fund, startup=startup)
    if amount > room:
        raise ValidationError(
            {
                "amount": ValidationError(
                    MSG_SINGLE_COMPANY_LIMIT,
                    code="single_company_limit",
                    params={
                        "pct": format(fund.max_single_company_pct.normalize(), "f"),
                        "room": format_yuan(max(room, Decimal("0"))),
                    },
                )
            }
        )
    commitment = Commitment(
        fund=fund,
        startup=startup,
        amount=amount,
        approved_on=approved_on,
        note=note,
        created_by=by if getattr(by, "pk", None) else None,
    )
    commitment.full_clean()
    commitment.save()
    return commitment


@attributed
@transaction.atomic
def commitment_cancel(*, commitment: Commitment, by: Any = None) -> Commitment:
    """Cancel a commitment on which nothing was paid; it stops counting against the size."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    paid = commitment.disbursements.aggregate(total=Sum("amount"))["total"]
    if paid:
        raise ValidationError(
            ValidationError(
                MSG_COMMITMENT_HAS_DISBURSEMENTS,
                code="has_disbursements",
                params={"paid": format_yuan(paid)},
            )
        )
    commitment.status = CommitmentStatus.CANCELLED
    commitment.save(update_fields=["status"])
    return commitment


@attributed
@transaction.atomic
def disbursement_record(
    *,
    commitment: Commitment,
    amount: Decimal | str | int,
    paid_on: dt.date,
    funding_round: FundingRound | None = None,
    note: str = "",
    by: Any = None,
) -> Disbursement:
    """Pay cash against a live commitment, never more than what is not yet paid."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    amount = to_yuan(amount, field="amount")
    if commitment.status != CommitmentStatus.APPROVED:
        raise ValidationError(
            {"commitment": ValidationError(MSG_COMMITMENT_NOT_LIVE, code="not_live")}
        )
    _not_future(paid_on, field="paid_on")
    if paid_on < commitment.approved_on:
        raise ValidationError(
            {
                "paid_on": ValidationError(
                    MSG_DISBURSEMENT_BEFORE_APPROVAL,
                    code="before_approval",
                    params={"on": commitment.approved_on},
                )
            }
        )
    if funding_round is not None and funding_round.startup_id != commitment.startup_id:
        raise ValidationError(
            {"funding_round": ValidationError(MSG_ROUND_OTHER_STARTUP, code="other_startup")}
        )
    paid = commitment.disbursements.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    remaining = commitment.amount - paid
    if amount > remaining:
        raise ValidationError(
            {
                "amount": ValidationError(
                    MSG_DISBURSEMENT_EXCEEDS,
                    code="exceeds_commitment",
                    params={"remaining": format_yuan(remaining)},
                )
            }
        )
    disbursement = Disbursement(
        commitment=commitment,
        amount=amount,
        paid_on=paid_on,
        funding_round=funding_round,
        note=note,
    )
    disbursement.full_clean()
    disbursement.save()
    return disbursement


@attributed
@transaction.atomic
def valuation_mark(
    *,
    fund: Fund,
    startup: Startup,
    as_of: dt.date,
    fair_value: Decimal | str | int,
    note: str = "",
    by: Any = None,
) -> ValuationMark:
    """Mark the fund's holding in a startup to fair value (replaces a mark of the same day)."""
    fair_value = to_yuan(fair_value, field="fair_value", allow_zero=True)
    _not_future(as_of, field="as_of")
    if not Commitment.objects.filter(fund=fund, startup=startup).exists():
        raise ValidationError({"startup": ValidationError(MSG_NOT_A_HOLDING, code="not_held")})
    mark, _created = ValuationMark.objects.update_or_create(
        fund=fund, startup=startup, as_of=as_of, defaults={"fair_value": fair_value, "note": note}
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
    """Record cash returned to the fund by a holding it had paid into."""
    amount = to_yuan(amount, field="amount")
    if kind not in DistributionKind.values:
        raise ValidationError({"kind": _("Unknown distribution kind.")})
    _not_future(paid_on, field="paid_on")
    if not Disbursement.objects.filter(
        commitment__fund=fund, commitment__startup=startup, paid_on__lte=paid_on
    ).exists():
        raise ValidationError({"startup": ValidationError(MSG_NO_CASH_IN, code="no_cash_in")})
    distribution = Distribution(
        fund=fund, startup=startup, paid_on=paid_on, amount=amount, kind=kind, note=note
    )
    distribution.full_clean()
    distribution.save()
    return distribution


# --- API (issue 4: reporting API) ------------------------------------------------------------

MSG_STATUS_BY_MOVE = _("Exited and closed follow from a move to a terminal stage; use advance.")
STARTUP_UPDATABLE = frozenset(
    {
        "name",
        "name_en",
        "credit_code",
        "tech_area",
        "institution",
        "founders",
        "founded_on",
        "admitted_on",
        "registered_region",
        "location",
        "headcount",
        "description",
        "website",
        "status",
    }
)


@attributed
@transaction.atomic
def startup_update(*, startup: Startup, by: Any = None, **fields: Any) -> Startup:
    """Edit a startup's own data. Its stage, TRL and valley date change only by moves."""
    unknown = set(fields) - STARTUP_UPDATABLE
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    _dates_not_future(fields)
    startup = Startup.objects.select_for_update().get(pk=startup.pk)
    status = fields.get("status")
    if status is not None and status not in (StartupStatus.ACTIVE, StartupStatus.GRADUATED):
        raise ValidationError({"status": ValidationError(MSG_STATUS_BY_MOVE, code="by_move")})
    if status is not None and startup.stage.is_terminal and status != startup.status:
        raise ValidationError(
            {"status": ValidationError(MSG_FROM_TERMINAL, params={"stage": startup.stage})}
        )
    for name, value in fields.items():
        setattr(startup, name, value)
    startup.full_clean()
    startup.save()
    return startup


__all__: Sequence[str] = [
    "ParticipantInput",
    "commitment_cancel",
    "commitment_create",
    "disbursement_record",
    "distribution_record",
    "round_record",
    "round_update",
    "startup_advance",
    "startup_create",
    "startup_update",
    "to_yuan",
    "valuation_mark",
]


# --- admin (issue 3): correcting a recorded round ---------------------------------------


@attributed
@transaction.atomic
def round_update(
    *,
    funding_round: FundingRound,
    round_type: str,
    closed_on: dt.date,
    amount: Decimal | str | int | None = None,
    amount_precision: str = AmountPrecision.EXACT,
    announced_as: str = "",
    pre_money_valuation: Decimal | str | int | None = None,
    lead_investor: Investor | None = None,
    participants: Iterable[ParticipantInput | tuple[Investor, Any]] = (),
    note: str = "",
    by: Any = None,
) -> FundingRound:
    """Correct a recorded round and its participants under the same rules as recording.

    ``participants`` is the full new list: listed investors are added or their amounts
    updated, unlisted ones are removed (callers decide who may remove). The startup stays:
    the fund's disbursements into the round are tied to it.
    """
    funding_round = FundingRound.objects.select_for_update().get(pk=funding_round.pk)
    checked = _check_round(
        round_type=round_type,
        closed_on=closed_on,
        amount=amount,
        amount_precision=amount_precision,
        pre_money_valuation=pre_money_valuation,
        lead_investor=lead_investor,
        participants=participants,
    )
    funding_round.round_type = round_type
    funding_round.closed_on = closed_on
    funding_round.amount = checked.amount
    funding_round.amount_precision = amount_precision
    funding_round.announced_as = announced_as
    funding_round.pre_money_valuation = checked.pre_money_valuation
    funding_round.lead_investor = lead_investor
    funding_round.note = note
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
