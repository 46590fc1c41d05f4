"""The database's rules: one builder per shape of constraint, each with its name and its
message, and ``clean()``'s side of two of them (``ends_before_start`` of ``ends_after``,
``exceeds`` of ``at_most``: the same rule named on the field to correct).

They return the very ``CheckConstraint`` / ``UniqueConstraint`` a model would spell out, so
the migration state does not depend on which way a rule is written."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portfolio.models.validators import CREDIT_CODE_REGEX


def check(name: str, condition: Q, *, message) -> models.CheckConstraint:
    """The database refuses a row unless ``condition`` holds, with ``message``."""
    return models.CheckConstraint(condition=condition, name=name, violation_error_message=message)


def unique(name: str, *fields: str, message, condition: Q | None = None) -> models.UniqueConstraint:
    """One row per value of ``fields`` (among the rows matching ``condition``)."""
    return models.UniqueConstraint(
        fields=list(fields), condition=condition, name=name, violation_error_message=message
    )


def between(low, high, *fields: str) -> dict[str, object]:
    """The lookups that hold each of ``fields`` between ``low`` and ``high``, both included:
    ``Q(**between(0, 100, "a", "b"))``, or several ranges in one ``Q``."""
    bounds: dict[str, object] = {}
    for field in fields:
        bounds |= {f"{field}__gte": low, f"{field}__lte": high}
    return bounds


def _each(lookup: str, bound, fields: tuple[str, ...], nullable: bool) -> Q:
    condition = Q(**{f"{field}__{lookup}": bound for field in fields})
    if nullable:
        (field,) = fields
        return Q(**{f"{field}__isnull": True}) | condition
    return condition


def positive(name: str, *fields: str, message, nullable: bool = False) -> models.CheckConstraint:
    """Each of ``fields`` is above 0 (or, ``nullable``, the one field may be empty)."""
    return check(name, _each("gt", 0, fields, nullable), message=message)


def positive_amount(prefix: str, message) -> models.CheckConstraint:
    """The row's ``amount`` (yuan) is above 0: the constraint ``<prefix>_amount_positive``."""
    return positive(f"{prefix}_amount_positive", "amount", message=message)


def non_negative(
    name: str, *fields: str, message, nullable: bool = False
) -> models.CheckConstraint:
    """Each of ``fields`` is 0 or more (or, ``nullable``, the one field may be empty)."""
    return check(name, _each("gte", 0, fields, nullable), message=message)


def one_of(
    name: str, field: str, choices: type[models.Choices], *, message
) -> models.CheckConstraint:
    """``field`` holds one of the values of ``choices``."""
    return check(name, Q(**{f"{field}__in": choices.values}), message=message)


def ends_after(
    name: str,
    end: str,
    start: str,
    *,
    message,
    open_ended: bool = True,
    same_day: bool = True,
) -> models.CheckConstraint:
    """``end`` is on or after ``start`` (strictly after unless ``same_day``); an empty
    ``end`` (``open_ended``) runs on."""
    condition = Q(**{f"{end}__{'gte' if same_day else 'gt'}": F(start)})
    if open_ended:
        condition = Q(**{f"{end}__isnull": True}) | condition
    return check(name, condition, message=message)


def ends_before_start(
    instance: models.Model, end: str, start: str, message, *, same_day: bool = True
) -> dict[str, ValidationError]:
    """``clean()``'s side of ``ends_after``: ``{end: error}`` when the row ends before it
    starts (or, unless ``same_day``, on the moment it starts), else nothing. The error sits
    on ``end``, so the admin's form shows it there."""
    first, last = getattr(instance, start), getattr(instance, end)
    if first and last and (last < first if same_day else last <= first):
        return {end: ValidationError(message, code="before_start")}
    return {}


def at_most(name: str, field: str, bound: str, *, message) -> models.CheckConstraint:
    """``field`` is not above the row's ``bound`` (another field)."""
    return check(name, Q(**{f"{field}__lte": F(bound)}), message=message)


def exceeds(
    instance: models.Model, field: str, bound: str, message, *, code: str
) -> dict[str, ValidationError]:
    """``clean()``'s side of ``at_most``: ``{field: error}`` when both are known and
    ``field`` is above ``bound``, else nothing."""
    value, limit = getattr(instance, field), getattr(instance, bound)
    if value is not None and limit is not None and value > limit:
        return {field: ValidationError(message, code=code)}
    return {}


def credit_code_format(name: str) -> models.CheckConstraint:
    """The database's side of ``validate_credit_code`` on ``credit_code``: empty, or 18
    characters of the GB 32100 alphabet (the check character is the validator's)."""
    return check(
        name,
        Q(credit_code__isnull=True) | Q(credit_code__regex=CREDIT_CODE_REGEX),
        message=_("A unified social credit code has 18 allowed characters."),
    )
