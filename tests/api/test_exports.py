"""Exports: every list answers ?format=csv and ?format=xlsx with the same filters, all
matching rows, streamed, flattened, named after the resource and the date."""

from __future__ import annotations

import csv
import io
import re
import tracemalloc

import openpyxl
import pytest
from django.utils import timezone

from portfolio.api import renderers
from portfolio.api.serializers import StartupSerializer
from tests.support.api import list_filters
from tests.support.clients import token_client
from tests.support.factories import make_user

LISTS = [
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
    "/api/v1/disbursements/",
    "/api/v1/valuation-marks/",
    "/api/v1/distributions/",
    "/api/v1/facilities/",
    "/api/v1/facility-bookings/",
]


@pytest.fixture
def client(world):
    return token_client(make_user("fund-managers"))


def content(response) -> bytes:
    assert response.streaming, "exports are streamed"
    return b"".join(response.streaming_content)


def read_csv(response) -> list[dict]:
    data = content(response)
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def read_xlsx(response) -> list[dict]:
    workbook = openpyxl.load_workbook(io.BytesIO(content(response)))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


READERS = {"csv": read_csv, "xlsx": read_xlsx}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("url", LISTS)
def test_export_has_every_row_of_the_json_list(client, world, url, fmt):
    for params in ({}, list_filters(world)[url]):
        count = client.get(url, {**params, "page_size": 1}).json()["count"]
        response = client.get(url, {**params, "format": fmt})
        assert response.status_code == 200
        resource = url.rstrip("/").rsplit("/", 1)[-1]
        today = timezone.localdate().isoformat()
        assert response["Content-Disposition"] == (
            f'attachment; filename="{resource}-{today}.{fmt}"'
        )
        assert len(READERS[fmt](response)) == count


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_startups_export_is_flat_with_chinese_intact(client, world, fmt):
    rows = READERS[fmt](client.get("/api/v1/startups/", {"format": fmt, "search": "未磁"}))
    assert len(rows) == 1
    row = rows[0]
    assert row["name"] == "未磁科技"
    assert row["stage_slug"] == "first-sales"
    assert row["stage_name"] == "首单商用"
    assert row["institution_name"] == "中国科学院物理研究所"
    assert "stage" not in row
    if fmt == "csv":
        assert row["total_raised"] == "300000000.00"
        assert row["crossed_valley"] == "true"
    else:
        assert row["total_raised"] == 300000000
        assert row["crossed_valley"] is True
    assert row["currency"] == "CNY"


def test_funding_round_participants_in_one_cell(client, world):
    rows = read_csv(client.get("/api/v1/funding-rounds/", {"format": "csv", "round_type": "a"}))
    assert rows[0]["participants"] == "IDG资本: 60000000.00; 北京市机器人基金: 40000000.00"
    assert rows[0]["lead_investor_name"] == "IDG资本"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_holdings_export(client, world, fmt):
    url = f"/api/v1/funds/{world.fund.pk}/holdings/"
    rows = READERS[fmt](client.get(url, {"format": fmt, "as_of": "2024-12-31"}))
    assert [row["name"] for row in rows] == ["未磁科技", "相干科技"]


def test_export_of_a_detail_route_is_not_offered(client, world):
    assert client.get(f"/api/v1/startups/{world.weici.pk}/", {"format": "csv"}).status_code == 404


# --- memory: the renderers stream ------------------------------------------------------------


def fake_rows(n: int):
    """Serialized startup rows as the list view produces them, generated lazily."""
    for i in range(n):
        yield {
            "id": i,
            "name": f"量子初创{i}",
            "name_en": f"Quantum Startup {i}",
            "credit_code": f"91110108MA{i:07d}X",
            "tech_area": "computing",
            "status": "active",
            "stage": {
                "slug": "pilot",
                "name": "中试验证",
                "name_en": "Pilot",
                "order": 4,
                "in_valley": True,
            },
            "stage_entered_on": "2023-02-01",
            "trl": 6,
            "institution": {"id": i % 50, "name": f"研究机构{i % 50}"},
            "founded_on": "2020-01-01",
            "admitted_on": "2021-03-01",
            "registered_region": "北京市海淀区",
            "headcount": 12,
            "total_raised": f"{i * 1000}.00",
            "currency": "CNY",
            "last_round_on": "2023-06-01",
            "crossed_valley": False,
            "crossed_valley_on": None,
        }


