"""Shared facilities and their bookings (issue 16): the overlap rule, the other refusals
(each leaves nothing behind), the history, and the monthly utilisation computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from portfolio import selectors, services
from portfolio.models import FacilityBooking
from portfolio.models.facilities import NO_OVERLAP_CONSTRAINT
from tests.support.constraints import assert_violates
from tests.support.factories import FacilityBookingFactory, FacilityFactory, StartupFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, month: int = 3, year: int = 2025) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SH)


@pytest.fixture
def fridge():
    return FacilityFactory(name="稀释制冷机A")


@pytest.fixture
def startup():
    return StartupFactory()


def book(facility, startup, start, end, **more):
    return services.facility_booking_create(
        facility=facility, startup=startup, starts_at=start, ends_at=end, **more
    )


def refused_on(error: ValidationError) -> set[str]:
    return set(error.value.message_dict)


def test_a_booking_is_written_with_its_units_helium_and_author(fridge, startup, staff_user):
    booking = book(
        fridge,
        startup,
        at(1, 9),
        at(3, 9),
        units="1",
        helium_litres=Decimal("35.5"),
        note="cool-down",
        by=staff_user,
    )
    booking.refresh_from_db()
    assert booking.units == Decimal("1.00")
    assert booking.helium_litres == Decimal("35.50")
    assert booking.created_by == staff_user
    record = booking.history.get()
    assert record.history_type == "+"
    assert record.history_user == staff_user


def test_an_overlapping_booking_is_refused_on_starts_at_and_nothing_is_written(fridge, startup):
    book(fridge, startup, at(1, 9), at(1, 17))
    other = StartupFactory()
    for start, end in [
        (at(1, 12), at(1, 20)),  # overlaps the end
        (at(1, 6), at(1, 10)),  # overlaps the start
        (at(1, 10), at(1, 11)),  # inside
        (at(1, 8), at(1, 18)),  # around
        (at(1, 9), at(1, 17)),  # the same period
    ]:
        with pytest.raises(ValidationError) as error:
            book(fridge, other, start, end)
        assert refused_on(error) == {"starts_at"}
        assert "already booked from 2025-03-01 09:00 to 2025-03-01 17:00" in str(error.value)
    assert FacilityBooking.objects.count() == 1


def test_touching_end_to_start_is_not_an_overlap_and_another_facility_is_free(fridge, startup):
    book(fridge, startup, at(1, 9), at(1, 17))
    book(fridge, startup, at(1, 17), at(1, 20))  # starts when the other ends
    book(fridge, startup, at(1, 6), at(1, 9))  # ends when the first starts
    book(FacilityFactory(), startup, at(1, 9), at(1, 17))  # the same hours elsewhere
    assert FacilityBooking.objects.count() == 4


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ends_at": at(1, 9)}, "ends_at"),  # ends when it starts
        ({"ends_at": at(1, 8)}, "ends_at"),  # ends before it starts
        ({"units": "-1"}, "units"),
        ({"units": "1.234"}, "units"),
        ({"units": "NaN"}, "units"),
        ({"units": "1e12"}, "units"),
        ({"helium_litres": "-0.01"}, "helium_litres"),
        ({"helium_litres": None}, "helium_litres"),
        ({"starts_at": "2025-03-01"}, "starts_at"),
        ({"ends_at": None}, "ends_at"),
    ],
)
def test_refusals_name_their_field_and_write_nothing(fridge, startup, fields, field):
    data = {"starts_at": at(1, 9), "ends_at": at(1, 17), **fields}
    with pytest.raises(ValidationError) as error:
        services.facility_booking_create(facility=fridge, startup=startup, **data)
    assert refused_on(error) == {field}
    assert not FacilityBooking.objects.exists()


def test_update_checks_the_overlap_against_others_not_itself(fridge, startup):
    first = book(fridge, startup, at(1, 9), at(1, 17))
    second = book(fridge, startup, at(2, 9), at(2, 17))
    # Moving within its own period is no overlap with itself.
    services.facility_booking_update(booking=first, starts_at=at(1, 8), ends_at=at(1, 16))
    with pytest.raises(ValidationError) as error:
        services.facility_booking_update(booking=second, starts_at=at(1, 15))
    assert refused_on(error) == {"starts_at"}
    second.refresh_from_db()
    assert second.starts_at == at(2, 9)  # nothing written


def test_update_to_another_facility_checks_that_facility(fridge, startup):
    other = FacilityFactory()
    book(other, startup, at(1, 9), at(1, 17))
    mine = book(fridge, startup, at(1, 9), at(1, 17))
    with pytest.raises(ValidationError) as error:
        services.facility_booking_update(booking=mine, facility=other)
    assert refused_on(error) == {"starts_at"}
    services.facility_booking_update(
        booking=mine, facility=other, starts_at=at(1, 17), ends_at=at(1, 18)
    )
    mine.refresh_from_db()
    assert mine.facility == other
    assert mine.history.count() == 2


def test_update_refuses_a_field_outside_its_list(fridge, startup):
    booking = book(fridge, startup, at(1, 9), at(1, 17))
    with pytest.raises(ValidationError) as error:
        services.facility_booking_update(booking=booking, created_by=None)
    assert refused_on(error) == {"created_by"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's exclusion constraint")
def test_postgresql_holds_the_overlap_rule_in_the_database(fridge, startup):
    """A write that skips the service (bulk_create) is refused by the exclusion constraint."""
    book(fridge, startup, at(1, 9), at(1, 17))
    with assert_violates(FacilityBooking, NO_OVERLAP_CONSTRAINT):
        FacilityBooking.objects.bulk_create(
            [
                FacilityBooking(
                    facility=fridge, startup=startup, starts_at=at(1, 16), ends_at=at(1, 18)
                )
            ]
        )
    # touching is allowed by the constraint too ('[)' ranges)
    FacilityBooking.objects.bulk_create(
        [FacilityBooking(facility=fridge, startup=startup, starts_at=at(1, 17), ends_at=at(1, 18))]
    )


def test_monthly_utilisation_by_hand(fridge, startup):
    clean_room = FacilityFactory(name="洁净室", kind="clean_room", booking_unit="day")
    # January: a cool-down run of 3 days (72 h), 40 L of helium, and 12 h more, 5 L.
    book(fridge, startup, at(10, 0, 1), at(13, 0, 1), units=1, helium_litres="40")
    book(fridge, startup, at(20, 8, 1), at(20, 20, 1), units="0.5", helium_litres="5")
    # 31 Jan 23:00 in Beijing (15:00 UTC) starts in January, runs into February: counts whole
    # in January (24 h).
    book(fridge, startup, at(31, 23, 1), at(1, 23, 2), units=1)
    # March in the clean room: 2 days.
    book(clean_room, startup, at(3, 0), at(5, 0), units=2)
    # another year: not counted
    book(fridge, startup, at(31, 10, 12, 2024), at(31, 12, 12, 2024), units=9)

    rows = {row.facility.name: row for row in selectors.facility_utilisation(2025)}
    assert list(rows) == ["洁净室", "稀释制冷机A"]  # by name
    january = rows["稀释制冷机A"].months[0]
    assert january.bookings == 3
    assert january.units == Decimal("2.50")
    assert january.hours == Decimal("108.00")  # 72 + 12 + 24
    assert january.helium_litres == Decimal("45.00")
    assert january.available_hours == 31 * 24
    assert january.share == Decimal("0.1452")  # 108 / 744
    assert rows["稀释制冷机A"].months[1].bookings == 0
    assert rows["稀释制冷机A"].hours == Decimal("108.00")
    assert rows["稀释制冷机A"].available_hours == 365 * 24
    march = rows["洁净室"].months[2]
    assert (march.bookings, march.units, march.hours) == (1, Decimal("2.00"), Decimal("48.00"))
    only = selectors.facility_utilisation(2025, facility=clean_room.pk)
    assert [row.facility for row in only] == [clean_room]


def test_utilisation_takes_two_queries_whatever_the_bookings(
    fridge, startup, django_assert_num_queries
):
    FacilityBookingFactory.create_batch(10, startup=startup)  # ten days of March
    with django_assert_num_queries(2):
        selectors.facility_utilisation(2025)
