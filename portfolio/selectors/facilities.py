"""Reads of the shared facilities (issue 16): the lists, and each facility's utilisation
per month of a year.

**Utilisation** (``docs/operations.md``, "Shared facilities"): for each facility and each
calendar month of the year (Asia/Shanghai), the bookings that *start* in that month are
counted with everything they carry: their number, the units billed (in the facility's own
booking unit: hours, days or cool-down runs), the hours booked (``ends_at - starts_at``) and
the liquid helium used. A booking that runs past the month's end counts whole in the month
it starts (it is billed once). ``available_hours`` is the month's hours (days x 24) and
``share`` is ``hours / available_hours``, rounded to 4 places; it can exceed 1 only when a
long booking started late in the month. One aggregate query, plus one for the facilities.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, DurationField, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone

from portfolio import models

ZERO = Decimal("0.00")
SHARE_PLACES = Decimal("0.0001")


def facility_list() -> QuerySet[models.Facility]:
    return models.Facility.objects.all()


def facility_booking_list() -> QuerySet[models.FacilityBooking]:
    return models.FacilityBooking.objects.select_related("facility", "startup", "created_by")


@dataclass(frozen=True)
class Utilisation:
    """A facility's use over a period (a month, the year)."""

    bookings: int
    units: Decimal
    hours: Decimal
    helium_litres: Decimal
    available_hours: int
    share: Decimal


@dataclass(frozen=True)
class UtilisationMonth(Utilisation):
    month: int


@dataclass(frozen=True)
class FacilityUtilisation(Utilisation):
    facility: models.Facility
    months: list[UtilisationMonth]


def _share(hours: Decimal, available: int) -> Decimal:
    if not available:
        return Decimal("0.0000")
    return (hours / Decimal(available)).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


def _hours(duration: dt.timedelta | None) -> Decimal:
    if not duration:
        return ZERO
    seconds = Decimal(duration.days * 86400 + duration.seconds)
    return (seconds / Decimal(3600)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The year's first moment and the next year's, in the project's zone."""
    zone = timezone.get_default_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=zone),
        dt.datetime(year + 1, 1, 1, tzinfo=zone),
    )


def facility_utilisation(year: int, *, facility: int | None = None) -> list[FacilityUtilisation]:
    """Every facility (or the one given) with its twelve months of ``year``."""
    facilities = list(models.Facility.objects.order_by("name", "pk"))
    if facility is not None:
        facilities = [f for f in facilities if f.pk == facility]
    start, end = year_bounds(year)
    quantity = DecimalField(max_digits=12, decimal_places=2)
    grouped = (
        models.FacilityBooking.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .filter(**({"facility_id": facility} if facility is not None else {}))
        .annotate(month=ExtractMonth("starts_at", tzinfo=timezone.get_default_timezone()))
        .values("facility_id", "month")
        .annotate(
            n=Count("id"),
            units_sum=Coalesce(Sum("units"), Value(ZERO), output_field=quantity),
            helium_sum=Coalesce(Sum("helium_litres"), Value(ZERO), output_field=quantity),
            duration=Sum(F("ends_at") - F("starts_at"), output_field=DurationField()),
        )
        .order_by()
    )
    figures = {(row["facility_id"], row["month"]): row for row in grouped}
    result = []
    for item in facilities:
        months = []
        for month in range(1, 13):
            row = figures.get((item.pk, month))
            available = calendar.monthrange(year, month)[1] * 24
            hours = _hours(row["duration"]) if row else ZERO
            months.append(
                UtilisationMonth(
                    month=month,
                    bookings=row["n"] if row else 0,
                    units=Decimal(row["units_sum"]).quantize(ZERO) if row else ZERO,
                    hours=hours,
                    helium_litres=Decimal(row["helium_sum"]).quantize(ZERO) if row else ZERO,
                    available_hours=available,
                    share=_share(hours, available),
                )
            )
        hours = sum((m.hours for m in months), ZERO)
        available = sum(m.available_hours for m in months)
        result.append(
            FacilityUtilisation(
                facility=item,
                months=months,
                bookings=sum(m.bookings for m in months),
                units=sum((m.units for m in months), ZERO),
                hours=hours,
                helium_litres=sum((m.helium_litres for m in months), ZERO),
                available_hours=available,
                share=_share(hours, available),
            )
        )
    return result
