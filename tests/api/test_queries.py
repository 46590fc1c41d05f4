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
from portfolio.services import kpis as _kpis  # noqa: F401  (services.kpis)
from tests.support import factories
from tests.support.api import api_routes, list_filters
from tests.support.clients import token_client
from tests.support.factories import make_user, stage

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
        factories.FundingRoundFactory(
            startup=startup,
            round_type="angel",
            closed_on=dt.date(2022, 6, 1),
            amount=Decimal("1000000"),
            lead_investor=world.idg,
            participants=[(world.idg, Decimal("500000")), (world.robotics, None)],
        )
        commitment = factories.CommitmentFactory(
            fund=world.fund,
            startup=startup,
            amount=Decimal("1000000"),
            approved_on=dt.date(2024, 1, 1),
        )
        factories.DisbursementFactory(
            commitment=commitment, amount=Decimal("500000"), paid_on=dt.date(2024, 2, 1)
        )
        factories.ValuationMarkFactory(
            fund=world.fund, startup=startup, as_of=dt.date(2024, 6, 30), method="dcf"
        )
        factories.DistributionFactory(
            fund=world.fund, startup=startup, paid_on=dt.date(2024, 9, 1), kind="write_off"
        )
        factories.MilestoneFactory(startup=startup)
        factories.KpiReportFactory(startup=startup, year=2024, quarter=1)
        factories.InstitutionFactory()
        factories.InvestorFactory()
        services.kpis.kpi_submission_create(
            startup=startup, year=2024, quarter=3, figures={"headcount": 3}
        )
    for _n in range(EXTRA):  # more facilities and bookings than a page of 10
        factories.FacilityFactory()
    factories.FacilityBookingFactory.create_batch(EXTRA, facility=world.fridge, startup=world.weici)
    factories.SpaceLeaseFactory.create_batch(EXTRA, startup=world.weici)  # a unit each
    factories.MentoringSessionFactory.create_batch(EXTRA, startup=world.coherent)  # a mentor each
    factories.IncubationAgreementFactory.create_batch(EXTRA)  # a startup each
    factories.PolicyApplicationFactory.create_batch(EXTRA)  # a startup each
    factories.FinancingIntroductionFactory.create_batch(EXTRA)  # a startup and investor each
    for year in range(2012, 2024):  # more requests than a page of 10, each asking startups
        services.kpis.kpi_request_open(
            year=year, quarter=1, due_on=dt.date(year, 4, 30), startups="all"
        )
    return world


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
        "/api/v1/kpi-requests/",
        "/api/v1/kpi-submissions/",
        "/api/v1/investors/",
        "/api/v1/funding-rounds/",
        "/api/v1/funds/",
        "/api/v1/commitments/",
        "/api/v1/disbursements/",
        "/api/v1/valuation-marks/",
        "/api/v1/distributions/",
        "/api/v1/facilities/",
        "/api/v1/facility-bookings/",
        "/api/v1/space-leases/",
        "/api/v1/mentors/",
        "/api/v1/mentoring-sessions/",
        "/api/v1/incubation-agreements/",
        "/api/v1/policy-applications/",
        "/api/v1/financing-introductions/",
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
    # the same at any page size; an unfiltered page reads its count with its rows
    # (``RowsPaginator.page``), so it may take one query fewer than a filtered one
    assert small == large <= small_filtered == large_filtered <= 6


def test_every_list_endpoint_is_covered(world):
    lists = {name for name in api_routes() if name.endswith("-list")}
    assert len(lists) == len(list_filters(world))
