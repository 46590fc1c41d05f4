"""What every service checks the same way: yuan amounts, dates that have happened, TRL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any, NamedTuple, NoReturn, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Model
from django.utils import timezone

from portfolio.services import messages as msg

MAX_YUAN = Decimal("99999999999999.99")  # 16 digits, 2 decimals
#: the years a date of the incubator's own records (agreements, leases, ...) may fall in
DATE_YEARS = (2000, 2100)

# Error texts are constants so tests and clients can match them.

Row = TypeVar("Row")
Written = TypeVar("Written")


Instance = TypeVar("Instance", bound=Model)


def today() -> dt.date:
    """Today in the project's time zone (Asia/Shanghai)."""
    return timezone.localdate()


def author(by: Any) -> Any:
    """Who a row is ``created_by``: the acting user, or None for a caller without a saved
    account (a management command, the anonymous user)."""
    return by if getattr(by, "pk", None) is not None else None


class Decimals(NamedTuple):
    """A kind of two-place amount (``to_decimal``): its largest size either side of 0 and
    its refusals: not a finite number, too large, more than two places."""

    maximum: Decimal
    invalid: Any
    too_large: Any
    places: Any


YUAN = Decimals(MAX_YUAN, msg.MONEY_INVALID, msg.MONEY_TOO_LARGE, msg.MONEY_PLACES)


def to_decimal(value: Any, kind: Decimals, *, field: str) -> Decimal:
    """``value`` (a Decimal, or text or a number that reads as one) as a Decimal with two
    places within ``kind``'s size, or refused on ``field`` with ``kind``'s message; its
    sign is the caller's to check."""
    number = None
    if not isinstance(value, bool) and value is not None:
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            pass
    if number is None or not number.is_finite():
        refuse(field, kind.invalid, "invalid")
    # Size first: quantizing 1e30 to cents overflows Decimal's precision (InvalidOperation).
    if abs(number) > kind.maximum:
        refuse(field, kind.too_large, "max_value")
    if number != number.quantize(Decimal("0.01"), rounding="ROUND_DOWN"):
        refuse(field, kind.places, "decimal_places")
    return number.quantize(Decimal("0.01"))


def to_yuan(value: Any, *, field: str, allow_zero: bool = False) -> Decimal:
    """Coerce ``value`` to a Decimal yuan amount or raise a ValidationError on ``field``."""
    amount = to_decimal(value, YUAN, field=field)
    if allow_zero and amount < 0:
        refuse(field, msg.MONEY_NON_NEGATIVE, "min_value")
    if not allow_zero and amount <= 0:
        refuse(field, msg.MONEY_POSITIVE, "min_value")
    return amount


def refuse(field: str, message: Any, /, code: str, **params: Any) -> NoReturn:
    """Refuse a write on one field: ``message`` (a constant, with ``params``; they may be
    named ``field`` or ``message`` too) keyed by ``field``, as the admin's form and the
    API's 400 show it."""
    raise ValidationError({field: ValidationError(message, code=code, params=params or None)})


def not_future(on: dt.date, *, field: str) -> None:
    if on > today():
        refuse(field, msg.DATE_FUTURE, "future")


def since_approval(commitment: Any, on: dt.date, field: str, message: Any, code: str) -> None:
    """``on`` (of something done under ``commitment``) has happened and is not before the
    commitment's approval; ``message`` names the approval day as ``on``."""
    not_future(on, field=field)
    if on < commitment.approved_on:
        refuse(field, message, code=code, on=commitment.approved_on)


def dates_not_future(fields: dict[str, Any], names=("founded_on", "admitted_on")) -> None:
    """A startup's founding and admission have happened (a year-9999 date is a typo)."""
    for name in names:
        value = fields.get(name)
        if isinstance(value, dt.date):
            not_future(value, field=name)


def valid_date(value: Any, *, field: str, required: bool = True) -> dt.date | None:
    """``value`` if it is a date (not a date-time) within ``DATE_YEARS``; None if it is None
    and not ``required``."""
    if value is None and not required:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        refuse(field, msg.OPERATIONS_DATE, "invalid")
    low, high = DATE_YEARS
    if not low <= value.year <= high:
        refuse(field, msg.OPERATIONS_DATE, "out_of_range")
    return value


def valid_text(value: Any, *, field: str, required: bool = True) -> str:
    """``value`` as stripped text (None is empty); empty is refused when ``required``."""
    text = "" if value is None else str(value).strip()
    if required and not text:
        refuse(field, msg.OPERATIONS_TEXT_REQUIRED, "required")
    return text


