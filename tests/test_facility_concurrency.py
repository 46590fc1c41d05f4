"""Concurrent bookings of one facility never overlap (issue 16; the pattern of
``test_concurrency.py``, bar R3).

Eight threads book the same facility at the same moment: each thread's period overlaps
every other's, so exactly one wins and seven get the overlap refusal on ``starts_at``,
never "database is locked" or any other database error. Repeated, on whichever database
the suite runs on (SQLite with IMMEDIATE transactions; PostgreSQL with the facility row
locked, and the exclusion constraint behind it). Eight periods end to start all win.
"""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from portfolio import services
from portfolio.models import FacilityBooking
from tests.support.factories import FacilityFactory, StartupFactory

pytestmark = pytest.mark.slow

THREADS = 8
REPETITIONS = 20
START = dt.datetime(2025, 5, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


def race(facility, startups, periods) -> tuple[list, list, list]:
    barrier = threading.Barrier(THREADS)
    won, refused, crashed = [], [], []

    def worker(startup, period):
        try:
            barrier.wait()
            services.facility_booking_create(
                facility=facility, startup=startup, starts_at=period[0], ends_at=period[1]
            )
            won.append(startup.pk)
        except ValidationError as error:
            with translation.override("en"):
                refused.append(error.message_dict)
        except Exception as error:  # noqa: BLE001 - any other error is the failure we look for
            crashed.append(repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(s, p)) for s, p in zip(startups, periods, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return won, refused, crashed


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_overlapping_bookings_one_wins():
    startups = StartupFactory.create_batch(THREADS)
    # each period starts an hour after the previous one and lasts ten: all overlap
    periods = [
        (START + dt.timedelta(hours=i), START + dt.timedelta(hours=i + 10)) for i in range(THREADS)
    ]
    for repetition in range(REPETITIONS):
        facility = FacilityFactory()
        won, refused, crashed = race(facility, startups, periods)
        assert crashed == [], f"repetition {repetition}: {crashed}"
        assert len(won) == 1, f"repetition {repetition}: {len(won)} won"
        assert len(refused) == THREADS - 1
        for errors in refused:
            assert set(errors) == {"starts_at"}
            assert "already booked" in errors["starts_at"][0]
        assert FacilityBooking.objects.filter(facility=facility).count() == 1


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_bookings_end_to_start_all_win():
    startups = StartupFactory.create_batch(THREADS)
    periods = [
        (START + dt.timedelta(hours=i), START + dt.timedelta(hours=i + 1)) for i in range(THREADS)
    ]
    for repetition in range(3):
        facility = FacilityFactory()
        won, refused, crashed = race(facility, startups, periods)
        assert (crashed, refused) == ([], []), f"repetition {repetition}"
        assert len(won) == THREADS
