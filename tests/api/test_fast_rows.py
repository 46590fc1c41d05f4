"""The startups and funding-rounds lists build their rows in one function each (bar P2);
those rows must be exactly what the declared DRF fields give, null and empty values included."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from rest_framework import serializers

from portfolio import selectors
from portfolio.api import renderers
from portfolio.api import serializers as s
from tests.support import factories
from tests.support.factories import stage


def drf_row(serializer_class, obj) -> dict:
    """The row as DRF's generic per-field path renders it."""
    return serializers.ModelSerializer.to_representation(serializer_class(), obj)


def as_json(row) -> str:
    return json.dumps(row, ensure_ascii=False)


@pytest.fixture
def odd_rows(world):
    """Rows with the nulls and blanks the world lacks: no institution, no lead, no amount."""
    loner = factories.StartupFactory(
        name="无机构量子", name_en="", institution=None, stage=stage("lab"), trl=1
    )
    loner.founded_on = None
    loner.admitted_on = None
    loner.headcount = None
    loner.save()
    factories.FundingRoundFactory(
        startup=loner,
        round_type="seed",
        closed_on=dt.date(2023, 3, 1),
        amount=None,
        amount_precision="undisclosed",
        announced_as="数百万元",
        lead_investor=None,
        participants=[],
    )
    factories.FundingRoundFactory(
        startup=loner,
        round_type="angel",
        closed_on=dt.date(2024, 3, 1),
        amount=Decimal("1234567.5"),
        pre_money_valuation=Decimal("50000000"),
        lead_investor=world.idg,
        participants=[(world.idg, Decimal("0.1")), (world.robotics, None)],
    )
    return world


def test_startup_rows_equal_the_declared_fields(odd_rows):
    startups = list(selectors.startup_list().order_by("id"))
    assert len(startups) >= 5
    assert any(obj.institution is None for obj in startups)
    for obj in startups:
        fast = s.StartupSerializer().to_representation(obj)
        assert as_json(fast) == as_json(drf_row(s.StartupSerializer, obj))
        assert list(fast) == s.StartupSerializer.Meta.fields


def test_round_rows_equal_the_declared_fields(odd_rows):
    rounds = list(selectors.funding_round_list().order_by("id"))
    assert any(obj.amount is None and obj.lead_investor is None for obj in rounds)
    assert any(part.amount is None for obj in rounds for part in obj.listed_participations)
    for obj in rounds:
        fast = s.FundingRoundSerializer().to_representation(obj)
        assert as_json(fast) == as_json(drf_row(s.FundingRoundSerializer, obj))
        assert list(fast) == s.FundingRoundSerializer.Meta.fields


def test_money_keeps_two_places():
    assert s.money_text(Decimal("1234567.5")) == "1234567.50"
    assert s.money_text(Decimal("0")) == "0.00"
    assert s.money_text(None) is None


def test_startup_list_pages_equal_the_serializer_rows(odd_rows, django_assert_num_queries):
    queryset = selectors.startup_list().order_by("-id")
    with django_assert_num_queries(1):
        rows = s.startup_rows(queryset[:50])
    expected = [s.StartupSerializer().to_representation(obj) for obj in queryset[:50]]
    assert len(rows) >= 5
    assert as_json(rows) == as_json(expected)


def test_round_list_pages_equal_the_serializer_rows(odd_rows, django_assert_num_queries):
    queryset = selectors.funding_round_list().order_by("-closed_on", "id")
    with django_assert_num_queries(2):  # rounds, participants (as the prefetch)
        rows = s.funding_round_rows(queryset[:50])
    expected = [s.FundingRoundSerializer().to_representation(obj) for obj in queryset[:50]]
    assert any(row["participants"] for row in rows)
    assert as_json(rows) == as_json(expected)
    with django_assert_num_queries(1):  # no rounds: no participants query
        assert s.funding_round_rows(queryset.filter(pk__lt=0)[:50]) == []


# --- exports ---------------------------------------------------------------------------------


def generic_cells(queryset) -> list[list]:
    """The export cells of DRF's declared fields, flattened by the renderers' generic path."""
    columns = renderers.columns_for(s.FundingRoundSerializer())
    rows = (drf_row(s.FundingRoundSerializer, obj) for obj in queryset)
    return list(renderers.flatten(columns, rows))


def test_round_export_rows_equal_the_flattened_declared_fields(odd_rows):
    queryset = selectors.funding_round_list().order_by("-closed_on", "id")
    fast = list(s.funding_round_export_rows(queryset))
    assert fast == generic_cells(queryset)
    participants = [row[12] for row in fast]
    assert "IDG资本: 0.10; 北京市机器人基金" in participants  # no amount, no colon
    assert "" in participants  # a round with no participants
    assert any(row[5] is None and row[10] is None for row in fast)  # no amount, no lead


def test_round_export_rows_are_one_lazy_query(odd_rows, django_assert_num_queries):
    """One query for every round and its participants, whatever the chunk size; nothing is
    fetched before the first row."""
    queryset = selectors.funding_round_list().order_by("id")
    assert queryset.count() >= 5
    with django_assert_num_queries(0):  # building the row iterator fetches nothing yet
        rows = s.funding_round_export_rows(queryset, chunk_size=2)
    with django_assert_num_queries(1):
        fast = list(rows)
    assert fast == generic_cells(queryset)


def test_round_export_participants_keep_their_order(odd_rows):
    """Participants in participation order (the JSON list's), not the investors' order."""
    round_ = odd_rows.weici.funding_rounds.order_by("closed_on").last()
    first, second = (
        factories.InvestorFactory(name="乙投资"),
        factories.InvestorFactory(name="甲投资"),
    )
    round_.participations.all().delete()
    round_.participations.create(investor=second, amount=Decimal("2.5"))
    round_.participations.create(investor=first, amount=None)
    round_.participations.create(investor=odd_rows.idg, amount=Decimal("100000000000.01"))
    queryset = selectors.funding_round_list().filter(pk=round_.pk)
    (row,) = s.funding_round_export_rows(queryset)
    assert row[12] == "甲投资: 2.50; 乙投资; IDG资本: 100000000000.01"
    assert [row] == generic_cells(queryset)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_export_files_equal_the_generic_path(odd_rows, fmt):
    """The fast export writes the same file (CSV bytes; XLSX cell values) as the generic one."""
    queryset = selectors.funding_round_list().order_by("-closed_on", "id")
    columns = renderers.columns_for(s.FundingRoundSerializer())
    renderer = {"csv": renderers.CSVRenderer, "xlsx": renderers.XLSXRenderer}[fmt]()
    fast = b"".join(renderer.stream(columns, s.funding_round_export_rows(queryset), title="r"))
    generic = b"".join(renderer.stream(columns, generic_cells(queryset), title="r"))
    if fmt == "csv":
        assert fast == generic
    else:
        assert xlsx_values(fast) == xlsx_values(generic)
        assert len(xlsx_values(fast)) == queryset.count() + 1


def xlsx_values(data: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


# --- the fund report -------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", [dt.date(2020, 1, 1), None])
def test_fund_report_equals_the_declared_fields(world, as_of):
    """Before any commitment (nothing to divide: ratios null) and today."""
    report = selectors.fund_report(world.fund, as_of)
    fast = s.FundReportSerializer().to_representation(report)
    generic = serializers.Serializer.to_representation(s.FundReportSerializer(), report)
    assert as_json(fast) == as_json(generic)
    assert list(fast) == list(s.FundReportSerializer().fields)
    assert fast["compliance"] and fast["committed"]
