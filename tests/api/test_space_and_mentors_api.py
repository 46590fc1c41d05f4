"""Space leases, mentors and mentoring sessions through the API (issue 16): staff write, an
overlapping lease of a unit is a 400 naming ``starts_on`` and writes nothing, bad input is a
400 naming the field, founders read their own rows and the mentors, and the occupancy and
mentor figures give the hand-checked world's numbers."""

from __future__ import annotations

import pytest

from portfolio.models import Mentor, MentoringSession, SpaceLease
from tests.support.clients import token_client
from tests.support.factories import make_user
from tests.support.founders import two_founders

pytestmark = pytest.mark.django_db

LEASES = "/api/v1/space-leases/"
MENTORS = "/api/v1/mentors/"
SESSIONS = "/api/v1/mentoring-sessions/"


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


@pytest.fixture
def staff():
    return token_client(make_user("incubator-staff"))


def lease_body(world, **more):
    body = {
        "startup": world.kewei.pk,
        "unit": "L-201",
        "kind": "lab",
        "area_m2": "60.5",
        "starts_on": "2024-12-01",
        "ends_on": "2025-11-30",
        "list_rent": "7000",
        "actual_rent": "5000",
        "subsidy": "2000",
        "subsidy_source": "中关村",
    }
    return body | more


def test_an_overlapping_lease_is_a_400_naming_starts_on_the_next_day_is_fine(world, staff):
    before = SpaceLease.objects.count()
    response = post(staff, LEASES, lease_body(world))  # 未磁 holds L-201 through 2024-12-31
    assert response.status_code == 400
    assert list(response.json()) == ["starts_on"]
    assert "2024-01-01" in response.json()["starts_on"][0]
    assert SpaceLease.objects.count() == before
    response = post(staff, LEASES, lease_body(world, starts_on="2025-01-01"))
    assert response.status_code == 201, response.json()
    row = response.json()
    assert (row["area_m2"], row["actual_rent"], row["subsidy"]) == ("60.50", "5000.00", "2000.00")
    assert row["created_by"] == "incubator_staff"
    response = patch(staff, f"{LEASES}{row['id']}/", {"ends_on": None, "note": "续租"})
    assert response.status_code == 200, response.json()
    assert response.json()["ends_on"] is None


@pytest.mark.parametrize(
    ("more", "field"),
    [
        ({"area_m2": "0"}, "area_m2"),
        ({"area_m2": "-1"}, "area_m2"),
        ({"area_m2": "1e400"}, "area_m2"),
        ({"actual_rent": "8000"}, "actual_rent"),
        ({"list_rent": "-5"}, "list_rent"),
        ({"subsidy": "abc"}, "subsidy"),
        ({"kind": "garage"}, "kind"),
        ({"ends_on": "2024-01-01"}, "ends_on"),
        ({"starts_on": "9999-01-01", "ends_on": None}, "starts_on"),
        ({"starts_on": "2025-02-30"}, "starts_on"),
        ({"unit": ""}, "unit"),
        ({"startup": 10**12}, "startup"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_lease_input_is_a_400_naming_the_field(world, staff, more, field):
    before = SpaceLease.objects.count()
    response = post(staff, LEASES, lease_body(world, **({"unit": "Z-9"} | more)))
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert SpaceLease.objects.count() == before


def test_mentors_and_sessions_are_written_and_refused_by_field(world, staff):
    body = {
        "name": "李导师",
        "kind": "technical",
        "appointed_by": "北京量子信息科学研究院",
        "appointed_on": "2024-01-01",
        "is_full_time": True,
    }
    response = post(staff, MENTORS, body)
    assert response.status_code == 201, response.json()
    mentor = response.json()["id"]
    assert patch(staff, f"{MENTORS}{mentor}/", {"until": "2023-12-31"}).json().keys() == {"until"}
    assert post(staff, MENTORS, {**body, "kind": "guru"}).json().keys() == {"kind"}
    assert Mentor.objects.count() == 2  # the world's and this one

    session = {
        "mentor": mentor,
        "startup": world.kewei.pk,
        "held_on": "2024-07-01",
        "hours": "2.5",
        "topic": "专利布局",
        "follow_ups": "两周后复盘",
    }
    response = post(staff, SESSIONS, session)
    assert response.status_code == 201, response.json()
    assert (response.json()["hours"], response.json()["mentor_name"]) == ("2.50", "李导师")
    for hours in ("0", "25", "-1"):
        assert post(staff, SESSIONS, {**session, "hours": hours}).json().keys() == {"hours"}
    assert post(staff, SESSIONS, {**session, "topic": ""}).json().keys() == {"topic"}
    assert MentoringSession.objects.count() == 3
    viewer = token_client(make_user("viewers"))
    assert post(viewer, SESSIONS, session).status_code == 403
    assert viewer.get(SESSIONS).json()["count"] == 3


def test_founders_read_their_own_leases_and_sessions_and_every_mentor(world):
    founders = two_founders(world)
    client = token_client(founders.a)
    leases = client.get(LEASES).json()["results"]
    assert {row["startup"] for row in leases} == {world.weici.pk}
    sessions = client.get(SESSIONS).json()["results"]
    assert {row["startup"] for row in sessions} == {world.weici.pk}
    assert client.get(MENTORS).json()["count"] == 1
    other = SpaceLease.objects.filter(startup=world.coherent).first()
    assert client.get(f"{LEASES}{other.pk}/").status_code == 404
    assert client.get("/api/v1/space-leases/occupancy/?on=2024-06-01").status_code == 403
    assert client.get("/api/v1/mentors/per-10-incubatees/?on=2024-06-01").status_code == 403
    assert post(client, LEASES, lease_body(world, unit="Q-1")).status_code == 403


def test_occupancy_and_mentor_ratio_of_the_hand_checked_world(world):
    client = token_client(make_user("viewers"))
    response = client.get("/api/v1/space-leases/occupancy/?on=2024-06-01")
    assert response.status_code == 200, response.json()
    data = response.json()
    kinds = {row["kind"]: row for row in data["kinds"]}
    # 未磁's lab (100) and 相干's office (40) plus the public service area (20); all
    # incubatees (active, admitted before) or public service: share 1.
    assert kinds["lab"]["leased_m2"] == "100.00"
    assert kinds["office"]["leased_m2"] == "60.00"
    assert kinds["clean_room"]["incubatee_share"] is None
    assert data["total"] == {
        "kind": "all",
        "leases": 3,
        "leased_m2": "160.00",
        "incubatee_use_m2": "160.00",
        "incubatee_share": "1.0000",
    }
    # Before 相干's office starts: only the lab and the public area.
    early = client.get("/api/v1/space-leases/occupancy/?on=2024-02-01").json()
    assert early["total"]["leased_m2"] == "120.00"
    for bad in ("", "?on=", "?on=2024-13-01", "?on=9999-01-01"):
        response = client.get(f"/api/v1/space-leases/occupancy/{bad}")
        assert response.status_code == 400
        assert "on" in response.json()
    ratio = client.get("/api/v1/mentors/per-10-incubatees/?on=2024-06-01").json()
    incubatees = ratio["incubatees"]
    assert ratio["mentors"] == 1
    assert incubatees >= 1
    assert client.get("/api/v1/mentors/per-10-incubatees/?on=x").status_code == 400