def valid_trl(value: Any, *, field: str = "trl") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 9:
        refuse(field, msg.TRL_RANGE, "trl")
    return value


def valid_choice(value: Any, choices: Any, *, field: str, message: Any = msg.UNKNOWN_CHOICE) -> Any:
    """``value`` if it is one of ``choices``' values; else a refusal of ``field`` (code
    ``invalid_choice``)."""
    if value not in choices.values:
        refuse(field, message, code="invalid_choice")
    return value


def each_or_none(rows: Iterable[Row], write: Callable[[Row], Written]) -> list[Written]:
    """Write every row or none, inside the caller's atomic service.

    Each row is written in its own savepoint so that one refusal does not stop the others
    being checked; every refusal is then raised together, keyed by field, each message
    named by its row (``msg.ROW``), and the caller's transaction rolls back whole.
    """
    written: list[Written] = []
    errors: dict[str, list[ValidationError]] = {}
    for row in rows:
        try:
            with transaction.atomic():
                written.append(write(row))
        except ValidationError as error:
            for field, items in error.update_error_dict({}).items():
                errors.setdefault(field, []).extend(
                    ValidationError(
                        msg.ROW, code=item.code, params={"row": row, "message": message}
                    )
                    for item in items
                    for message in item.messages
                )
    if errors:
        raise ValidationError(errors)
    return written


def only_editable(fields: dict[str, Any], editable: Iterable[str]) -> None:
    """Refuse the first (by name) of ``fields`` an update service does not change."""
    unknown = sorted(set(fields) - set(editable))
    if unknown:
        refuse(unknown[0], msg.FIELD_NOT_EDITABLE, "not_editable")


def checked_as(check: Callable[..., Any], *names: str, **options: Any) -> dict[str, Callable]:
    """A cleaner per field for ``cleaned``: ``check(value, field=name, **options)``."""
    return {name: partial(check, field=name, **options) for name in names}


def cleaned(fields: dict[str, Any], cleaners: dict[str, Callable[[Any], Any]]) -> dict[str, Any]:
    """``fields`` with each one given a cleaner replaced by its cleaned value (an update gives
    some fields only); cleaned in the cleaners' order, so the first refusal is the same
    whatever the order of ``fields``."""
    result = dict(fields)
    for name, clean in cleaners.items():
        if name in result:
            result[name] = clean(result[name])
    return result


def locked_with(model: type[Instance], pk: Any, fields: dict[str, Any]) -> Instance:
    """The row ``pk`` of ``model`` read again under a row lock, ``fields`` set on it."""
    row = model.objects.select_for_update().get(pk=pk)
    for name, value in fields.items():
        setattr(row, name, value)
    return row


def saved(instance: Instance) -> Instance:
    """``instance`` checked by the model's own validation (``full_clean``), saved, returned."""
    instance.full_clean()
    instance.save()
    return instance


# PostgreSQL's SQLSTATE for a deadlock, and how often a write that deadlocked while the
# database checked an exclusion constraint is tried again before it counts as the clash it is
DEADLOCK = "40P01"
EXCLUSION_DEADLOCK_RETRIES = 5


def _deadlocked_on_exclusion(error: OperationalError) -> bool:
    """Whether ``error`` is PostgreSQL's deadlock between writers whose rows each wait on the
    other's in an exclusion constraint's check (each saw the other's row, still uncommitted)."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == DEADLOCK and "exclusion constraint" in str(error)


def saved_unless_excluded(
    instance: Instance,
    *,
    constraint: str,
    check: Callable[[], object],
    refusal: Callable[[], object],
) -> Instance:
    """``saved``, in a savepoint, with PostgreSQL's exclusion constraint ``constraint`` turned
    into the service's refusal: when the database reports it (a writer the service's lock did
    not hold back, which has committed by then), ``check`` runs again and refuses naming the
    clash it now sees, else ``refusal`` refuses without naming it.

    Clashing writers not held back by a lock can also deadlock in the constraint's check (each
    waits for the other's row to commit); PostgreSQL cancels one, whose savepoint is rolled
    back and written again, now waiting for the other's answer. A write still deadlocked after
    ``EXCLUSION_DEADLOCK_RETRIES`` tries clashed with a concurrent one all along: refused."""
    attempt = 0
    while True:
        try:
            with transaction.atomic():
                return saved(instance)
        except IntegrityError as error:
            if constraint not in str(error):
                raise
            clash = error
        except OperationalError as error:
            if not _deadlocked_on_exclusion(error):
                raise
            attempt += 1
            if attempt <= EXCLUSION_DEADLOCK_RETRIES:
                continue
            clash = error
        check()
        refusal()
        raise clash  # neither refused: the database's own error stands
