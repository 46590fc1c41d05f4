"""Bookings of the shared quantum facilities (issue 16, ``incubator-ops.md`` §3).

``facility_booking_create`` and ``facility_booking_update`` refuse a booking that overlaps
another of the same facility (the periods are half-open, ``[starts_at, ends_at)``: touching
end to start is not an overlap), also when two are written at once. The facility's row is
locked (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE transactions take the
write lock when they begin) before the bookings are read, so two writers for one facility
check one after the other. On PostgreSQL the exclusion constraint
``facility_booking_no_overlap`` holds the rule in the database as well (a write that skips
the service, e.g. a raw update); its refusal is answered as the service's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from portfolio.audit import attributed
from portfolio.models import Facility, FacilityBooking, Startup
from portfolio.models.facilities import (
    BOOKING_YEARS,
    BOOKING_YEARS_MESSAGE,
    NO_OVERLAP_CONSTRAINT,
)
from portfolio.services import messages as msg
from portfolio.services.common import (
    Decimals,
    author,
    only_editable,
    refuse,
    saved_unless_excluded,
    to_decimal,
)

#: units, helium litres and a leased area (``DecimalField(10, 2)``)
QUANTITY = Decimals(
    Decimal("99999999.99"), msg.QUANTITY_INVALID, msg.QUANTITY_TOO_LARGE, msg.QUANTITY_INVALID
)
#: what a booking's update may change (its author and creation time stay)
EDITABLE = ("facility", "startup", "starts_at", "ends_at", "units", "helium_litres", "note")


def to_quantity(value: Any, *, field: str) -> Decimal:
    """``value`` as a non-negative Decimal with at most two places (units, helium litres)."""
    number = to_decimal(value, QUANTITY, field=field)
    if number < 0:
        refuse(field, msg.QUANTITY_NEGATIVE, "min_value")
    return number


def _moment(value: Any, *, field: str) -> dt.datetime:
    """An aware date-time (a naive one is read in the project's zone, Asia/Shanghai)."""
    if not isinstance(value, dt.datetime):
        refuse(field, msg.BOOKING_DATETIME, "invalid")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    low, high = BOOKING_YEARS
    if not low <= value.year <= high:
        refuse(field, BOOKING_YEARS_MESSAGE, "out_of_range")
    return value


def _lock(*facilities: Facility) -> None:
    """Lock the facilities' rows, in id order (two writers never wait on each other)."""
    ids = sorted({f.pk for f in facilities})
    list(Facility.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


def _check_free(booking: FacilityBooking) -> None:
    clash = (
        FacilityBooking.objects.filter(
            facility_id=booking.facility_id,
            starts_at__lt=booking.ends_at,
            ends_at__gt=booking.starts_at,
        )
        .exclude(pk=booking.pk)
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        _refuse_overlap(clash)


def _refuse_overlap(clash: FacilityBooking | None) -> None:
    if clash is None:
        refuse("starts_at", msg.BOOKING_OVERLAP, "overlap", start="?", end="?")
    refuse(
        "starts_at",
        msg.BOOKING_OVERLAP,
        "overlap",
        start=f"{timezone.localtime(clash.starts_at):%Y-%m-%d %H:%M}",
        end=f"{timezone.localtime(clash.ends_at):%Y-%m-%d %H:%M}",
    )


def _write(booking: FacilityBooking) -> FacilityBooking:
    if booking.ends_at <= booking.starts_at:
        refuse("ends_at", msg.BOOKING_ENDS_BEFORE_START, "before_start")
    _check_free(booking)
    return saved_unless_excluded(
        booking,
        constraint=NO_OVERLAP_CONSTRAINT,
        check=lambda: _check_free(booking),
        refusal=lambda: _refuse_overlap(None),
    )


@attributed
@transaction.atomic
def facility_booking_create(
    *,
    facility: Facility,
    startup: Startup,
    starts_at: Any,
    ends_at: Any,
    units: Any = 0,
    helium_litres: Any = 0,
    note: str = "",
    by: Any = None,
) -> FacilityBooking:
    """Book ``facility`` for ``startup`` over ``[starts_at, ends_at)``; refused (on
    ``starts_at``) when it overlaps another booking of the facility."""
    booking = FacilityBooking(
        facility=facility,
        startup=startup,
        starts_at=_moment(starts_at, field="starts_at"),
        ends_at=_moment(ends_at, field="ends_at"),
        units=to_quantity(units, field="units"),
        helium_litres=to_quantity(helium_litres, field="helium_litres"),
        note=note or "",
        created_by=author(by),
    )
    _lock(facility)
    return _write(booking)


@attributed
@transaction.atomic
def facility_booking_update(
    *, booking: FacilityBooking, by: Any = None, **fields: Any
) -> FacilityBooking:
    """Change a booking's ``fields`` (``EDITABLE``); the overlap rule as on create, against
    the facility it ends up on."""
    only_editable(fields, EDITABLE)
    current = FacilityBooking.objects.select_related("facility").get(pk=booking.pk)
    target = fields.get("facility", current.facility)
    _lock(current.facility, target)
    booking = FacilityBooking.objects.get(pk=booking.pk)
    for name in ("starts_at", "ends_at"):
        if name in fields:
            fields[name] = _moment(fields[name], field=name)
    for name in ("units", "helium_litres"):
        if name in fields:
            fields[name] = to_quantity(fields[name], field=name)
    if "note" in fields:
        fields["note"] = fields["note"] or ""
    for name, value in fields.items():
        setattr(booking, name, value)
    return _write(booking)
