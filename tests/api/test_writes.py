"""Writes through the API go through the services: same rules as the admin, clean refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from portfolio import services
from portfolio.models import Commitment, FundingRound, Institution, StageTransition, Startup
from tests.support import factories
from tests.support.clients import token_client
from tests.support.factories import make_user


@pytest.fixture
def staff(world):
    return token_client(make_user("incubator-staff"))


@pytest.fixture
def manager(world):
    return token_client(make_user("fund-managers"))


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_advance_moves_the_startup_and_records_who(staff, world):
    url = f"/api/v1/startups/{world.coherent.pk}/advance/"
    response = post(staff, url, {"to_stage": "first-sales", "on": "2024-05-01", "trl": 8})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stage"]["slug"] == "first-sales"
    assert body["crossed_valley"] is True
    assert body["stage_history"][-1]["to_stage"] == "first-sales"
    last = StageTransition.objects.filter(startup=world.coherent).latest()
    assert last.recorded_by.username == "incubator_staff"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to_stage": "pilot", "on": "2024-05-01", "trl": 6}, "to_stage"),  # same stage
        ({"to_stage": "first-sales", "on": "2020-01-01", "trl": 8}, "on"),  # before last move
        ({"to_stage": "first-sales", "on": "2999-01-01", "trl": 8}, "on"),  # future
        ({"to_stage": "first-sales", "on": "2024-05-01", "trl": 10}, "trl"),
        ({"to_stage": "moon", "on": "2024-05-01", "trl": 8}, "to_stage"),
        ({"on": "2024-05-01", "trl": 8}, "to_stage"),
        ({"to_stage": "first-sales", "on": "2024-05-01", "trl": 8, "note": "x" * 5001}, "note"),
    ],
)
def test_advance_refused_with_the_reason(staff, world, body, field):
    before = StageTransition.objects.count()
    response = post(staff, f"/api/v1/startups/{world.coherent.pk}/advance/", body)
    assert response.status_code == 400
    assert field in response.json()
    assert StageTransition.objects.count() == before


def test_advance_from_a_terminal_stage_is_refused(staff, world):
    response = post(
        staff,
        f"/api/v1/startups/{world.huayi.pk}/advance/",
        {"to_stage": "pilot", "on": "2024-05-01", "trl": 6},
    )
    assert response.status_code == 400
    assert "to_stage" in response.json()


def test_commitment_created_through_the_service(manager, world):
    response = post(
        manager,
        "/api/v1/commitments/",
        {
            "fund": world.fund.pk,
            "startup": world.kewei.pk,
            "amount": "10000000.00",
            "approved_on": "2024-03-01",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == "10000000.00"
    assert body["currency"] == "CNY"
    assert body["startup"] == {"id": world.kewei.pk, "name": "科微量子"}
    assert Commitment.objects.get(pk=body["id"]).created_by.username == "fund_managers"


def test_commitment_above_capacity_answers_409_with_the_amount_available(manager, world):
    # Fill the fund to 195M with companies each within the 20% (40M) limit.
    for _ in range(4):
        startup = factories.StartupFactory()
        services.commitment_create(
            fund=world.fund,
            startup=startup,
            amount=Decimal("36250000"),
            approved_on=dt.date(2024, 1, 1),
        )
    before = Commitment.objects.count()
    response = post(
        manager,
        "/api/v1/commitments/",
        {
            "fund": world.fund.pk,
            "startup": world.kewei.pk,
            "amount": "6000000",
            "approved_on": "2024-03-01",
        },
    )
    assert response.status_code == 409
    message = response.json()["amount"][0]
    assert "5,000,000.00" in message
    assert Commitment.objects.count() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "50000000"}, "amount"),  # above the one-company limit (40M)
        ({"amount": "-5"}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"approved_on": "2999-01-01"}, "approved_on"),
        ({"approved_on": "not a date"}, "approved_on"),
        ({"startup": 10**6}, "startup"),
        ({"fund": "x"}, "fund"),
        ({"note": "x" * 5001}, "note"),  # every note's limit (5,000 characters)
    ],
)
def test_commitment_refused_with_400(manager, world, body, field):
    data = {
        "fund": world.fund.pk,
        "startup": world.kewei.pk,
        "amount": "1000000",
        "approved_on": "2024-03-01",
        **body,
    }
    before = Commitment.objects.count()
    response = post(manager, "/api/v1/commitments/", data)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Commitment.objects.count() == before


def test_commitment_to_a_closed_startup_is_refused(manager, world):
    response = post(
        manager,
        "/api/v1/commitments/",
        {
            "fund": world.fund.pk,
            "startup": world.huayi.pk,
            "amount": "1",
            "approved_on": "2024-03-01",
        },
    )
    assert response.status_code == 400
    assert "startup" in response.json()


def test_round_recorded_with_participants(staff, world):
    response = post(
        staff,
        "/api/v1/funding-rounds/",
        {
            "startup": world.kewei.pk,
            "round_type": "angel",
            "closed_on": "2024-02-01",
            "amount": "8000000",
            "lead_investor": world.idg.pk,
            "participants": [
                {"investor": world.idg.pk, "amount": "5000000"},
                {"investor": world.robotics.pk},
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == "8000000.00"
    assert [p["investor"]["id"] for p in body["participants"]] == [world.idg.pk, world.robotics.pk]


def test_round_whose_participants_exceed_it_writes_nothing(staff, world):
    before = FundingRound.objects.count()
    response = post(
        staff,
        "/api/v1/funding-rounds/",
        {
            "startup": world.kewei.pk,
            "round_type": "angel",
            "closed_on": "2024-02-01",
            "amount": "1000000",
            "participants": [{"investor": world.idg.pk, "amount": "5000000"}],
        },
    )
    assert response.status_code == 400
    assert "participants" in response.json()
    assert FundingRound.objects.count() == before


def test_startup_created_in_a_stage_and_edited(staff, world):
    response = post(
        staff,
        "/api/v1/startups/",
        {
            "name": "国仪量子",
            "name_en": "CIQTEK",
            "tech_area": "sensing",
            "stage": "prototype",
            "trl": 5,
            "institution": world.cas.pk,
            "admitted_on": "2024-01-02",
            "credit_code": factories.credit_code(9999),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"]["slug"] == "prototype"
    assert body["stage_history"][0]["on"] == "2024-01-02"
    startup_id = body["id"]

    response = staff.patch(
        f"/api/v1/startups/{startup_id}/",
        {"headcount": 42, "status": "active"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert Startup.objects.get(pk=startup_id).headcount == 42

    response = staff.patch(
        f"/api/v1/startups/{startup_id}/", {"status": "exited"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "status" in response.json()


def test_startup_with_a_bad_credit_code_is_refused(staff, world):
    response = post(
        staff,
        "/api/v1/startups/",
        {
            "name": "坏代码",
            "tech_area": "sensing",
            "stage": "lab",
            "trl": 2,
            "credit_code": "91110108MA00000001",
        },
    )
    assert response.status_code == 400
    assert "credit_code" in response.json()
    assert not Startup.objects.filter(name="坏代码").exists()


def test_institution_created_with_full_clean(staff, world):
    response = post(staff, "/api/v1/institutions/", {"name": "北京大学", "kind": "university"})
    assert response.status_code == 201
    assert Institution.objects.filter(name="北京大学").exists()
    response = post(staff, "/api/v1/institutions/", {"name": "北京大学", "kind": "university"})
    assert response.status_code == 400
    assert "name" in response.json()


def test_kpi_report_duplicate_quarter_is_refused(staff, world):
    data = {"startup": world.weici.pk, "year": 2024, "quarter": 1, "revenue": "1.00"}
    response = post(staff, "/api/v1/kpi-reports/", data)
    assert response.status_code == 400
    assert response.json()


def test_viewer_write_is_403_and_writes_nothing(world):
    viewer = token_client(make_user("viewers"))
    response = post(viewer, "/api/v1/institutions/", {"name": "北京大学", "kind": "university"})
    assert response.status_code == 403
    assert not Institution.objects.filter(name="北京大学").exists()