def cells(columns, n: int):
    return renderers.flatten(columns, fake_rows(n))


def peak_memory(stream) -> tuple[int, int]:
    """Peak traced memory while consuming ``stream`` (chunks are dropped), and its size."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    size = 0
    for chunk in stream:
        size += len(chunk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, size


def test_csv_export_memory_does_not_grow_with_rows():
    """The full startups row (24 columns): 100k rows peak at most 1.5x of 10k rows."""
    columns = renderers.columns_for(StartupSerializer())
    renderer = renderers.CSVRenderer()
    peak_10k, size_10k = peak_memory(renderer.stream(columns, cells(columns, 10_000), title="s"))
    peak_100k, size_100k = peak_memory(renderer.stream(columns, cells(columns, 100_000), title="s"))
    assert size_100k > 9 * size_10k  # the big export really is ten times the data
    assert peak_100k <= 1.5 * peak_10k, (peak_10k, peak_100k)


def test_xlsx_export_memory_does_not_grow_with_rows():
    """openpyxl's write-only sheet keeps no rows in memory. Under tracemalloc openpyxl is
    slow (about 75 microseconds a cell), so this uses two columns of the startups row (a
    Chinese name and an amount): what would grow is per row, not per column."""
    columns = [
        c for c in renderers.columns_for(StartupSerializer()) if c.name in ("name", "total_raised")
    ]
    renderer = renderers.XLSXRenderer()
    peak_10k, size_10k = peak_memory(renderer.stream(columns, cells(columns, 10_000), title="s"))
    peak_100k, size_100k = peak_memory(renderer.stream(columns, cells(columns, 100_000), title="s"))
    assert size_100k > 8 * size_10k
    assert peak_100k <= 1.5 * peak_10k, (peak_10k, peak_100k)


def test_csv_export_over_the_database_is_lazy(client, world, django_assert_max_num_queries):
    """The export view iterates the queryset in chunks: nothing is fetched before the body."""
    with django_assert_max_num_queries(3):  # token, permissions (+ last_used_at once)
        response = client.get("/api/v1/startups/", {"format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert re.search(r"未磁科技", body)


def test_xlsx_export_drops_control_characters_xml_cannot_hold(client, world):
    staff = token_client(make_user("incubator-staff"))
    response = staff.post(
        "/api/v1/institutions/",
        {"name": "坏\x01字符\x1f研究所", "kind": "other"},
        content_type="application/json",
    )
    assert response.status_code == 201
    rows = read_xlsx(client.get("/api/v1/institutions/", {"format": "xlsx", "kind": "other"}))
    assert [row["name"] for row in rows] == ["坏字符研究所"]
    rows = read_csv(client.get("/api/v1/institutions/", {"format": "csv", "kind": "other"}))
    assert [row["name"] for row in rows] == ["坏\x01字符\x1f研究所"]  # CSV keeps the data as is


@pytest.mark.parametrize(
    "params",
    [
        {"ordering": "-amount"},
        {"ordering": "round_type"},
        {"search": "未磁", "ordering": "closed_on"},
    ],
)
def test_funding_round_export_follows_the_lists_filters_and_order(client, world, params):
    """The fast export path reads the same filtered, ordered queryset as the JSON list."""
    listed = client.get("/api/v1/funding-rounds/", params).json()["results"]
    rows = read_csv(client.get("/api/v1/funding-rounds/", {**params, "format": "csv"}))
    assert [int(row["id"]) for row in rows] == [item["id"] for item in listed]
    assert len(rows) >= 2
    for row, item in zip(rows, listed, strict=True):
        assert row["amount"] == (item["amount"] or "")
        assert row["startup_name"] == item["startup"]["name"]
