"""The shared facilities' routes (issue 16): staff add facilities and book them, an
overlapping booking is a 400 naming ``starts_at`` (touching is not an overlap), the filters
narrow the bookings, and the utilisation per month gives the hand-checked world's figures."""

from __future__ import annotations

import pytest

from portfolio.models import FacilityBooking
from tests.support.clients import token_client
from tests.support.factories import make_user
from tests.support.founders import two_founders

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/facility-bookings/"


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


@pytest.fixture
def staff():
    return token_client(make_user("incubator-staff"))


def test_staff_add_and_edit_a_facility_viewers_may_not(world, staff):
    body = {"name": "低温恒温器", "kind": "cryostat", "owner": "BAQIS", "booking_unit": "day"}
    response = post(staff, "/api/v1/facilities/", body)
    assert response.status_code == 201, response.json()
    row = response.json()
    assert (row["kind"], row["booking_unit"], row["is_illustrative"]) == ("cryostat", "day", False)
    response = patch(staff, f"/api/v1/facilities/{row['id']}/", {"required_training": "低温安全"})
    assert response.json()["required_training"] == "低温安全"
    assert post(staff, "/api/v1/facilities/", body).json().keys() == {"name"}  # unique
    assert post(
        staff, "/api/v1/facilities/", {**body, "name": "x", "kind": "oven"}
    ).json().keys() == {"kind"}
    viewer = token_client(make_user("viewers"))
    assert post(viewer, "/api/v1/facilities/", {**body, "name": "y"}).status_code == 403


def test_booking_overlap_is_a_400_naming_starts_at_touching_is_fine(world, staff):
    fridge = world.fridge  # 未磁 holds it 2024-05-06 09:00 to 05-09 09:00 (Beijing)
    body = {
        "facility": fridge.pk,
        "startup": world.coherent.pk,
        "starts_at": "2024-05-08T09:00:00+08:00",
        "ends_at": "2024-05-10T09:00:00+08:00",
        "units": "1",
        "helium_litres": "30.5",
    }
    before = FacilityBooking.objects.count()
    response = post(staff, BOOKINGS, body)
    assert response.status_code == 400
    assert list(response.json()) == ["starts_at"]
    assert "2024-05-06 09:00" in response.json()["starts_at"][0]
    assert FacilityBooking.objects.count() == before
    # The same moment written in UTC is the same overlap.
    response = post(staff, BOOKINGS, {**body, "starts_at": "2024-05-09T00:59:00Z"})
    assert list(response.json()) == ["starts_at"]
    # Starting when the other ends (a naive time is read in Asia/Shanghai) is fine.
    response = post(staff, BOOKINGS, {**body, "starts_at": "2024-05-09T09:00"})
    assert response.status_code == 201, response.json()
    row = response.json()
    assert row["starts_at"] == "2024-05-09T09:00:00+08:00"
    assert (row["units"], row["helium_litres"], row["booking_unit"]) == (
        "1.00",
        "30.50",
        "cooldown_run",
    )
    assert row["startup_name"] == world.coherent.name
    assert row["created_by"] == "incubator_staff"
    response = post(
        staff, BOOKINGS, {**body, "starts_at": "2024-06-01T09:00", "ends_at": "2024-06-01T08:00"}
    )
    assert list(response.json()) == ["ends_at"]
    response = post(
        staff,
        BOOKINGS,
        {**body, "starts_at": "2024-06-01T09:00", "ends_at": "2024-06-02T08:00", "units": "-1"},
    )
    assert list(response.json()) == ["units"]


def test_patch_a_booking_into_another_is_refused(world, staff):
    own = FacilityBooking.objects.get(startup=world.coherent)  # the clean room, 20-22 May
    url = f"{BOOKINGS}{own.pk}/"
    response = patch(staff, url, {"facility": world.fridge.pk})  # the fridge is taken 6-9 May
    assert response.status_code == 200, response.json()
    response = patch(staff, url, {"starts_at": "2024-05-07T00:00+08:00"})
    assert response.status_code == 400
    assert list(response.json()) == ["starts_at"]
    response = patch(staff, url, {"note": "改期", "units": "3"})
    assert (response.json()["note"], response.json()["units"]) == ("改期", "3.00")
    viewer = token_client(make_user("viewers"))
    assert patch(viewer, url, {"note": "x"}).status_code == 403


