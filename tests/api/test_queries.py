"""Every list answers in the same number of queries at page_size 10 and 500, with and
without every filter applied, and never more than 6 (token lookup, permissions, count,
page, at most one prefetch)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio import services
from tests import factories
from tests.api.conftest import make_user, token_client
from tests.factories import stage

EXTRA = 15  # rows beyond the world, so that a page of 10 is smaller than a page of 500


@pytest.fixture
def many(world):
    """The world plus enough rows of every kind to fill more than one small page."""
    for _n in range(EXTRA):
        startup = factories.StartupFactory(
            institution=world.tsinghua, stage=stage("concept"), trl=3
        )
        services.startup_advance(
            startup=startup, to_stage=stage("prototype"), on=dt.date(2022, 5, 1), trl=4
        )
        services.round_record(
            startup=startup,
            round_type="angel",
            closed_on=dt.date(2022, 6, 1),
            amount=Decimal("1000000"),
            lead_investor=world.idg,
            participants=[(world.idg, Decimal("500000")), (world.robotics, None)],
        )
        services.commitment_create(
            fund=world.fund,
            startup=startup,
            amount=Decimal("1000000"),
            approved_on=dt.date(2024, 1, 1),
        )
        factories.MilestoneFactory(startup=startup)
        factories.KpiReportFactory(startup=startup, year=2024, quarter=1)
        factories.InstitutionFactory()
        factories.InvestorFactory()
    return world


def list_filters(world) -> dict[str, dict[str, object]]:
    """Every list endpoint with every one of its filters set to a good value."""
    return {
        "/api/v1/institutions/": {"kind": "university", "search": "研究", "ordering": "name"},
        "/api/v1/stages/": {"search": "o", "ordering": "-order"},
        "/api/v1/startups/": {
            "stage": ["concept", "prototype"],
            "tech_area": "computing",
            "status": "active",
            "institution": world.tsinghua.pk,
            "founded_after": "2019-01-01",
            "founded_before": "2024-01-01",
            "in_valley": "true",
            "crossed_valley": "false",
            "fund": world.fund.pk,
            "search": "量子",
            "ordering": "-total_raised",
        },
        "/api/v1/stage-transitions/": {
            "startup": world.weici.pk,
            "to_stage": "pilot",
            "after": "2020-01-01",
            "before": "2024-12-31",
            "search": "未磁",
            "ordering": "on",
        },
        "/api/v1/milestones/": {
            "startup": world.weici.pk,
            "kind": "certification",
            "after": "2020-01-01",
            "before": "2024-12-31",
            "search": "NMPA",
            "ordering": "achieved_on",
        },
        "/api/v1/kpi-reports/": {
            "startup": world.weici.pk,
            "year": 2024,
            "quarter": 2,
            "search": "未磁",
            "ordering": "revenue",
        },
        "/api/v1/investors/": {"kind": "vc", "search": "IDG", "ordering": "name"},
        "/api/v1/funding-rounds/": {
            "startup": world.weici.pk,
            "round_type": "a",
            "closed_after": "2020-01-01",
            "closed_before": "2024-12-31",
            "amount_min": "1000.00",
            "amount_max": "900000000",
            "investor": world.robotics.pk,
            "tech_area": "sensing",
            "stage": "first-sales",
            "search": "未磁",
            "ordering": "-amount",
        },
        "/api/v1/funds/": {"search": "量子", "ordering": "size"},
        "/api/v1/commitments/": {
            "fund": world.fund.pk,
            "startup": world.weici.pk,
            "status": "approved",
            "search": "未磁",
            "ordering": "-amount",
        },
    }


def count_queries(client, url, params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/institutions/",
        "/api/v1/stages/",
        "/api/v1/startups/",
        "/api/v1/stage-transitions/",
        "/api/v1/milestones/",
        "/api/v1/kpi-reports/",
        "/api/v1/investors/",
        "/api/v1/funding-rounds/",
        "/api/v1/funds/",
        "/api/v1/commitments/",
    ],
)
def test_list_query_count_does_not_grow(url, many):
    client = token_client(make_user("viewers"))
    client.get("/api/v1/")  # first use of the token records last_used_at (one UPDATE)
    small, small_body = count_queries(client, url, {"page_size": 10})
    large, large_body = count_queries(client, url, {"page_size": 500})
    assert small_body["count"] == large_body["count"]
    if small_body["count"] > 10:
        assert len(small_body["results"]) == 10
    filters = list_filters(many)[url]
    small_filtered, filtered_body = count_queries(client, url, {**filters, "page_size": 10})
    large_filtered, _ = count_queries(client, url, {**filters, "page_size": 500})
    assert filtered_body["count"] >= 1, "the filters should still match a row"
    assert small == large == small_filtered == large_filtered <= 6


def test_every_list_endpoint_is_covered(world):
    from tests.api.test_permissions import api_routes

    lists = {name for name in api_routes() if name.endswith("-list")}
    assert len(lists) == len(list_filters(world))
