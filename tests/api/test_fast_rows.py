"""The startups and funding-rounds lists build their rows from their row specs with plain
readers (``portfolio.api.rows``; bars P2, P4); those rows and export cells must be exactly
what the spec-derived DRF serializers give, null and empty values included."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from unittest import mock

import openpyxl
import pytest
from rest_framework import serializers

from portfolio import selectors
from portfolio.api import plain, renderers, rows
from portfolio.api import serializers as s
from portfolio.api.kpis import KpiSubmissionSerializer
from portfolio.models import specs
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


def test_startup_list_pages_equal_the_serializer_rows(odd_rows, django_assert_num_queries):
    queryset = selectors.startup_list().order_by("-id")
    with django_assert_num_queries(1):
        fast = rows.json_rows(specs.STARTUP, queryset[:50])
    expected = [drf_row(s.StartupSerializer, obj) for obj in queryset[:50]]
    assert len(fast) >= 5
    assert any(row["institution"] is None for row in fast)
    assert as_json(fast) == as_json(expected)
    assert all(list(row) == s.StartupSerializer.Meta.fields for row in fast)


def test_round_list_pages_equal_the_serializer_rows(odd_rows, django_assert_num_queries):
    queryset = selectors.funding_round_list().order_by("-closed_on", "id")
    with django_assert_num_queries(2):  # rounds, participants (as the prefetch)
        fast = rows.json_rows(specs.FUNDING_ROUND, queryset[:50])
    expected = [drf_row(s.FundingRoundSerializer, obj) for obj in queryset[:50]]
    assert any(row["amount"] is None and row["lead_investor"] is None for row in fast)
    assert any(part["amount"] is None for row in fast for part in row["participants"])
    assert as_json(fast) == as_json(expected)
    assert all(list(row) == s.FundingRoundSerializer.Meta.fields for row in fast)
    with django_assert_num_queries(1):  # no rounds: no participants query
        assert rows.json_rows(specs.FUNDING_ROUND, queryset.filter(pk__lt=0)[:50]) == []


def test_kpi_submission_pages_equal_the_serializer_rows(odd_rows, django_assert_num_queries):
    """Ids for the startup, request and report, usernames for the people, times in
    Asia/Shanghai, the runway with one place; nulls where a row has none (no request, not
    reviewed, no runway) and where it has them (reviewed, approved into a report)."""
    from portfolio.api.kpis import KpiSubmissionSerializer
    from portfolio.services import kpis
    from tests.support.factories import UserFactory

    reviewer = UserFactory(username="审阅人")
    loner = selectors.startup_list().get(name="无机构量子")
    kpis.kpi_submission_create(
        startup=loner, year=2023, quarter=2, figures={"runway_months": Decimal("7.5")}
    )
    approved = kpis.kpi_submission_create(
        startup=loner, year=2023, quarter=1, figures={"cash": Decimal("12.5")}, by=reviewer
    )
    kpis.kpi_submission_review(submission=approved, decision="approve", by=reviewer)
    queryset = selectors.kpi_submission_list().order_by("-id")
    with django_assert_num_queries(1):
        fast = rows.json_rows(specs.KPI_SUBMISSION, queryset[:50])
    expected = [drf_row(KpiSubmissionSerializer, obj) for obj in queryset[:50]]
    assert as_json(fast) == as_json(expected)
    assert any(row["request"] is None and row["reviewed_by"] is None for row in fast)
    done = next(row for row in fast if row["status"] == "approved")
    assert done["reviewed_by"] == "审阅人" and done["report"] is not None
    assert done["reviewed_at"].endswith("+08:00")
    assert any(row["runway_months"] == "7.5" for row in fast)


def test_money_keeps_two_places():
    assert rows.money_text(Decimal("1234567.5")) == "1234567.50"
    assert rows.money_text(Decimal("0")) == "0.00"
    assert rows.money_text(None) is None


# --- exports ---------------------------------------------------------------------------------


def generic_cells(queryset, serializer_class=s.FundingRoundSerializer) -> list[list]:
    """The export cells of DRF's declared fields, flattened by the renderers' generic path."""
    columns = renderers.columns_for(serializer_class())
    drf_rows = (drf_row(serializer_class, obj) for obj in queryset)
    return list(renderers.flatten(columns, drf_rows))


def round_cells(queryset, **kwargs):
    return rows.export_rows(specs.FUNDING_ROUND, queryset, **kwargs)


def test_round_export_rows_equal_the_flattened_declared_fields(odd_rows):
    queryset = selectors.funding_round_list().order_by("-closed_on", "id")
    fast = list(round_cells(queryset))
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
        cells = round_cells(queryset, chunk_size=2)
    with django_assert_num_queries(1):
        fast = list(cells)
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
    (row,) = round_cells(queryset)
    assert row[12] == "甲投资: 2.50; 乙投资; IDG资本: 100000000000.01"
    assert [row] == generic_cells(queryset)


def test_startup_export_rows_equal_the_flattened_declared_fields(
    odd_rows, django_assert_num_queries
):
    queryset = selectors.startup_list().order_by("name")
    with django_assert_num_queries(1):
        fast = list(rows.export_rows(specs.STARTUP, queryset, chunk_size=2))
    assert fast == generic_cells(queryset, s.StartupSerializer)
    header = [column.name for column in renderers.columns_for(s.StartupSerializer())]
    at = header.index("institution_id")
    assert any(row[at] is None and row[at + 1] is None for row in fast)  # no institution


LISTS = {
    "startups": (specs.STARTUP, selectors.startup_list, s.StartupSerializer),
    "rounds": (specs.FUNDING_ROUND, selectors.funding_round_list, s.FundingRoundSerializer),
    "kpi-submissions": (
        specs.KPI_SUBMISSION,
        selectors.kpi_submission_list,
        KpiSubmissionSerializer,
    ),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("resource", LISTS)
def test_export_files_equal_the_generic_path(odd_rows, resource, fmt):
    """The fast export writes the same file (CSV bytes; XLSX cell values) as the generic one."""
    spec, selector, serializer_class = LISTS[resource]
    queryset = selector().order_by("-id")
    columns = renderers.columns_for(serializer_class())
    renderer = {"csv": renderers.CSVRenderer, "xlsx": renderers.XLSXRenderer}[fmt]()
    fast = b"".join(renderer.stream(columns, rows.export_rows(spec, queryset), title="r"))
    generic_rows = generic_cells(queryset, serializer_class)
    generic = b"".join(renderer.stream(columns, generic_rows, title="r"))
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


@pytest.mark.parametrize(
    ("spec", "zoned"),
    [(specs.STARTUP, False), (specs.FUNDING_ROUND, False), (specs.KPI_SUBMISSION, True)],
)
def test_a_pages_time_zone_is_looked_up_only_when_its_rows_hold_a_date_time(odd_rows, spec, zoned):
    """A compiled row builder says whether it writes a date-time; only then does the page
    look up its time zone once for all its rows (``plain.in_page_zone``)."""
    builder = rows.json_builder(spec)
    assert builder.zoned == zoned == ("datetime_text(" in builder.source)
    queryset = {
        specs.STARTUP: selectors.startup_list,
        specs.FUNDING_ROUND: selectors.funding_round_list,
        specs.KPI_SUBMISSION: selectors.kpi_submission_list,
    }[spec]().order_by("pk")[:5]
    with mock.patch.object(plain, "in_page_zone", wraps=plain.in_page_zone) as zone:
        rows.json_rows(spec, queryset)
    assert zone.called == zoned
