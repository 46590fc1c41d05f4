"""The facilities' admin (issue 16): staff book through the service (the overlap refused
next to ``starts_at``, nothing written), viewers read only."""

from __future__ import annotations

import datetime as dt

import pytest

from portfolio.models import Facility, FacilityBooking
from tests.support.admin import admin_url
from tests.support.clients import login
from tests.support.factories import (
    SHANGHAI,
    FacilityBookingFactory,
    FacilityFactory,
    StartupFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked():
    """A clean room booked 2025-03-01 09:00-17:00 (Beijing)."""
    return FacilityBookingFactory(
        facility=FacilityFactory(name="洁净室", kind="clean_room", booking_unit="hour"),
        starts_at=dt.datetime(2025, 3, 1, 9, tzinfo=SHANGHAI),
        ends_at=dt.datetime(2025, 3, 1, 17, tzinfo=SHANGHAI),
    )


def form(booked, startup, start: str, end: str, **more) -> dict:
    return {
        "facility": booked.facility.pk,
        "startup": startup.pk,
        "starts_at_0": "2025-03-01",
        "starts_at_1": start,
        "ends_at_0": "2025-03-01",
        "ends_at_1": end,
        "units": "4",
        "helium_litres": "0",
        "note": "",
        **more,
    }


def errors(response) -> dict:
    return response.context["adminform"].form.errors


def test_staff_book_through_the_service(staff_user, booked):
    startup = StartupFactory()
    client = login(staff_user)
    response = client.post(
        admin_url(FacilityBooking, "add"), form(booked, startup, "17:00", "21:00")
    )
    assert response.status_code == 302, errors(response)
    booking = FacilityBooking.objects.get(startup=startup)
    assert booking.starts_at == dt.datetime(2025, 3, 1, 17, tzinfo=SHANGHAI)
    assert booking.created_by == staff_user
    assert booking.history.get().history_user == staff_user
    # the change page writes the changed fields through the update service
    url = admin_url(FacilityBooking, "change", booking.pk)
    response = client.post(url, form(booked, startup, "17:00", "22:00", note="加时"))
    assert response.status_code == 302, errors(response)
    booking.refresh_from_db()
    assert (booking.note, booking.ends_at.hour) == ("加时", 14)  # 22:00 Beijing is 14:00 UTC
    response = client.post(url, form(booked, startup, "16:00", "22:00"))
    assert response.status_code == 200
    assert set(errors(response)) == {"starts_at"}
    booking.refresh_from_db()
    assert booking.starts_at.hour == 9  # 17:00 Beijing, unchanged


def test_an_overlap_or_a_backwards_period_is_an_error_on_its_field(staff_user, booked):
    startup = StartupFactory()
    client = login(staff_user)
    response = client.post(
        admin_url(FacilityBooking, "add"), form(booked, startup, "16:00", "18:00")
    )
    assert response.status_code == 200
    assert set(errors(response)) == {"starts_at"}
    assert "2025-03-01 09:00" in str(errors(response)["starts_at"])  # names the other booking
    response = client.post(
        admin_url(FacilityBooking, "add"), form(booked, startup, "20:00", "18:00")
    )
    assert set(errors(response)) == {"ends_at"}
    response = client.post(
        admin_url(FacilityBooking, "add"), form(booked, startup, "18:00", "19:00", units="-1")
    )
    assert set(errors(response)) == {"units"}
    assert FacilityBooking.objects.count() == 1


@pytest.mark.parametrize("persona", ["viewers", "fund-managers"], indirect=True)
def test_other_roles_read_but_do_not_write(persona, booked):
    client = login(persona)
    assert client.get(admin_url(FacilityBooking, "changelist")).status_code == 200
    response = client.post(
        admin_url(FacilityBooking, "add"), form(booked, booked.startup, "18:00", "19:00")
    )
    assert response.status_code == 403
    response = client.post(
        admin_url(Facility, "add"), {"name": "x", "kind": "other", "booking_unit": "hour"}
    )
    assert response.status_code == 403
    assert FacilityBooking.objects.count() == 1


def test_booking_changelist_queries_do_not_grow(staff_user, booked, django_assert_max_num_queries):
    client = login(staff_user)
    url = admin_url(FacilityBooking, "changelist")
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    FacilityBookingFactory.create_batch(15, facility=booked.facility)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
