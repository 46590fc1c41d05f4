"""A fund's size, policy limits and terms are the superusers' (issue 13, finding 7): fund
managers could set the size from 2亿 to 200亿 and the one-company limit to 100 % in the admin,
the very limits their commitments are checked against. A separate permission
(``portfolio.change_fund_terms``), enforced by ``services.fund_update``, the admin form and
``PATCH /api/v1/funds/{id}/``; and a size never below what is committed."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portfolio import services
from portfolio.models import Fund, specs
from tests.support.admin import admin_url, form_data
from tests.support.clients import login, token_client
from tests.support.worlds import make_world

TERMS = {
    "size": "20000000000",
    "max_single_company_pct": "100",
    "min_local_pct": "0",
    "investment_period_end": "2099-12-31",
}


@pytest.fixture
def world(db):
    return make_world()


def fund_terms(fund: Fund) -> tuple:
    fund.refresh_from_db()
    return tuple(getattr(fund, name) for name in specs.FUND_TERMS)


# --- the admin ---------------------------------------------------------------------------


def test_manager_sees_the_terms_read_only_and_cannot_post_them(fund_manager, world):
    client = login(fund_manager)
    url = admin_url(Fund, "change", world.fund.pk)
    page = client.get(url).content.decode()
    data = form_data(page, "fund_form")
    assert set(specs.FUND_TERMS).isdisjoint(data), sorted(set(specs.FUND_TERMS) & set(data))
    assert {"name", "name_en", "manager"} <= set(data)
    before = fund_terms(world.fund)
    data.update(TERMS, manager="新的管理人")
    assert client.post(url, data).status_code == 302
    assert fund_terms(world.fund) == before  # size 2亿, limit 20 %: untouched
    assert world.fund.manager == "新的管理人"  # the rest is still the manager's
    assert world.fund.history.latest().history_user == fund_manager


def test_superuser_changes_the_terms_in_the_admin(superuser, world):
    client = login(superuser)
    url = admin_url(Fund, "change", world.fund.pk)
    data = form_data(client.get(url).content.decode(), "fund_form")
    data.update(size="300000000", max_single_company_pct="25")
    assert client.post(url, data).status_code == 302
    world.fund.refresh_from_db()
    assert (world.fund.size, world.fund.max_single_company_pct) == (
        Decimal("300000000.00"),
        Decimal("25.00"),
    )


def test_admin_refuses_a_size_below_what_is_committed(superuser, world):
    client = login(superuser)
    url = admin_url(Fund, "change", world.fund.pk)
    data = form_data(client.get(url).content.decode(), "fund_form")
    data.update(size="9999999.99", manager="不应保存")  # 1000万 is committed
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "size" in errors
    assert "10,000,000.00" in str(errors["size"])
    world.fund.refresh_from_db()
    assert (world.fund.size, world.fund.manager) == (Decimal("200000000.00"), "基金管理人")


# --- the API ------------------------------------------------------------------------------


def patch(client, fund, body):
    return client.patch(
        f"/api/v1/funds/{fund.pk}/", data=json.dumps(body), content_type="application/json"
    )


@pytest.mark.parametrize("role", ["viewers", "incubator-staff", "fund-managers"])
def test_only_a_superuser_patches_a_fund(role, world):
    from tests.support.factories import make_user

    before = fund_terms(world.fund)
    response = patch(token_client(make_user(role)), world.fund, TERMS)
    assert response.status_code == 403
    assert fund_terms(world.fund) == before


def test_superuser_patches_the_terms(superuser, world):
    response = patch(token_client(superuser), world.fund, {"size": "250000000", "name": "新名"})
    assert response.status_code == 200, response.content
    assert response.json()["size"] == "250000000.00"
    assert response.json()["name"] == "新名"
    world.fund.refresh_from_db()
    assert world.fund.size == Decimal("250000000.00")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"size": "1000"}, "size"),  # below the 1000万 committed
        ({"max_single_company_pct": "101"}, "max_single_company_pct"),
        ({"target_tech_areas": ["alchemy"]}, "target_tech_areas"),
        ({"target_tech_areas": {"a": 1}}, "target_tech_areas"),
        ({"vintage_year": 1800}, "vintage_year"),
    ],
)
def test_api_refusals_name_the_field(superuser, world, body, field):
    before = fund_terms(world.fund)
    response = patch(token_client(superuser), world.fund, body)
    assert response.status_code == 400
    assert field in response.json()
    assert fund_terms(world.fund) == before


# --- the service (the one write path) ------------------------------------------------------


def test_service_refuses_terms_to_a_manager_but_not_the_details(fund_manager, world):
    for name, value in TERMS.items():
        with pytest.raises(PermissionDenied):
            services.fund_update(fund=world.fund, by=fund_manager, **{name: value})
    unchanged = Decimal("200000000")
    services.fund_update(fund=world.fund, by=fund_manager, name_en="Renamed", size=unchanged)
    world.fund.refresh_from_db()
    assert world.fund.name_en == "Renamed"  # an unchanged size needs no permission


def test_service_refuses_unknown_fields_and_a_size_below_committed(superuser, world):
    with pytest.raises(ValidationError) as unknown:
        services.fund_update(fund=world.fund, by=superuser, id=99)
    assert "id" in unknown.value.message_dict
    with pytest.raises(ValidationError) as below:
        services.fund_update(fund=world.fund, by=superuser, size="9999999.99")
    assert "size" in below.value.message_dict
    # exactly what is committed is allowed
    services.fund_update(fund=world.fund, by=superuser, size="10000000")
    world.fund.refresh_from_db()
    assert world.fund.size == Decimal("10000000.00")


def test_no_role_holds_the_terms_permission(world):
    from django.contrib.auth.models import Group

    for group in Group.objects.all():
        assert not group.permissions.filter(codename="change_fund_terms").exists(), group


def test_only_a_superuser_sets_up_a_fund_through_the_api(db, superuser, fund_manager):
    from tests.support.clients import token_client as _client

    body = {
        "name": "二期量子基金",
        "size": "300000000",
        "vintage_year": 2026,
        "management_fee_pct": "1.5",
        "fee_basis": "invested",
        "hurdle_pct": "6",
        "hurdle_kind": "simple",
        "carry_pct": "20",
    }
    refused = _client(fund_manager).post("/api/v1/funds/", body, content_type="application/json")
    assert refused.status_code == 403
    created = _client(superuser).post("/api/v1/funds/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    fund = created.json()
    assert (fund["size"], fund["fee_basis"], fund["hurdle_kind"]) == (
        "300000000.00",
        "invested",
        "simple",
    )
    assert fund["management_fee_pct"] == "1.50"
    bad = _client(superuser).post(
        "/api/v1/funds/", dict(body, name="三期", carry_pct="150"), content_type="application/json"
    )
    assert bad.status_code == 400 and "carry_pct" in bad.json()
