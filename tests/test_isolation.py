"""Isolation (R8): an anonymous visitor and a logged-in account without a role get nothing of
any row -- through a detail URL, a list, a filter, an export, a report, a dashboard, the
admin or the schema. Also the API's rate limits on exports and token bursts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from portfolio.models import (
    ApiToken,
)
from tests.support import factories
from tests.support.admin import MODELS, admin_url
from tests.support.clients import login
from tests.support.worlds import SECRET_NAMES, api_urls, secret_world


@pytest.fixture
def world(db):
    return secret_world()


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", "replace")


def page_urls(world) -> list[str]:
    urls = [
        reverse("dashboard:pipeline"),
        reverse("dashboard:pipeline") + "?tech_area=sensing",
        reverse("dashboard:pipeline") + "?population=all",
        reverse("dashboard:fund", args=[world.fund.pk]),
        reverse("dashboard:startup", args=[world.startup.pk]),
        reverse("dashboard:impact"),
        reverse("dashboard:impact") + "?year=2024&population=all",
    ]
    for model in MODELS:
        obj = model.objects.order_by("pk").first()
        urls += [
            admin_url(model, "changelist"),
            admin_url(model, "changelist") + "?q=机密",
            admin_url(model, "change", obj.pk),
            admin_url(model, "history", obj.pk),
        ]
    urls.append(
        reverse("admin:autocomplete")
        + "?app_label=portfolio&model_name=commitment&field_name=startup&term=机密"
    )
    return urls


def assert_nothing_leaks(response, url, allowed):
    assert response.status_code in allowed, (url, response.status_code)
    body = body_of(response)
    for name in SECRET_NAMES:
        assert name not in body, (url, name)
    if response.status_code == 302:
        assert "login" in response["Location"], (url, response["Location"])


def no_role_user():
    return factories.UserFactory(username="norole")  # is_staff, but no group


def test_anonymous_gets_nothing(world):
    client = Client()
    for url in api_urls(world):
        assert_nothing_leaks(client.get(url), url, {401})
    for url in page_urls(world):
        assert_nothing_leaks(client.get(url), url, {302})


def test_a_logged_in_user_without_a_role_gets_nothing(world):
    user = no_role_user()
    session = login(user)
    _token, key = ApiToken.issue(user)
    token = Client(HTTP_AUTHORIZATION=f"Token {key}")
    for url in api_urls(world):
        assert_nothing_leaks(session.get(url), url, {403})
        assert_nothing_leaks(token.get(url), url, {403})
    for url in page_urls(world):
        assert_nothing_leaks(session.get(url), url, {403})
    # The admin's start page answers, but lists nothing to open.
    index = session.get(reverse("admin:index"))
    assert_nothing_leaks(index, "/admin/", {200})
    assert "/admin/portfolio/" not in body_of(index)


def test_a_viewer_does_see_the_rows(world, viewer):
    """The same URLs do answer a role that may read (so the refusals above are the rule's)."""
    client = login(viewer)
    for url in [
        f"/api/v1/startups/{world.startup.pk}/",
        "/api/v1/startups/?format=csv",
        f"/api/v1/funds/{world.fund.pk}/report/",
        reverse("dashboard:startup", args=[world.startup.pk]),
        admin_url(type(world.startup), "change", world.startup.pk),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET_NAMES[0] in body_of(response) or SECRET_NAMES[2] in body_of(response), url
    assert client.get("/api/schema/").status_code == 200


def test_one_view_permission_does_not_open_the_fund(world):
    """A user granted only view_startup reads startups but not the fund's books."""
    user = factories.UserFactory(username="partial")
    user.user_permissions.add(Permission.objects.get(codename="view_startup"))
    client = login(user)
    assert client.get(f"/api/v1/startups/{world.startup.pk}/").status_code == 200
    for url in [
        f"/api/v1/funds/{world.fund.pk}/report/",
        f"/api/v1/funds/{world.fund.pk}/holdings/?format=csv",
        "/api/v1/commitments/?format=csv",
        reverse("dashboard:fund", args=[world.fund.pk]),
    ]:
        assert_nothing_leaks(client.get(url), url, {403})


# --- throttling -------------------------------------------------------------------------------


def rates(**overrides):
    from django.conf import settings

    framework = dict(settings.REST_FRAMEWORK)
    framework["DEFAULT_THROTTLE_RATES"] = {**framework["DEFAULT_THROTTLE_RATES"], **overrides}
    return override_settings(REST_FRAMEWORK=framework)


def test_exports_are_throttled(world, fund_manager):
    cache.clear()
    client = login(fund_manager)
    with rates(exports="3/minute"):
        for _ in range(3):
            assert client.get("/api/v1/startups/?format=csv").status_code == 200
        refused = client.get("/api/v1/funding-rounds/?format=xlsx")
        assert refused.status_code == 429
        assert refused["Content-Type"].startswith("application/json")
        assert "Retry-After" in refused
        # JSON pages are not exports: still answered.
        assert client.get("/api/v1/startups/").status_code == 200
        # Another user has their own count.
        assert login(world_viewer()).get("/api/v1/startups/?format=csv").status_code == 200


def world_viewer():
    return factories.UserFactory(username="other_viewer", role="viewers")


def test_token_bursts_are_throttled(world, viewer):
    cache.clear()
    _token, key = ApiToken.issue(viewer)
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    with rates(**{"token-burst": "4/minute"}):
        for _ in range(4):
            assert client.get("/api/v1/stages/").status_code == 200
        assert client.get("/api/v1/stages/").status_code == 429
        # The same person in the browser (session) is not held by the token's limit.
        assert login(viewer).get("/api/v1/stages/").status_code == 200
        _other, second = ApiToken.issue(viewer)
        assert (
            Client(HTTP_AUTHORIZATION=f"Token {second}").get("/api/v1/stages/").status_code == 200
        )


def test_default_rates_are_configured():
    from django.conf import settings

    configured = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert configured["exports"] == "30/minute"
    assert configured["token-burst"] == "300/minute"
