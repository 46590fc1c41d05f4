"""Space leases, mentors and mentoring sessions (issue 16, ``incubator-ops.md`` §3).

Every write is atomic and refuses bad input on the field (a ``ValidationError`` keyed by the
field's name: the admin shows it next to the field, the API answers 400 naming it); a refusal
writes nothing.

**Two leases of one unit never overlap.** A lease holds its unit from ``starts_on`` to
``ends_on``, both days included (no ``ends_on``: it runs on), so a lease may start the day
after another ends. ``space_lease_create`` / ``_update`` serialise the writers of one unit
before they look for a clash: on PostgreSQL a transaction-scoped advisory lock keyed on the
unit's name (``pg_advisory_xact_lock(hashtext('space-lease:' || unit))``, released at commit or
rollback); on SQLite the IMMEDIATE transaction already holds the database's write lock from
its first statement. On PostgreSQL the database holds the rule too (the exclusion constraint
``space_lease_no_overlap``, migration ``0026_space_lease_exclusion``), so a write that skips
these services (a raw insert or update) is refused there; a clash the constraint reports to
a service (a writer elsewhere that took no lock) becomes the same refusal on ``starts_on``.
On SQLite a write that skips the services is not checked.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from portfolio.audit import attributed
from portfolio.models import Mentor, MentoringSession, SpaceLease, Startup
from portfolio.models.operations import LEASE_NO_OVERLAP_CONSTRAINT
from portfolio.services import messages as msg
from portfolio.services.common import (
    author,
    checked_as,
    cleaned,
    locked_with,
    only_editable,
    refuse,
    saved,
    saved_unless_excluded,
    to_decimal,
    to_yuan,
    valid_date,
    valid_text,
)
from portfolio.services.facilities import QUANTITY, to_quantity

LEASE_EDITABLE = (
    "startup",
    "unit",
    "kind",
    "area_m2",
    "is_public_service_area",
    "starts_on",
    "ends_on",
    "list_rent",
    "actual_rent",
    "subsidy",
    "subsidy_source",
    "note",
)
MENTOR_EDITABLE = ("name", "kind", "appointed_by", "appointed_on", "until", "is_full_time")
SESSION_EDITABLE = ("mentor", "startup", "held_on", "hours", "topic", "follow_ups")


# --- field checks ---------------------------------------------------------------------------


def _area(value: Any) -> Decimal:
    number = to_decimal(value, QUANTITY, field="area_m2")
    if number <= 0:
        refuse("area_m2", msg.AREA_POSITIVE, "min_value")
    return number


def _hours(value: Any) -> Decimal:
    hours = to_quantity(value, field="hours")
    if not 0 < hours <= 24:
        refuse("hours", msg.SESSION_HOURS, "range")
    return hours


# --- space leases ---------------------------------------------------------------------------


LEASE_CLEANERS = {
    **checked_as(valid_text, "unit"),
    "area_m2": _area,
    **checked_as(valid_date, "starts_on"),
    **checked_as(valid_date, "ends_on", required=False),
    **checked_as(to_yuan, "list_rent", "actual_rent", "subsidy", allow_zero=True),
    **checked_as(valid_text, "subsidy_source", "note", required=False),
    "is_public_service_area": bool,
}


def _lock_unit(unit: str) -> None:
    """Serialise the writers of ``unit`` until the transaction ends (see the module's doc)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"space-lease:{unit}"])


def _check_lease(lease: SpaceLease) -> None:
    if lease.ends_on is not None and lease.ends_on < lease.starts_on:
        refuse("ends_on", msg.LEASE_ENDS_BEFORE_START, "before_start")
    if lease.actual_rent > lease.list_rent:
        refuse("actual_rent", msg.LEASE_ACTUAL_ABOVE_LIST, "above_list")
    clashes = SpaceLease.objects.filter(unit=lease.unit).exclude(pk=lease.pk)
    if lease.ends_on is not None:
        clashes = clashes.filter(starts_on__lte=lease.ends_on)
    clash = (
        # the other lease runs on, or ends on or after this one's first day
        clashes.exclude(ends_on__lt=lease.starts_on)
        .select_related("startup")
        .order_by("starts_on")
        .first()
    )
    if clash is not None:
        refuse(
            "starts_on",
            msg.LEASE_OVERLAP,
            "overlap",
            unit=clash.unit,
            startup=clash.startup.name,
            start=f"{clash.starts_on:%Y-%m-%d}",
            end=f"{clash.ends_on:%Y-%m-%d}" if clash.ends_on else "—",
        )


def _save_lease(lease: SpaceLease) -> SpaceLease:
    """Check and save ``lease``; PostgreSQL's exclusion constraint becomes the same refusal."""
    _check_lease(lease)
    return saved_unless_excluded(
        lease,
        constraint=LEASE_NO_OVERLAP_CONSTRAINT,
        check=lambda: _check_lease(lease),
        refusal=lambda: refuse(
            "starts_on",
            msg.LEASE_OVERLAP,
            "overlap",
            unit=lease.unit,
            startup="?",
            start="?",
            end="?",
        ),
    )


@attributed
@transaction.atomic
def space_lease_create(
    *,
    startup: Startup,
    unit: Any,
    kind: str,
    area_m2: Any,
    starts_on: Any,
    ends_on: Any = None,
    list_rent: Any = 0,
    actual_rent: Any = None,
    subsidy: Any = 0,
    subsidy_source: Any = "",
    is_public_service_area: bool = False,
    note: Any = "",
    by: Any = None,
) -> SpaceLease:
    """Lease ``unit`` to ``startup`` (monthly rents in yuan; ``actual_rent`` defaults to the
    list rent); refused on ``starts_on`` when the unit is leased for any of its days."""
    fields = cleaned(
        {
            "unit": unit,
            "area_m2": area_m2,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "list_rent": list_rent,
            "actual_rent": list_rent if actual_rent is None else actual_rent,
            "subsidy": subsidy,
            "subsidy_source": subsidy_source,
            "is_public_service_area": is_public_service_area,
            "note": note,
        },
        LEASE_CLEANERS,
    )
    lease = SpaceLease(startup=startup, kind=kind, created_by=author(by), **fields)
    _lock_unit(lease.unit)
    return _save_lease(lease)


@attributed
@transaction.atomic
def space_lease_update(*, lease: SpaceLease, by: Any = None, **fields: Any) -> SpaceLease:
    """Change a lease's ``fields`` (``LEASE_EDITABLE``); the overlap rule as on create,
    against the unit it ends up on (both units locked)."""
    only_editable(fields, LEASE_EDITABLE)
    fields = cleaned(fields, LEASE_CLEANERS)
    current = SpaceLease.objects.get(pk=lease.pk)
    for unit in sorted({current.unit, fields.get("unit", current.unit)}):
        _lock_unit(unit)
    lease = SpaceLease.objects.get(pk=lease.pk)
    for name, value in fields.items():
        setattr(lease, name, value)
    return _save_lease(lease)


# --- mentors --------------------------------------------------------------------------------


MENTOR_CLEANERS = {
    **checked_as(valid_text, "name", "appointed_by"),
    **checked_as(valid_date, "appointed_on"),
    **checked_as(valid_date, "until", required=False),
    "is_full_time": bool,
}


def _check_mentor(mentor: Mentor) -> Mentor:
    if mentor.until is not None and mentor.until < mentor.appointed_on:
        refuse("until", msg.MENTOR_UNTIL_BEFORE, "before_start")
    return saved(mentor)


@attributed
@transaction.atomic
def mentor_create(
    *,
    name: Any,
    kind: str,
    appointed_by: Any,
    appointed_on: Any,
    until: Any = None,
    is_full_time: bool = False,
    is_illustrative: bool = False,
    by: Any = None,
) -> Mentor:
    """Record a mentor's appointment (``until`` empty: no end date)."""
    fields = cleaned(
        {
            "name": name,
            "appointed_by": appointed_by,
            "appointed_on": appointed_on,
            "until": until,
            "is_full_time": is_full_time,
        },
        MENTOR_CLEANERS,
    )
    return _check_mentor(Mentor(kind=kind, is_illustrative=bool(is_illustrative), **fields))


@attributed
@transaction.atomic
def mentor_update(*, mentor: Mentor, by: Any = None, **fields: Any) -> Mentor:
    only_editable(fields, MENTOR_EDITABLE)
    fields = cleaned(fields, MENTOR_CLEANERS)
    return _check_mentor(locked_with(Mentor, mentor.pk, fields))


# --- mentoring sessions ---------------------------------------------------------------------


SESSION_CLEANERS = {
    **checked_as(valid_date, "held_on"),
    "hours": _hours,
    **checked_as(valid_text, "topic"),
    **checked_as(valid_text, "follow_ups", required=False),
}


@attributed
@transaction.atomic
def mentoring_session_create(
    *,
    mentor: Mentor,
    startup: Startup,
    held_on: Any,
    hours: Any,
    topic: Any,
    follow_ups: Any = "",
    by: Any = None,
) -> MentoringSession:
    """Record a mentor's session with a startup (hours: more than 0, at most 24)."""
    fields = cleaned(
        {"held_on": held_on, "hours": hours, "topic": topic, "follow_ups": follow_ups},
        SESSION_CLEANERS,
    )
    return saved(MentoringSession(mentor=mentor, startup=startup, created_by=author(by), **fields))


@attributed
@transaction.atomic
def mentoring_session_update(
    *, session: MentoringSession, by: Any = None, **fields: Any
) -> MentoringSession:
    only_editable(fields, SESSION_EDITABLE)
    fields = cleaned(fields, SESSION_CLEANERS)
    return saved(locked_with(MentoringSession, session.pk, fields))
