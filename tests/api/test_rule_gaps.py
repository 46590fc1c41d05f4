"""Rule gaps closed by issue 12 (docs/api.md, "Stage moves and TRL"): a TRL outside the
target stage's range is refused naming ``trl``; a new startup without a stage starts in the
first pipeline stage at its lowest TRL; a commitment keeps the startup's region of the day."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from portfolio import migrations, services
from portfolio.models import Commitment, Stage, StageTransition, Startup
from portfolio.selectors import fund_report
from tests.support import factories
from tests.support.clients import token_client
from tests.support.factories import make_user, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return token_client(make_user("incubator-staff"))


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


# --- a TRL inside the target stage's range ---------------------------------------------------


@pytest.mark.parametrize(("slug", "trl"), [("pilot", 5), ("pilot", 8), ("exited", 6)])
def test_a_move_outside_the_stages_trl_range_is_refused_naming_trl(slug, trl):
    startup = factories.StartupFactory(stage=stage("prototype"), trl=5)
    with pytest.raises(ValidationError) as refused:
        services.startup_advance(
            startup=startup, to_stage=stage(slug), on=dt.date(2024, 1, 1), trl=trl
        )
    assert list(refused.value.message_dict) == ["trl"]
    target = Stage.objects.get(slug=slug)
    message = refused.value.message_dict["trl"][0]
    assert f"TRL {trl} is outside the range" in message
    assert f"{target.trl_min}-{target.trl_max}" in message
    startup.refresh_from_db()
    assert (startup.stage.slug, startup.trl) == ("prototype", 5)
    assert StageTransition.objects.filter(startup=startup).count() == 1


@pytest.mark.parametrize("trl", [6, 7])
def test_the_range_bounds_are_allowed(trl):
    startup = factories.StartupFactory(stage=stage("prototype"), trl=5)
    services.startup_advance(
        startup=startup, to_stage=stage("pilot"), on=dt.date(2024, 1, 1), trl=trl
    )
    startup.refresh_from_db()
    assert (startup.stage.slug, startup.trl) == ("pilot", trl)


def test_the_api_answers_400_naming_trl_and_writes_nothing(staff):
    startup = factories.StartupFactory(stage=stage("prototype"), trl=5)
    response = post(
        staff,
        f"/api/v1/startups/{startup.pk}/advance/",
        {"to_stage": "first-sales", "on": "2024-05-01", "trl": 5},
    )
    assert response.status_code == 400
    assert list(response.json()) == ["trl"]
    assert StageTransition.objects.filter(startup=startup).count() == 1


def test_a_start_outside_the_stages_range_is_refused(staff):
    response = post(
        staff,
        "/api/v1/startups/",
        {"name": "新公司", "tech_area": "sensing", "stage": "pilot", "trl": 2},
    )
    assert response.status_code == 400
    assert list(response.json()) == ["trl"]
    assert not Startup.objects.filter(name="新公司").exists()


# --- a new startup without a stage -----------------------------------------------------------


def test_without_a_stage_it_starts_in_the_first_stage_at_its_lowest_trl(staff):
    first = Stage.objects.pipeline().order_by("order").first()
    response = post(staff, "/api/v1/startups/", {"name": "新公司", "tech_area": "sensing"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"]["slug"] == first.slug
    assert body["trl"] == first.trl_min
    assert body["stage_history"] == [
        {
            "id": body["stage_history"][0]["id"],
            "from_stage": None,
            "to_stage": first.slug,
            "on": body["stage_history"][0]["on"],
            "trl": first.trl_min,
            "note": "",
        }
    ]


def test_the_first_stage_follows_the_pipelines_order(staff):
    """The default is the first pipeline stage as the pipeline is ordered now, not a slug."""
    concept = Stage.objects.get(slug="concept")
    lab = Stage.objects.get(slug="lab")
    concept.order, lab.order = 0, 100
    concept.save()
    lab.save()
    response = post(staff, "/api/v1/startups/", {"name": "新公司", "tech_area": "computing"})
    assert response.status_code == 201, response.content
    assert (response.json()["stage"]["slug"], response.json()["trl"]) == ("concept", 3)


def test_with_a_stage_and_no_trl_it_starts_at_the_stages_lowest_trl(staff):
    response = post(
        staff, "/api/v1/startups/", {"name": "新公司", "tech_area": "sensing", "stage": "pilot"}
    )
    assert response.status_code == 201, response.content
    assert (response.json()["stage"]["slug"], response.json()["trl"]) == ("pilot", 6)


# --- 返投: the region at commitment -----------------------------------------------------------


def test_the_commitment_keeps_the_region_of_the_day_and_the_share_follows_it():
    fund = factories.FundFactory()
    local = factories.StartupFactory(registered_region="北京市海淀区")
    other = factories.StartupFactory(registered_region="安徽省合肥市")
    kept = [
        services.commitment_create(
            fund=fund, startup=s, amount=Decimal("10000000"), approved_on=dt.date(2024, 2, 1)
        ).registered_region
        for s in (local, other)
    ]
    assert kept == ["北京市海淀区", "安徽省合肥市"]

    def local_share():
        checks = {c.rule: c for c in fund_report(fund, dt.date(2024, 12, 31)).compliance}
        return checks["min_local_pct"].actual

    assert local_share() == Decimal("50.00")
    # both move: the Beijing firm to Shanghai, the Hefei firm to Beijing; the share stands
    services.startup_update(startup=local, registered_region="上海市")
    services.startup_update(startup=other, registered_region="北京市朝阳区")
    assert local_share() == Decimal("50.00")
    # a commitment made after the move counts where the company is registered then
    services.commitment_create(
        fund=fund, startup=other, amount=Decimal("20000000"), approved_on=dt.date(2024, 3, 1)
    )
    assert local_share() == Decimal("75.00")  # (10 + 20) of 40


def test_the_data_migration_fills_the_region_of_existing_commitments():
    startup = factories.StartupFactory(registered_region="北京市海淀区")
    commitment = factories.CommitmentFactory(startup=startup)
    Commitment.objects.filter(pk=commitment.pk).update(registered_region="")
    # by its name, whatever number the migration gets at merge time
    (name,) = [
        module.name
        for module in pkgutil.iter_modules(migrations.__path__)
        if module.name.endswith("_illustrative_labels_and_commitment_region")
    ]
    migration = importlib.import_module(f"portfolio.migrations.{name}")
    migration.region_at_commitment(apps, None)
    commitment.refresh_from_db()
    assert commitment.registered_region == "北京市海淀区"
