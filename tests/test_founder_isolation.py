"""Isolation of a founder (issue 15, bars R8 and R14): logged in by session or by token, a
founder gets nothing of another startup, the fund, its investors or the reports -- through a
detail URL, a list, a search, a filter, an export, a report, a dashboard, the admin or their
own page. Institutions and stages are reference data every founder reads whole."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portfolio.api.urls import router
from portfolio.models import Investor
from tests.support import factories
from tests.support.admin import MODELS, admin_url
from tests.support.clients import login, token_client
from tests.support.founders import make_founder
from tests.support.worlds import make_world

#: names of the other startup, the fund and the investor (the institution is reference data)
SECRETS = ["机密量子科技", "Hidden Qubit Ltd", "机密母基金", "Hidden Fund", "机密资本"]


@pytest.fixture
def world(db):
    world = make_world()  # every kind of row, all of another startup and the fund
    world.startup.name, world.startup.name_en = SECRETS[0], SECRETS[1]
    world.startup.save()
    world.fund.name, world.fund.name_en = SECRETS[2], SECRETS[3]
    world.fund.save()
    Investor.objects.filter(pk=world.investor.pk).update(name=SECRETS[4])
    return world


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    """An export of every list from one user is more than the export limit (30 a minute)
    once there are more than 30 lists: lift it, or the 429 would answer for the route."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "exports": "100000/minute",
            "token-burst": "100000/minute",
        },
    }


@pytest.fixture
def founder(world):
    own = factories.StartupFactory(name="自家量子", name_en="Own Quantum")
    factories.MilestoneFactory(startup=own, title="自家样机")
    return make_founder(own)


def body_of(response) -> str:
    content = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    return content.decode("utf-8", "replace")


def api_urls(world) -> list[str]:
    urls = [
        "/api/v1/reports/pipeline/",
        "/api/v1/reports/pipeline/?population=all&format=csv",
        "/api/v1/reports/valley/",
        "/api/v1/reports/impact/?year=2024",
        "/api/v1/reports/impact/?year=2024&population=all&format=csv",
        "/api/v1/reports/incubation/?year=2024",
        "/api/v1/reports/incubation/?year=2024&format=xlsx",
        f"/api/v1/management-fees/?fund={world.fund.pk}",
        f"/api/v1/funds/{world.fund.pk}/report/",
        f"/api/v1/funds/{world.fund.pk}/holdings/?format=csv",
        f"/api/v1/funds/{world.fund.pk}/lp-report/",
        f"/api/v1/funds/{world.fund.pk}/capital-accounts/?start=2024-01-01&end=2024-12-31",
        f"/api/v1/funding-rounds/?startup={world.startup.pk}",
        f"/api/v1/startups/?fund={world.fund.pk}",
        f"/api/v1/startups/?institution={world.startup.institution_id}",
        "/api/v1/me/",
    ]
    for prefix, viewset, _basename in router.registry:
        row = viewset.queryset.model.objects.order_by("pk").first()
        key = getattr(row, viewset.lookup_field if viewset.lookup_field != "pk" else "pk", None)
        base = f"/api/v1/{prefix}/"
        urls += [
            base,
            f"{base}?search=机密",
            f"{base}?format=csv",
            f"{base}?format=xlsx",
            f"{base}?ordering=-id&page_size=500",
        ]
        if key is not None:
            urls.append(f"{base}{key}/")
    return urls


def page_urls(world) -> list[str]:
    urls = [
        reverse("dashboard:pipeline"),
        reverse("dashboard:pipeline") + "?population=all",
        reverse("dashboard:fund", args=[world.fund.pk]),
        reverse("dashboard:fund-lps", args=[world.fund.pk]),
        reverse("dashboard:startup", args=[world.startup.pk]),
        reverse("dashboard:impact"),
    ]
    for model in MODELS:
        obj = model.objects.order_by("pk").first()
        urls.append(admin_url(model, "changelist"))
        if obj is not None:
            urls.append(admin_url(model, "change", obj.pk))
    return urls


def assert_nothing_leaks(response, url, allowed):
    assert response.status_code in allowed, (url, response.status_code)
    body = body_of(response)
    for name in SECRETS:
        assert name not in body, (url, name)


@pytest.mark.parametrize("by", ["session", "token"])
def test_a_founder_gets_nothing_of_anyone_else(world, founder, by):
    client = login(founder) if by == "session" else token_client(founder)
    answered = set()
    for url in api_urls(world):
        response = client.get(url)
        assert_nothing_leaks(response, url, {200, 400, 403, 404})
        answered.add(response.status_code)
    assert {200, 403, 404} <= answered  # the founder does read their own rows
    if by == "session":
        for url in page_urls(world):
            response = client.get(url)
            assert_nothing_leaks(response, url, {302})
            assert response["Location"] in (
                reverse("founder:home"),
                f"{reverse('admin:login')}?next={url}",
            ), url
        own = client.get(reverse("founder:home"))
        assert_nothing_leaks(own, "/founder/", {200})
        assert "自家样机" in body_of(own)
        # their KPI pages: the startup is the membership's, whatever the URL carries
        for url in (
            reverse("founder:kpi-history"),
            reverse("founder:kpi-quarter", args=[2024, 1]),
            reverse("founder:kpi-history") + f"?startup={world.startup.pk}",
        ):
            assert_nothing_leaks(client.get(url), url, {200})


def test_the_other_startups_rows_are_not_even_counted(world, founder):
    client = token_client(founder)
    for prefix in ("startups", "milestones", "kpi-reports", "funding-rounds"):
        body = client.get(f"/api/v1/{prefix}/", {"search": "机密"}).json()
        assert body["count"] == 0, prefix
    assert client.get(f"/api/v1/startups/{world.startup.pk}/").status_code == 404
    assert client.get(f"/api/v1/funding-rounds/{world.round.pk}/").status_code == 404
