"""Space leases, mentors and mentoring sessions (issue 16): the overlap rule for a unit, the
other refusals (each on its field, each leaving nothing behind), the history, the occupancy
and the mentors per 10 incubatees computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from portfolio import selectors, services
from portfolio.models import Mentor, MentoringSession, SpaceLease
from portfolio.models.operations import LEASE_NO_OVERLAP_CONSTRAINT
from tests.support.constraints import assert_violates
from tests.support.factories import (
    MentorFactory,
    MentoringSessionFactory,
    SpaceLeaseFactory,
    StartupFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def startup():
    return StartupFactory()


def lease(startup, start, end=None, unit="B-101", **more):
    values = {"kind": "lab", "area_m2": "80", "list_rent": "8000", "actual_rent": "6000"}
    values.update(more)
    return services.space_lease_create(
        startup=startup, unit=unit, starts_on=start, ends_on=end, **values
    )


def refused_on(error) -> set[str]:
    return set(error.value.message_dict)


def test_a_lease_is_written_with_its_money_and_author(startup, staff_user):
    written = lease(
        startup,
        D(2025, 3, 1),
        D(2026, 2, 28),
        subsidy="1000.50",
        subsidy_source="海淀区",
        by=staff_user,
    )
    written.refresh_from_db()
    assert written.area_m2 == Decimal("80.00")
    assert written.actual_rent == Decimal("6000.00")
    assert written.subsidy == Decimal("1000.50")
    assert written.created_by == staff_user
    assert written.history.count() == 1


def test_actual_rent_defaults_to_the_list_rent(startup):
    written = services.space_lease_create(
        startup=startup,
        unit="C-1",
        kind="office",
        area_m2=20,
        starts_on=D(2025, 1, 1),
        list_rent="3000",
    )
    assert written.actual_rent == Decimal("3000.00")


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2025, 6, 1), D(2025, 6, 30)),  # inside
        (D(2025, 1, 1), D(2025, 3, 1)),  # ends on the other's first day
        (D(2026, 2, 28), None),  # starts on the other's last day, runs on
        (D(2024, 1, 1), None),  # runs on across it
    ],
)
def test_an_overlapping_lease_of_the_unit_is_refused_on_starts_on(startup, start, end):
    lease(startup, D(2025, 3, 1), D(2026, 2, 28))
    with pytest.raises(ValidationError) as error:
        lease(StartupFactory(), start, end)
    assert refused_on(error) == {"starts_on"}
    assert "B-101" in str(error.value)
    assert SpaceLease.objects.count() == 1


def test_a_lease_the_day_after_another_ends_and_another_unit_are_free(startup):
    lease(startup, D(2025, 3, 1), D(2025, 12, 31))
    lease(StartupFactory(), D(2026, 1, 1))
    lease(StartupFactory(), D(2025, 3, 1), unit="B-102")
    assert SpaceLease.objects.count() == 3


def test_a_running_lease_blocks_every_later_start(startup):
    lease(startup, D(2025, 3, 1))
    with pytest.raises(ValidationError) as error:
        lease(StartupFactory(), D(2030, 1, 1), D(2030, 2, 1))
    assert refused_on(error) == {"starts_on"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's exclusion constraint")
def test_postgresql_holds_the_overlap_rule_in_the_database(startup):
    """A write that skips the service (bulk_create) is refused by the exclusion constraint,
    both days included and an empty end running on; the day after another ends is free."""
    lease(startup, D(2025, 3, 1), D(2025, 12, 31))
    lease(startup, D(2027, 1, 1))

    def raw(start, end=None):
        SpaceLease.objects.bulk_create(
            [
                SpaceLease(
                    startup=startup,
                    unit="B-101",
                    kind="lab",
                    area_m2=Decimal("80"),
                    starts_on=start,
                    ends_on=end,
                )
            ]
        )

    for start, end in [
        (D(2025, 12, 31), D(2026, 1, 31)),  # on the other's last day
        (D(2028, 1, 1), D(2028, 2, 1)),  # inside the one that runs on
        (D(2024, 1, 1), None),  # runs on across both
    ]:
        with assert_violates(SpaceLease, LEASE_NO_OVERLAP_CONSTRAINT):
            raw(start, end)
    raw(D(2026, 1, 1), D(2026, 12, 31))  # between them: both days free
    assert SpaceLease.objects.filter(unit="B-101").count() == 3


def test_an_update_is_checked_against_the_other_leases_not_itself(startup):
    first = lease(startup, D(2025, 1, 1), D(2025, 6, 30))
    second = lease(startup, D(2025, 7, 1), D(2025, 12, 31))
    services.space_lease_update(lease=first, ends_on=D(2025, 6, 15))
    with pytest.raises(ValidationError) as error:
        services.space_lease_update(lease=first, ends_on=D(2025, 7, 1))
    assert refused_on(error) == {"starts_on"}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.ends_on == D(2025, 6, 15)
    assert first.history.count() == 2


@pytest.mark.parametrize(
    ("more", "field"),
    [
        ({"area_m2": "0"}, "area_m2"),
        ({"area_m2": "-5"}, "area_m2"),
        ({"area_m2": "abc"}, "area_m2"),
        ({"area_m2": "1.234"}, "area_m2"),
        ({"list_rent": "-1", "actual_rent": "0"}, "list_rent"),
        ({"actual_rent": "9000"}, "actual_rent"),
        ({"subsidy": "-1"}, "subsidy"),
        ({"subsidy": "NaN"}, "subsidy"),
        ({"kind": "garage"}, "kind"),
        ({"unit": "  "}, "unit"),
    ],
)
def test_bad_lease_input_is_refused_on_its_field(startup, more, field):
    values = {"unit": "B-101"} | more
    unit = values.pop("unit")
    with pytest.raises(ValidationError) as error:
        lease(startup, D(2025, 3, 1), unit=unit, **values)
    assert field in refused_on(error)
    assert not SpaceLease.objects.exists()


def test_a_lease_ending_before_it_starts_and_a_year_9999_are_refused(startup):
    with pytest.raises(ValidationError) as error:
        lease(startup, D(2025, 3, 1), D(2025, 2, 28))
    assert refused_on(error) == {"ends_on"}
    with pytest.raises(ValidationError) as error:
        lease(startup, D(9999, 1, 1))
    assert refused_on(error) == {"starts_on"}
    with pytest.raises(ValidationError) as error:
        services.space_lease_update(lease=SpaceLeaseFactory(), created_by=None)
    assert refused_on(error) == {"created_by"}
    assert SpaceLease.objects.count() == 1


def test_mentors_and_sessions_are_written_and_refused_on_their_fields(startup, staff_user):
    mentor = services.mentor_create(
        name=" 王导师 ",
        kind="investor",
        appointed_by="中关村管委会",
        appointed_on=D(2025, 1, 1),
        until=D(2027, 12, 31),
        is_full_time=True,
    )
    assert mentor.name == "王导师"
    assert mentor.history.count() == 1
    with pytest.raises(ValidationError) as error:
        services.mentor_update(mentor=mentor, until=D(2024, 12, 31))
    assert refused_on(error) == {"until"}
    with pytest.raises(ValidationError) as error:
        services.mentor_create(
            name="x", kind="guru", appointed_by="孵化器", appointed_on=D(2025, 1, 1)
        )
    assert "kind" in refused_on(error)
    assert Mentor.objects.count() == 1

    session = services.mentoring_session_create(
        mentor=mentor,
        startup=startup,
        held_on=D(2025, 4, 2),
        hours="1.5",
        topic="A轮融资",
        by=staff_user,
    )
    assert session.hours == Decimal("1.50")
    assert session.created_by == staff_user
    for hours in ("0", "24.5", "-1", "x"):
        with pytest.raises(ValidationError) as error:
            services.mentoring_session_create(
                mentor=mentor, startup=startup, held_on=D(2025, 4, 2), hours=hours, topic="t"
            )
        assert refused_on(error) == {"hours"}
    with pytest.raises(ValidationError) as error:
        services.mentoring_session_update(session=session, topic="")
    assert refused_on(error) == {"topic"}
    assert MentoringSession.objects.count() == 1


def test_occupancy_at_a_date_by_hand():
    incubatee = StartupFactory(admitted_on=D(2025, 1, 1))
    outsider = StartupFactory(admitted_on=None)
    lease(incubatee, D(2025, 1, 1), unit="L1", kind="lab", area_m2="100")
    lease(outsider, D(2025, 1, 1), unit="L2", kind="lab", area_m2="50")
    lease(
        outsider, D(2025, 1, 1), unit="P1", kind="office", area_m2="30", is_public_service_area=True
    )
    lease(incubatee, D(2024, 1, 1), D(2024, 12, 31), unit="L3", kind="lab", area_m2="999")
    lease(incubatee, D(2025, 7, 1), unit="L4", kind="clean_room", area_m2="40")

    result = selectors.space_occupancy(D(2025, 6, 30))
    kinds = {row.kind: row for row in result["kinds"]}
    assert kinds["lab"].leased_m2 == Decimal("150.00")
    assert kinds["lab"].incubatee_use_m2 == Decimal("100.00")
    assert kinds["lab"].incubatee_share == Decimal("0.6667")
    assert kinds["office"].incubatee_share == Decimal("1.0000")
    assert kinds["clean_room"].leased_m2 == Decimal("0.00")
    assert kinds["clean_room"].incubatee_share is None
    assert result["total"].leased_m2 == Decimal("180.00")
    assert result["total"].incubatee_use_m2 == Decimal("130.00")
    assert result["total"].incubatee_share == Decimal("0.7222")
    assert result["total"].leases == 3


def test_mentors_per_10_incubatees_by_hand():
    for _ in range(3):
        StartupFactory(admitted_on=D(2025, 1, 1))
    StartupFactory(admitted_on=D(2026, 1, 1))  # not yet an incubatee
    MentorFactory(appointed_on=D(2024, 1, 1))
    MentorFactory(appointed_on=D(2024, 1, 1), until=D(2024, 12, 31))  # ended
    MentorFactory(appointed_on=D(2025, 6, 1), until=D(2025, 6, 30))  # ends on the day
    result = selectors.mentors_per_10_incubatees(D(2025, 6, 30))
    assert result["mentors"] == 2
    assert result["incubatees"] == 3
    assert result["per_10_incubatees"] == Decimal("6.67")
    assert selectors.mentors_per_10_incubatees(D(2000, 1, 1))["per_10_incubatees"] is None


def test_factories_write_through_the_services():
    assert SpaceLeaseFactory().history.count() == 1
    assert MentoringSessionFactory().mentor.history.count() == 1
