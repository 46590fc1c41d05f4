"""Concurrent bookings of one facility never overlap (issue 16; the pattern of
``test_concurrency.py``, bar R3).

Eight threads book the same facility at the same moment: each thread's period overlaps
every other's, so exactly one wins and seven get the overlap refusal on ``starts_at``,
never "database is locked" or any other database error. Repeated, on whichever database
the suite runs on (SQLite with IMMEDIATE transactions; PostgreSQL with the facility row
locked, and the exclusion constraint behind it). Eight periods end to start all win.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from portfolio import services
from portfolio.models import FacilityBooking
from tests.support.factories import FacilityFactory, StartupFactory
from tests.support.race import assert_one_won, race_calls

pytestmark = pytest.mark.slow

THREADS = 8
REPETITIONS = 20
START = dt.datetime(2025, 5, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


def race_bookings(facility, startups, periods) -> tuple[list, list, list]:
    """Each startup books the facility for its period, all at once."""
    return race_calls(
        services.facility_booking_create,
        [
            {"startup": startup, "starts_at": starts_at, "ends_at": ends_at}
            for startup, (starts_at, ends_at) in zip(startups, periods, strict=True)
        ],
        facility=facility,
    )


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_overlapping_bookings_one_wins():
    startups = StartupFactory.create_batch(THREADS)
    # each period starts an hour after the previous one and lasts ten: all overlap
    periods = [
        (START + dt.timedelta(hours=i), START + dt.timedelta(hours=i + 10)) for i in range(THREADS)
    ]
    for repetition in range(REPETITIONS):
        facility = FacilityFactory()
        assert_one_won(
            *race_bookings(facility, startups, periods),
            writes=THREADS,
            field="starts_at",
            says="already booked",
            where=f"repetition {repetition}",
        )
        assert FacilityBooking.objects.filter(facility=facility).count() == 1


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_bookings_end_to_start_all_win():
    startups = StartupFactory.create_batch(THREADS)
    periods = [
        (START + dt.timedelta(hours=i), START + dt.timedelta(hours=i + 1)) for i in range(THREADS)
    ]
    for repetition in range(3):
        facility = FacilityFactory()
        won, refused, crashed = race_bookings(facility, startups, periods)
        assert (crashed, refused) == ([], []), f"repetition {repetition}"
        assert len(won) == THREADS
