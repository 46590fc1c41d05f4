"""The startups and funding-rounds lists build their rows in one function each (bar P2);
those rows must be exactly what the declared DRF fields give, null and empty values included."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from rest_framework import serializers

from portfolio import selectors, services
from portfolio.api import serializers as s
from tests import factories
from tests.factories import stage


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
    services.round_record(
        startup=loner,
        round_type="seed",
        closed_on=dt.date(2023, 3, 1),
        amount=None,
        amount_precision="undisclosed",
        announced_as="数百万元",
        lead_investor=None,
        participants=[],
    )
    services.round_record(
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
