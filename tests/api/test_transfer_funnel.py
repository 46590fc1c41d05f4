"""The technology-transfer funnel per institution (issue 16, ``incubator-ops.md`` §4): a small
world whose figures are worked out by hand below, the year boundaries, the export, who may
read it, and constant queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from portfolio.models import Graduation, IncubationRule, Startup
from portfolio.models.choices import AmountPrecision
from tests.support import factories
from tests.support.clients import token_client
from tests.support.factories import make_user
from tests.support.founders import make_founder

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/transfer-funnel/"
WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def number(year: int, kind_digit: str, serial: int) -> str:
    """A valid CN application number (incubator-ops.md §4: weights 2-9,2-5, mod 11, X)."""
    digits = f"{year}{kind_digit}{serial:07d}"
    rest = sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11
    return f"{digits}.{'X' if rest == 10 else rest}"


def item(kind: str, serial: int) -> dict:
    digit = {"invention": "1", "utility_model": "2", "design": "3"}[kind]
    return {"kind": kind, "application_number": number(2023, digit, serial)}


def transfer(startup, institution, mode, on, *items):
    return factories.TechTransferFactory(
        startup=startup, institution=institution, mode=mode, contract_on=on, ip_items=list(items)
    )


@pytest.fixture
def world():
    a = factories.InstitutionFactory(name="甲研究院")
    b = factories.InstitutionFactory(name="乙大学")
    s1 = factories.StartupFactory(institution=a, admitted_on=dt.date(2024, 3, 1))
    s2 = factories.StartupFactory(institution=a, admitted_on=None)
    s3 = factories.StartupFactory(institution=b)
    Startup.objects.filter(pk=s1.pk).update(crossed_valley_on=dt.date(2025, 6, 1))
    Graduation.objects.create(
        startup=s1,
        graduated_on=dt.date(2025, 11, 1),
        rule=IncubationRule.objects.first(),
        basis_vc_over_5m=True,
    )
    transfer(s1, a, "equity", dt.date(2023, 5, 1), item("invention", 1), item("utility_model", 2))
    transfer(s2, a, "licence", dt.date(2025, 2, 1), item("invention", 3))
    transfer(s3, a, "licence", dt.date(2025, 3, 1))  # not a spin-off of a: s3 is b's
    transfer(s3, b, "transfer", dt.date(2024, 1, 1), item("design", 4))  # not a spin-off mode
    transfer(s1, a, "licence", dt.date(2026, 1, 10))  # after 2025
    for quarter, revenue, headcount in ((1, "100000.50", 10), (3, "200000.00", 14)):
        factories.KpiReportFactory(
            startup=s1, year=2025, quarter=quarter, revenue=Decimal(revenue), headcount=headcount
        )
    factories.KpiReportFactory(
        startup=s1, year=2024, quarter=4, revenue=Decimal("999"), headcount=9
    )
    factories.KpiReportFactory(startup=s2, year=2025, quarter=2, revenue=Decimal("0"), headcount=3)
    factories.FundingRoundFactory(startup=s1, closed_on=dt.date(2025, 4, 1), amount=Decimal("5e6"))
    factories.FundingRoundFactory(
        startup=s1,
        closed_on=dt.date(2025, 8, 1),
        amount=None,
        amount_precision=AmountPrecision.UNDISCLOSED,
    )
    factories.FundingRoundFactory(startup=s2, closed_on=dt.date(2024, 6, 1), amount=Decimal("1e6"))
    return a, b


def test_the_funnel_gives_the_hand_worked_figures(world):
    a, b = world
    response = token_client(make_user("viewers")).get(URL, {"year": 2025})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["year"] == 2025
    assert [row["institution"]["name"] for row in body["institutions"]] == ["甲研究院", "乙大学"]
    first, second = body["institutions"]
    assert first == {
        "institution": {"id": a.pk, "name": "甲研究院"},
        "contracts": 3,  # equity 2023, two licences 2025 (the 2026 one is after the year)
        "contracts_in_year": 2,
        "by_mode": {"transfer": 0, "licence": 2, "equity": 1, "joint": 0, "self": 0},
        "patents": 3,
        "invention_patents": 2,
        "spin_offs": 2,  # s1 (equity) and s2 (licence); s3 belongs to 乙大学
        "admitted": 1,  # s2 was never admitted
        "crossed_valley": 1,
        "graduated": 1,
        "revenue": "300000.50",  # s1's 2025 Q1 + Q3; s2's Q2 is 0; 2024's 999 is out
        "jobs": 17,  # s1's last 2025 headcount (Q3: 14) + s2's (3)
        "reporting": 2,
        "financing": "5000000.00",  # the undisclosed round is counted apart, 2024's is out
        "undisclosed_rounds": 1,
    }
    assert second["contracts"] == 1 and second["contracts_in_year"] == 0
    assert second["by_mode"]["transfer"] == 1
    assert (second["patents"], second["invention_patents"], second["spin_offs"]) == (1, 0, 0)


def test_an_earlier_year_counts_only_what_happened_by_its_end(world):
    response = token_client(make_user("viewers")).get(URL, {"year": 2024})
    rows = {row["institution"]["name"]: row for row in response.json()["institutions"]}
    first = rows["甲研究院"]  # one contract each: ties go by name
    assert (first["contracts"], first["spin_offs"], first["admitted"]) == (1, 1, 1)
    assert (first["crossed_valley"], first["graduated"]) == (0, 0)
    assert (first["revenue"], first["jobs"], first["financing"]) == ("999.00", 9, "0.00")
    assert token_client(make_user("viewers")).get(URL, {"year": 2022}).json()["institutions"] == []


def test_the_year_is_required_and_checked(db):
    client = token_client(make_user("viewers"))
    for bad in ({}, {"year": "x"}, {"year": 1999}, {"year": 2101}):
        response = client.get(URL, bad)
        assert response.status_code == 400, bad
        assert set(response.json()) == {"year"}


def test_the_export_has_one_row_per_institution(world):
    response = token_client(make_user("fund-managers")).get(URL, {"year": 2025, "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, *body = rows
    assert "institution_name" in header and "by_mode_equity" in header
    assert [row[header.index("institution_name")] for row in body] == ["甲研究院", "乙大学"]
    assert body[0][header.index("revenue")] == "300000.50"


def test_founders_and_anonymous_do_not_read_it(world):
    startup = Startup.objects.filter(institution=world[0]).first()
    assert token_client(make_founder(startup)).get(URL, {"year": 2025}).status_code == 403
    from django.test import Client

    assert Client().get(URL, {"year": 2025}).status_code == 401


def test_the_funnels_queries_do_not_grow(world, django_assert_max_num_queries):
    client = token_client(make_user("viewers"))
    client.get("/api/v1/")
    with django_assert_max_num_queries(12) as few:
        client.get(URL, {"year": 2025})
    for n in range(5):
        institution = factories.InstitutionFactory()
        startup = factories.StartupFactory(institution=institution)
        transfer(startup, institution, "equity", dt.date(2025, 1, 1), item("invention", 10 + n))
        factories.KpiReportFactory(startup=startup, year=2025, quarter=1)
        factories.FundingRoundFactory(startup=startup, closed_on=dt.date(2025, 2, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"year": 2025})
    assert len(response.json()["institutions"]) == 7