def test_filters_narrow_the_bookings(world):
    client = token_client(make_user("viewers"))

    def count(**params):
        response = client.get(BOOKINGS, params)
        assert response.status_code == 200, response.json()
        return response.json()["count"]

    assert count() == 2
    assert count(facility=world.fridge.pk) == 1
    assert count(startup=world.coherent.pk) == 1
    assert count(kind="clean_room") == 1
    assert count(starts_after="2024-05-07") == 1  # the clean room's 20 May
    assert count(starts_before="2024-05-06") == 1  # the fridge's 6 May, counted by its day
    assert count(starts_after="2024-06-01") == 0
    for bad in ({"starts_after": "2024-02-30"}, {"facility": "x"}, {"kind": "oven"}):
        response = client.get(BOOKINGS, bad)
        assert response.status_code == 400
        assert list(response.json()) == list(bad)


def test_utilisation_gives_the_worlds_figures(world):
    client = token_client(make_user("viewers"))
    response = client.get("/api/v1/facilities/utilisation/", {"year": 2024})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["year"] == 2024
    rows = {row["facility"]["name"]: row for row in body["facilities"]}
    may = rows["稀释制冷机（测试）"]["months"][4]
    assert may == {
        "month": 5,
        "bookings": 1,
        "units": "1.00",
        "hours": "72.00",
        "helium_litres": "40.00",
        "available_hours": 744,
        "share": "0.0968",  # 72 / 744
    }
    assert rows["稀释制冷机（测试）"]["hours"] == "72.00"
    assert rows["稀释制冷机（测试）"]["available_hours"] == 366 * 24  # 2024 is a leap year
    assert rows["洁净室（测试）"]["months"][4]["units"] == "2.00"
    one = client.get("/api/v1/facilities/utilisation/", {"year": 2024, "facility": world.fridge.pk})
    assert [row["facility"]["id"] for row in one.json()["facilities"]] == [world.fridge.pk]
    for bad in ({}, {"year": "x"}, {"year": 1999}, {"year": 2024, "facility": 0}):
        response = client.get("/api/v1/facilities/utilisation/", bad)
        assert response.status_code == 400
        assert set(response.json()) <= {"year", "facility"}


def test_utilisation_queries_do_not_grow(world, django_assert_max_num_queries):
    from tests.support.factories import FacilityBookingFactory, FacilityFactory

    client = token_client(make_user("viewers"))
    client.get("/api/v1/")
    with django_assert_max_num_queries(6) as few:
        client.get("/api/v1/facilities/utilisation/", {"year": 2025})
    FacilityBookingFactory.create_batch(20, facility=FacilityFactory(), startup=world.weici)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/api/v1/facilities/utilisation/", {"year": 2025})
    in_2025 = FacilityBooking.objects.filter(starts_at__year=2025).count()
    assert in_2025 >= 1
    assert sum(row["bookings"] for row in response.json()["facilities"]) == in_2025


def test_a_founder_reads_own_bookings_and_no_utilisation(world):
    founders = two_founders(world)
    client = token_client(founders.a)
    rows = client.get(BOOKINGS).json()["results"]
    assert {row["startup"] for row in rows} == {world.weici.pk}
    assert client.get("/api/v1/facilities/").json()["count"] == 2
    assert client.get("/api/v1/facilities/utilisation/", {"year": 2024}).status_code == 403
    assert post(client, BOOKINGS, {}).status_code == 403


def test_an_unknown_key_is_a_400_naming_it(world, staff):
    booking = FacilityBooking.objects.get(startup=world.weici)
    url = f"{BOOKINGS}{booking.pk}/"
    response = patch(staff, url, {"nmae": "x"})
    assert (response.status_code, list(response.json())) == (400, ["nmae"])
    response = staff.patch(url, '{"\\ud800": 1}', content_type="application/json")
    assert response.status_code == 400
