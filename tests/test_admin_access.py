"""Which admin pages each role opens, and which writes it may make."""

from __future__ import annotations

import pytest

from portfolio.models import Commitment, FundingRound, Startup
from tests.support.admin import FUND_WRITES, INCUBATOR_WRITES, MODELS, NEVER_ADDED, admin_url
from tests.support.clients import login
from tests.support.worlds import make_world

ROLES = ["viewers", "incubator-staff", "fund-managers", "superuser"]


@pytest.fixture
def world(db):
    return make_world()


def may_add(role: str, model_name: str) -> bool:
    if model_name in NEVER_ADDED:
        return False
    if role == "superuser":
        return True
    if role == "incubator-staff":
        return model_name in INCUBATOR_WRITES
    if role == "fund-managers":
        return model_name in FUND_WRITES
    return False


@pytest.mark.parametrize("persona", ROLES, indirect=True)
def test_every_changelist_and_change_page_opens_for_every_role(persona, world):
    client = login(persona)
    role = persona.groups.first().name if persona.groups.exists() else "superuser"
    for model in MODELS:
        response = client.get(admin_url(model, "changelist"))
        assert response.status_code == 200, model
        add_button = admin_url(model, "add") in response.content.decode()
        assert add_button == may_add(role, model._meta.model_name), (model, role)
        obj = world.instance(model)
        response = client.get(admin_url(model, "change", obj.pk))
        assert response.status_code == 200, model
        response = client.get(admin_url(model, "history", obj.pk))
        assert response.status_code == 200, model


@pytest.mark.parametrize("persona", ROLES, indirect=True)
def test_add_pages_open_only_for_roles_that_write(persona, world):
    client = login(persona)
    role = persona.groups.first().name if persona.groups.exists() else "superuser"
    for model in MODELS:
        response = client.get(admin_url(model, "add"))
        expected = 200 if may_add(role, model._meta.model_name) else 403
        assert response.status_code == expected, (model, role)


def test_anonymous_is_sent_to_login(db):
    response = login(None).get(admin_url(Startup, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_viewer_cannot_change_anything(viewer, world):
    client = login(viewer)
    url = admin_url(Startup, "change", world.startup.pk)
    response = client.post(url, {"name": "改名", "tech_area": "sensing"})
    assert response.status_code == 403
    world.startup.refresh_from_db()
    assert world.startup.name != "改名"
    page = client.get(url).content.decode()
    assert 'name="_save"' not in page
    assert "advance-link" not in page


@pytest.mark.parametrize("persona", ["viewers", "fund-managers"], indirect=True)
def test_only_staff_add_startups(persona, db):
    from tests.support.factories import stage

    response = login(persona).post(
        admin_url(Startup, "add"),
        {"name": "不该有", "tech_area": "computing", "stage": stage("lab").pk, "trl": 2},
    )
    assert response.status_code == 403
    assert not Startup.objects.filter(name="不该有").exists()


@pytest.mark.parametrize("persona", ["viewers", "incubator-staff"], indirect=True)
def test_only_fund_managers_write_commitments(persona, world):
    response = login(persona).post(
        admin_url(Commitment, "add"),
        {
            "fund": world.fund.pk,
            "startup": world.startup.pk,
            "amount": "1000000",
            "approved_on": "2024-05-01",
        },
    )
    assert response.status_code == 403
    assert Commitment.objects.count() == 1


def test_fund_manager_commits_through_the_service(fund_manager, world):
    response = login(fund_manager).post(
        admin_url(Commitment, "add"),
        {
            "fund": world.fund.pk,
            "startup": world.startup.pk,
            "amount": "2000000",
            "approved_on": "2024-05-01",
            "note": "投委会决议",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    commitment = Commitment.objects.latest("pk")
    assert commitment.amount == 2000000
    assert commitment.created_by == fund_manager
    assert commitment.history.latest().history_user == fund_manager


def test_fund_capacity_refusal_is_a_form_error(fund_manager, world):
    response = login(fund_manager).post(
        admin_url(Commitment, "add"),
        {
            "fund": world.fund.pk,
            "startup": world.startup.pk,
            "amount": "300000000",
            "approved_on": "2024-05-01",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "amount" in errors
    assert Commitment.objects.count() == 1


@pytest.mark.parametrize("persona", ["viewers", "incubator-staff", "fund-managers"], indirect=True)
def test_money_rows_are_not_deleted_by_non_superusers(persona, world):
    client = login(persona)
    for model, obj in ((FundingRound, world.round), (Commitment, world.commitment)):
        url = admin_url(model, "delete", obj.pk)
        assert client.get(url).status_code == 403
        assert client.post(url, {"post": "yes"}).status_code == 403
        assert model.objects.filter(pk=obj.pk).exists()


def test_superuser_may_delete_money_rows(superuser, world):
    client = login(superuser)
    distribution = world.fund.distributions.get()
    url = admin_url(type(distribution), "delete", distribution.pk)
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not type(distribution).objects.filter(pk=distribution.pk).exists()
    deleted = type(distribution).history.get(id=distribution.pk, history_type="-")
    assert deleted.history_user == superuser


def test_history_cannot_be_reverted_through_the_history_form(staff_user, world):
    client = login(staff_user)
    startup = world.startup
    record = startup.history.earliest()
    url = admin_url(Startup, "simple_history", startup.pk, record.history_id)
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "回滚"}).status_code == 403
