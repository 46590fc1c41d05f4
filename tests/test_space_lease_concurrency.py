"""Concurrent leases of one unit never overlap (issue 16; the pattern of
``test_facility_concurrency.py``, bar R3).

Eight threads lease the same unit at the same moment through ``space_lease_create``: each
thread's period overlaps every other's, so exactly one wins and seven get the overlap
refusal on ``starts_on``, never "database is locked" or any other database error. Repeated,
on whichever database the suite runs on (SQLite with IMMEDIATE transactions; PostgreSQL with
the unit's advisory lock, and the exclusion constraint ``space_lease_no_overlap`` behind
it). Eight leases each starting the day after the previous one ends all win.
"""

import datetime as dt

import pytest
from django.db import connection

from portfolio import services
from portfolio.models import SpaceLease
from portfolio.services import operations
from tests.support.factories import StartupFactory
from tests.support.race import assert_one_won, race_calls

pytestmark = pytest.mark.slow

THREADS = 8
REPETITIONS = 20
START = dt.date(2025, 3, 1)


def race_leases(unit, startups, periods) -> tuple[list, list, list]:
    """Each startup leases ``unit`` for its period, all at once."""
    return race_calls(
        services.space_lease_create,
        [
            {"startup": startup, "starts_on": starts_on, "ends_on": ends_on}
            for startup, (starts_on, ends_on) in zip(startups, periods, strict=True)
        ],
        unit=unit,
        kind="office",
        area_m2="40",
        list_rent="5000",
    )


def one_wins_each_time(startups, periods, *, units) -> None:
    """Race the leases on each of ``units`` in turn: each time one wins and the others are
    refused on ``starts_on``, and the unit has the one lease."""
    for unit in units:
        assert_one_won(
            *race_leases(unit, startups, periods),
            writes=len(periods),
            field="starts_on",
            says="already leased",
            where=unit,
        )
        assert SpaceLease.objects.filter(unit=unit).count() == 1


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_overlapping_leases_one_wins():
    startups = StartupFactory.create_batch(THREADS)
    # each lease starts a month after the previous one and lasts a year (the last runs on):
    # all overlap
    periods = [
        (START + dt.timedelta(days=30 * i), START + dt.timedelta(days=30 * i + 365))
        for i in range(THREADS - 1)
    ] + [(START + dt.timedelta(days=30 * (THREADS - 1)), None)]
    one_wins_each_time(startups, periods, units=[f"R-{n}" for n in range(REPETITIONS)])


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_leases_day_after_day_all_win():
    startups = StartupFactory.create_batch(THREADS)
    # one week each, the next starting the day after the previous one's last day
    periods = [
        (START + dt.timedelta(days=7 * i), START + dt.timedelta(days=7 * i + 6))
        for i in range(THREADS)
    ]
    for repetition in range(3):
        unit = f"S-{repetition}"
        won, refused, crashed = race_leases(unit, startups, periods)
        assert (crashed, refused) == ([], []), f"repetition {repetition}"
        assert len(won) == THREADS


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's exclusion constraint")
@pytest.mark.django_db(transaction=True)
def test_without_the_unit_lock_the_constraint_still_holds(monkeypatch):
    """The advisory lock switched off: the writers check at once and all find the unit free,
    so the exclusion constraint is what refuses; the service turns its error into the same
    refusal on ``starts_on``."""
    monkeypatch.setattr(operations, "_lock_unit", lambda unit: None)
    startups = StartupFactory.create_batch(THREADS)
    periods = [(START, None)] * THREADS
    one_wins_each_time(startups, periods, units=[f"U-{n}" for n in range(5)])
