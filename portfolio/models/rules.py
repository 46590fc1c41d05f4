"""The database's rules: one builder per shape of constraint, each with its name and its
message, and ``clean()``'s side of two of them (``ends_before_start`` of ``ends_after``,
``exceeds`` of ``at_most``: the same rule named on the field to correct). A model that holds
such a rule on both sides declares it once, as ``EndsAfter`` or ``AtMost``: its
``constraint`` goes in ``Meta.constraints``, and ``refuse(self, ...)`` in ``clean()``.

They return the very ``CheckConstraint`` / ``UniqueConstraint`` a model would spell out, so
the migration state does not depend on which way a rule is written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class EndsAfter:
    """A period's rule on both sides: ``constraint`` (``ends_after``) for the database,
    ``errors`` (``ends_before_start``, on ``end``) for ``clean()``; one name, one message."""

    name: str
    end: str
    start: str
    message: Any
    open_ended: bool = True
    same_day: bool = True

    @property
    def constraint(self) -> models.CheckConstraint:
        return ends_after(
            self.name,
            self.end,
            self.start,
            message=self.message,
            open_ended=self.open_ended,
            same_day=self.same_day,
        )

    def errors(self, instance: models.Model) -> dict[str, ValidationError]:
        return ends_before_start(
            instance, self.end, self.start, self.message, same_day=self.same_day
        )


@dataclass(frozen=True)
class AtMost:
    """A ceiling on both sides: ``constraint`` (``at_most``) for the database, ``errors``
    (``exceeds``, on ``field``, with ``code``) for ``clean()``."""

    name: str
    field: str
    bound: str
    message: Any
    code: str

    @property
    def constraint(self) -> models.CheckConstraint:
        return at_most(self.name, self.field, self.bound, message=self.message)

    def errors(self, instance: models.Model) -> dict[str, ValidationError]:
        return exceeds(instance, self.field, self.bound, self.message, code=self.code)


def refuse(instance: models.Model, *both_sides: EndsAfter | AtMost) -> None:
    """``clean()``'s side of ``both_sides``: one ``ValidationError`` with the error of each
    rule the row breaks, on its field; nothing when it breaks none."""
    errors: dict[str, ValidationError] = {}
    for rule in both_sides:
        errors |= rule.errors(instance)
    if errors:
        raise ValidationError(errors)


def credit_code_format(name: str) -> models.CheckConstraint:
    """The database's side of ``validate_credit_code`` on ``credit_code``: empty, or 18
    characters of the GB 32100 alphabet (the check character is the validator's)."""
    return check(
        name,
        Q(credit_code__isnull=True) | Q(credit_code__regex=CREDIT_CODE_REGEX),
        message=_("A unified social credit code has 18 allowed characters."),
    )
