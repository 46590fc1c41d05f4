"""Which database constraint a write broke, as each backend reports it.

``assert_violates(Model, name)`` passes only when the block raises an ``IntegrityError``
for that very constraint, not for any other one. ``name`` is the name of a constraint in
the model's ``Meta.constraints``, the name of a field declared ``unique=True`` (Django
does not name those; the database makes up a name), or on PostgreSQL one of the model's
exclusion constraints that a migration adds outside ``Meta`` (``POSTGRESQL_ONLY``).

What the backends report:

- PostgreSQL names the constraint (psycopg's ``error.diag.constraint_name``). A Meta
  constraint carries its own name; for a ``unique=True`` field the name is the database's,
  so it is matched to the field through the table's introspected constraints (its columns).
- SQLite names a CHECK constraint in its message (``CHECK constraint failed: <name>``) but
  describes a UNIQUE one by its columns (``UNIQUE constraint failed: <table>.<column>, ...``).
  Those columns are matched to the model's unique constraint or unique field with exactly
  those columns. (Two unique constraints on the same columns would be indistinguishable
  here; the models have none.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, models, transaction

from portfolio.models.facilities import NO_OVERLAP_CONSTRAINT
from portfolio.models.operations import LEASE_NO_OVERLAP_CONSTRAINT


def declared(model: type[models.Model]) -> set[str]:
    """The names ``assert_violates`` accepts for ``model``: its Meta constraints' names and
    its ``unique=True`` fields (the primary key aside)."""
    names = {constraint.name for constraint in model._meta.constraints}
    names |= {
        field.name
        for field in model._meta.concrete_fields
        if field.unique and not field.primary_key
    }
    return names


#: constraints the migrations add on PostgreSQL alone, outside ``Meta`` (exclusion constraints,
#: which SQLite lacks), by model label; ``assert_violates`` accepts their names too
POSTGRESQL_ONLY: dict[str, set[str]] = {
    "portfolio.FacilityBooking": {NO_OVERLAP_CONSTRAINT},
    "portfolio.SpaceLease": {LEASE_NO_OVERLAP_CONSTRAINT},
}


def accepted(model: type[models.Model]) -> set[str]:
    """``declared`` and, on PostgreSQL, the model's ``POSTGRESQL_ONLY`` constraints."""
    names = declared(model)
    if connection.vendor == "postgresql":
        names |= POSTGRESQL_ONLY.get(model._meta.label, set())
    return names


def _by_columns(model: type[models.Model], columns: set[str]) -> str | None:
    """The unique constraint or unique field of ``model`` on exactly ``columns``."""
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            mine = {model._meta.get_field(name).column for name in constraint.fields}
            if mine == columns:
                return constraint.name
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key and {field.column} == columns:
            return field.name
    return None


def violated(error: IntegrityError, model: type[models.Model]) -> str | None:
    """The constraint of ``model`` that ``error`` reports, by the name ``declared`` uses."""
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        name = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
        if name is None or name in accepted(model):
            return name
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, table).get(name)
        return _by_columns(model, set(found["columns"])) if found else None
    message = str(error)
    check = re.fullmatch(r"CHECK constraint failed: (\S+)", message)
    if check:
        return check.group(1)
    unique = re.fullmatch(r"UNIQUE constraint failed: (.+)", message)
    if unique:
        qualified = [column.strip() for column in unique.group(1).split(",")]
        if all(column.startswith(f"{table}.") for column in qualified):
            return _by_columns(model, {column.split(".", 1)[1] for column in qualified})
    return None


@contextmanager
def assert_violates(model: type[models.Model], name: str) -> Iterator[None]:
    """The block must fail with an ``IntegrityError`` for the constraint ``name`` of ``model``.

    The block runs in its own savepoint, so the test's transaction stays usable.
    """
    assert name in accepted(model), f"{model.__name__} declares no constraint {name!r}"
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield
    reported = violated(caught.value, model)
    assert reported == name, (
        f"expected {name!r} to be violated, the database reported {reported!r}: {caught.value}"
    )
