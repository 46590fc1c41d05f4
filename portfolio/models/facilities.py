"""Shared quantum facilities (issue 16, ``incubator-ops.md`` §3): the dilution refrigerators,
cryostats, clean rooms, laser labs and instruments the incubator lends to its startups, and
the startups' bookings of them, with the units billed and the liquid helium used.

Two bookings of one facility never overlap (touching end to start is not an overlap):
``services.facilities`` locks the facility row before it checks (both databases), and on
PostgreSQL an exclusion constraint (``facility_booking_no_overlap``, migration
``0021_facilities``) holds it in the database too.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from portfolio.models.common import CreatedByMixin, belongs_to, illustrative
from portfolio.models.pipeline import Startup
from portfolio.models.rules import EndsAfter, non_negative, one_of, refuse

#: billed units and helium litres: up to 99,999,999.99
QUANTITY = {"max_digits": 10, "decimal_places": 2}
#: the PostgreSQL-only exclusion constraint (``0021_facilities``); its name is the refusal's
NO_OVERLAP_CONSTRAINT = "facility_booking_no_overlap"
BOOKING_ENDS = EndsAfter(
    "facility_booking_ends_after_start",
    "ends_at",
    "starts_at",
    _("A booking ends after it starts."),
    open_ended=False,
    same_day=False,
)
#: a booking's times lie in these years (a year-9999 date is a typo, not a booking)
BOOKING_YEARS = (2000, 2100)
BOOKING_YEARS_MESSAGE = _("A booking's date lies between the years 2000 and 2100.")


class FacilityKind(models.TextChoices):
    DILUTION_REFRIGERATOR = "dilution_refrigerator", _("dilution refrigerator")
    CRYOSTAT = "cryostat", _("cryostat")
    CLEAN_ROOM = "clean_room", _("clean room")
    LASER_LAB = "laser_lab", _("laser lab")
    INSTRUMENT = "instrument", _("measurement instrument")
    OTHER = "other", _("other")


class BookingUnit(models.TextChoices):
    HOUR = "hour", _("hour")
    DAY = "day", _("day")
    COOLDOWN_RUN = "cooldown_run", _("cool-down run")


class Facility(models.Model):
    """A shared facility startups book (a dilution refrigerator is booked per cool-down)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=FacilityKind.choices)
    owner = models.CharField(
        _("owner"), max_length=200, blank=True, help_text=_("The incubator, BAQIS or a partner.")
    )
    booking_unit = models.CharField(
        _("booking unit"), max_length=16, choices=BookingUnit.choices, default=BookingUnit.HOUR
    )
    required_training = models.TextField(
        _("required training"),
        blank=True,
        help_text=_("What a user must have completed before booking."),
    )
    is_illustrative = illustrative()

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [
            one_of(
                "facility_kind_valid", "kind", FacilityKind, message=_("Unknown facility kind.")
            ),
            one_of(
                "facility_booking_unit_valid",
                "booking_unit",
                BookingUnit,
                message=_("Unknown booking unit."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FacilityBooking(CreatedByMixin, models.Model):
    """A startup's booking of a facility from ``starts_at`` to ``ends_at`` (half-open: it
    ends when the next may start), with the units billed and the liquid helium used."""

    facility = belongs_to(Facility, _("facility"), "bookings")
    startup = belongs_to(Startup, _("startup"), "facility_bookings")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    units = models.DecimalField(
        _("units billed"),
        default=0,
        help_text=_("In the facility's booking unit (hours, days or cool-down runs)."),
        **QUANTITY,
    )
    helium_litres = models.DecimalField(_("liquid helium (litres)"), default=0, **QUANTITY)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("facility booking")
        verbose_name_plural = _("facility bookings")
        indexes = [
            # the overlap check (a facility's bookings around a time) and the per-facility list
            models.Index(fields=["facility", "starts_at"], name="facility_booking_facility"),
            # the utilisation report and the date-range filters (bookings of a year)
            models.Index(fields=["starts_at"], name="facility_booking_starts"),
        ]
        constraints = [
            BOOKING_ENDS.constraint,
            non_negative(
                "facility_booking_non_negative",
                "units",
                "helium_litres",
                message=_("Units and helium cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility} · {self.startup} · {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        # The check constraint's refusal names no field; this one names ``ends_at`` (and
        # Django then skips the constraint's own message for it).
        low, high = BOOKING_YEARS
        for name in ("starts_at", "ends_at"):
            value = getattr(self, name)
            if value is not None and not low <= value.year <= high:
                raise ValidationError(
                    {name: ValidationError(BOOKING_YEARS_MESSAGE, code="out_of_range")}
                )
        refuse(self, BOOKING_ENDS)
