"""The API for founders (issue 15): ``GET /me/``, the scoping declared by every viewset, and
a founder's lists in as few queries as anyone's. The matrix of statuses (own rows 200,
another startup's 404, fund and reports 403) is in test_permissions.py."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio.api.urls import router
from portfolio.selectors.scope import REFERENCE
from tests.support import factories
from tests.support.clients import login, token_client
from tests.support.factories import make_user
from tests.support.founders import make_founder, two_founders


@pytest.mark.parametrize(
    ("role", "roles"),
    [
        ("viewers", ["viewers"]),
        ("incubator-staff", ["incubator-staff"]),
        ("fund-managers", ["fund-managers"]),
        ("superuser", []),
    ],
)
def test_me_names_the_user_and_roles(db, role, roles):
    user = make_user(role)
    body = token_client(user).get("/api/v1/me/").json()
    assert body == {"username": user.username, "roles": roles, "startup": None}


def test_me_gives_a_founder_their_startup(world):
    founders = two_founders(world)
    for client in (token_client(founders.a), login(founders.a)):
        body = client.get("/api/v1/me/").json()
        assert body == {
            "username": "founder_a",
            "roles": ["founders"],
            "startup": {"id": world.weici.pk, "name": world.weici.name},
        }
    assert token_client(founders.b).get("/api/v1/me/").json()["startup"]["id"] == (
        world.coherent.pk
    )


def test_me_is_not_for_anonymous(db):
    assert login(None).get("/api/v1/me/").status_code == 401


def test_every_viewset_declares_a_scope_that_reaches_a_startup(db):
    """A string scope is a lookup path from the viewset's rows to a startup (a typo would
    raise here, not answer a founder with every row); no scope closes the viewset."""
    from portfolio.models import Startup

    declared = {}
    for prefix, viewset, _basename in router.registry:
        scope = viewset.founder_scope
        declared[prefix] = scope
        if scope in (None, REFERENCE):
            continue
        model = viewset.queryset.model
        model.objects.filter(**{f"{scope}__in": Startup.objects.none()}).exists()
    assert declared["startups"] == "pk"
    assert declared["stages"] is REFERENCE and declared["institutions"] is REFERENCE
    for closed in ("funds", "commitments", "investors", "limited-partners", "capital-calls"):
        assert declared[closed] is None, closed


SCOPED_LISTS = [
    "/api/v1/startups/",
    "/api/v1/stage-transitions/",
    "/api/v1/milestones/",
    "/api/v1/kpi-reports/",
    "/api/v1/funding-rounds/",
    "/api/v1/stages/",
    "/api/v1/institutions/",
]


@pytest.mark.parametrize("url", SCOPED_LISTS)
def test_a_founders_lists_do_not_grow_in_queries(db, url):
    startup = factories.StartupFactory()
    founder = make_founder(startup)
    investor = factories.InvestorFactory()
    years = iter(range(2000, 2100))

    def add_rows(n):
        for _ in range(n):
            factories.MilestoneFactory(startup=startup)
            factories.KpiReportFactory(startup=startup, year=next(years), quarter=1)
            factories.FundingRoundFactory(
                startup=startup,
                round_type="angel",
                lead_investor=investor,
                participants=[(investor, None)],
            )
            factories.StartupFactory()  # another startup's rows, never shown

    client = token_client(founder)
    client.get("/api/v1/")  # first use of the token records last_used_at

    def count(page_size):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"page_size": page_size})
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()["count"]

    add_rows(2)
    small, rows_small = count(10)
    add_rows(12)
    large, rows_large = count(500)
    assert small == large <= 6
    if url in ("/api/v1/milestones/", "/api/v1/kpi-reports/", "/api/v1/funding-rounds/"):
        assert rows_large > 10 > rows_small
