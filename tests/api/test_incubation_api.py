"""Incubation in the API (issue 16): the startup detail's eligibility (the list rows carry
none), admission refused on ``admitted_on`` naming the rule, ``POST /startups/{id}/graduate/``
refusing a contradicted basis on ``basis``, and ``/incubation-agreements/`` (staff write,
founders read their own, the deadline from the rule table)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from portfolio.models import Graduation, IncubationAgreement, IncubationRule, Startup
from portfolio.services import messages as msg
from tests.support import factories
from tests.support.clients import token_client
from tests.support.factories import make_user


@pytest.fixture
def staff(db):
    return token_client(make_user("incubator-staff"))


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def test_the_detail_carries_eligibility_and_the_list_does_not(staff, world):
    response = staff.get(f"/api/v1/startups/{world.weici.pk}/")
    assert response.status_code == 200
    assert response.json()["eligibility"] == [
        {"rule": "age_at_entry", "status": "met"},
        {"rule": "registered_in_incubator", "status": "unknown"},
        {"rule": "premises_in_incubator", "status": "unknown"},
        {"rule": "tech_sme", "status": "unknown"},
    ]
    rows = staff.get("/api/v1/startups/").json()["results"]
    assert all("eligibility" not in row for row in rows)


def test_the_detail_costs_one_query_more_for_eligibility(staff, world):
    url = f"/api/v1/startups/{world.weici.pk}/"
    staff.get(url)
    with CaptureQueriesContext(connection) as ctx:
        staff.get(url)
    rule_queries = [q for q in ctx.captured_queries if "incubationrule" in q["sql"]]
    assert len(rule_queries) == 1


CREATE = {
    "name": "示例量子",
    "tech_area": "computing",
    "founded_on": "2022-01-01",
    "admitted_on": "2023-01-01",
    "credit_code": factories.credit_code(8801),
}


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"founded_on": "2020-06-01"}, "age_at_entry"),
        ({"registered_in_incubator": False}, "registered_in_incubator"),
        ({"premises_in_incubator": False}, "premises_in_incubator"),
        ({"is_tech_sme": False}, "tech_sme"),
    ],
)
def test_admitting_an_ineligible_startup_is_a_400_naming_the_rule(staff, world, fields, rule):
    with translation.override("zh-hans"):
        response = post(staff, "/api/v1/startups/", {**CREATE, **fields})
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["admitted_on"]
    assert rule in response.json()["admitted_on"][0]
    assert not Startup.objects.filter(name="示例量子").exists()
    response = post(
        staff, "/api/v1/startups/", {**CREATE, **fields, "eligibility_note": "区里特批。"}
    )
    assert response.status_code == 201, response.content
    statuses = {row["rule"]: row["status"] for row in response.json()["eligibility"]}
    assert statuses[rule] == "failed"


def test_admitting_by_patch_is_checked_and_unknown_passes(staff, world):
    startup = factories.StartupFactory(admitted_on=None, founded_on=None, is_tech_sme=False)
    url = f"/api/v1/startups/{startup.pk}/"
    response = patch(staff, url, {"admitted_on": "2023-01-01"})
    assert response.status_code == 400
    assert "tech_sme" in response.json()["admitted_on"][0]
    response = patch(staff, url, {"admitted_on": "2023-01-01", "is_tech_sme": None})
    assert response.status_code == 200, response.content  # every rule unknown
    assert {row["status"] for row in response.json()["eligibility"]} == {"unknown"}


def graduate_url(startup) -> str:
    return f"/api/v1/startups/{startup.pk}/graduate/"


def test_graduate_refuses_a_contradicted_basis_and_records_a_supported_one(staff, world):
    # 科微 has no recorded round (the hand-checked world): 0 yuan, not above 5 million
    url = graduate_url(world.kewei)
    response = post(staff, url, {"on": "2025-06-30", "basis": ["vc_over_5m"]})
    assert response.status_code == 400
    assert list(response.json()) == ["basis"]
    with translation.override("zh-hans"):
        response = post(staff, url, {"on": "2025-06-30", "basis": ["acquired_or_listed"]})
        assert response.json()["basis"] == [
            str(msg.GRADUATE_CONTRADICTED["acquired_or_listed"] % {"on": "2025-06-30"})
        ]
    assert not Graduation.objects.exists()
    factories.FundingRoundFactory(
        startup=world.kewei,
        round_type="a",
        amount=Decimal("6000000"),
        closed_on=dt.date(2025, 1, 1),
    )
    response = post(
        staff, url, {"on": "2025-06-30", "basis": ["vc_over_5m"], "note": "投资协议扫描件"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "graduated"
    graduation = Graduation.objects.get(startup=world.kewei)
    assert graduation.basis == ["vc_over_5m"]
    assert graduation.note == "投资协议扫描件"
    response = post(staff, url, {"on": "2025-06-30", "basis": ["vc_over_5m"]})
    assert response.status_code == 400
    assert list(response.json()) == ["startup"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"on": "2025-06-30"}, "basis"),
        ({"on": "2025-06-30", "basis": []}, "basis"),
        ({"on": "2025-06-30", "basis": ["unicorn"]}, "basis"),
        ({"on": "2025-06-30", "basis": "vc_over_5m"}, "basis"),
        ({"basis": ["vc_over_5m"]}, "on"),
        ({"on": "2099-01-01", "basis": ["vc_over_5m"]}, "on"),
        ({"on": "2022-02-28", "basis": ["vc_over_5m"]}, "on"),  # before admission
        ({"on": "2025-13-01", "basis": ["vc_over_5m"]}, "on"),
    ],
)
def test_graduate_bad_input_is_a_400_naming_the_field(staff, world, body, field):
    response = post(staff, graduate_url(world.kewei), body)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Graduation.objects.exists()


def test_graduate_is_for_staff_only(world):
    for role in ("viewers", "fund-managers"):
        client = token_client(make_user(role))
        response = post(
            client, graduate_url(world.weici), {"on": "2025-06-30", "basis": ["vc_over_5m"]}
        )
        assert response.status_code == 403
    assert not Graduation.objects.exists()


# --- agreements -----------------------------------------------------------------------------


def test_agreements_list_and_detail(staff, world):
    body = staff.get("/api/v1/incubation-agreements/?ordering=incubation_deadline").json()
    assert [(row["startup_name"], row["incubation_deadline"]) for row in body["results"]] == [
        ("未磁科技", "2025-01-10"),
        ("相干科技", "2026-02-01"),
    ]
    row = body["results"][0]
    assert row["rule"] == "国科发区〔2018〕300号"
    assert row["rule_effective_from"] == "2018-12-14"


def test_staff_record_an_agreement_with_the_deadline_from_the_rule_row(staff, world):
    kewei = world.kewei  # communication: 48 months unless the rule row lists the field
    response = post(
        staff,
        "/api/v1/incubation-agreements/",
        {"startup": kewei.pk, "signed_on": "2022-02-20", "starts_on": "2022-03-01"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["incubation_deadline"] == "2026-03-01"
    rule = IncubationRule.objects.get()
    rule.extended_fields = "communication"
    rule.save()
    agreement = IncubationAgreement.objects.get(startup=kewei)
    response = patch(staff, f"/api/v1/incubation-agreements/{agreement.pk}/", {"note": "续签"})
    assert response.status_code == 200, response.content
    assert response.json()["incubation_deadline"] == "2027-03-01"  # 60 months now
    assert response.json()["created_by"] is not None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"signed_on": "2022-02-20"}, "starts_on"),
        ({"signed_on": "2022-02-20", "starts_on": "2017-01-01"}, "starts_on"),  # no rule
        ({"signed_on": "2099-02-20", "starts_on": "2022-03-01"}, "signed_on"),
        (
            {"signed_on": "2022-02-20", "starts_on": "2022-03-01", "ends_on": "2022-01-01"},
            "ends_on",
        ),
        ({"signed_on": "2022-02-20", "starts_on": "2022-03-01", "deadline": "2030-01-01"}, None),
    ],
)
def test_agreement_bad_input_is_a_400_naming_the_field(staff, world, body, field):
    response = post(staff, "/api/v1/incubation-agreements/", {"startup": world.kewei.pk, **body})
    assert response.status_code == 400, response.content
    assert field in response.json() if field else "deadline" in response.json()
    assert not IncubationAgreement.objects.filter(startup=world.kewei).exists()


def test_a_second_agreement_for_a_startup_is_a_400_naming_startup(staff, world):
    response = post(
        staff,
        "/api/v1/incubation-agreements/",
        {"startup": world.weici.pk, "signed_on": "2022-02-20", "starts_on": "2022-03-01"},
    )
    assert response.status_code == 400
    assert list(response.json()) == ["startup"]


def test_a_founder_reads_only_their_own_agreement(world):
    from tests.support.founders import two_founders

    founders = two_founders(world)
    client = token_client(founders.a)
    rows = client.get("/api/v1/incubation-agreements/").json()["results"]
    assert [row["startup"] for row in rows] == [world.weici.pk]
    other = IncubationAgreement.objects.get(startup=world.coherent)
    assert client.get(f"/api/v1/incubation-agreements/{other.pk}/").status_code == 404
    response = post(
        client,
        "/api/v1/incubation-agreements/",
        {"startup": world.kewei.pk, "signed_on": "2022-02-20", "starts_on": "2022-03-01"},
    )
    assert response.status_code == 403
