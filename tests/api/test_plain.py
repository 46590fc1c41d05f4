"""``portfolio.api.plain`` writes what DRF's ``Serializer.data`` writes, on every list of the
API (the lists without a row spec page through it) and on the statistics return, and on
each kind of field it reads itself or leaves to DRF."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
from decimal import Decimal

import pytest
from django.db import models
from django.test import RequestFactory
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request

from portfolio import selectors
from portfolio.api import plain
from portfolio.api.statistics import TorchReturnSerializer
from portfolio.api.transfers import TechTransferSerializer
from portfolio.api.urls import router
from tests.support import factories
from tests.support.worlds import make_world


def as_json(data) -> str:
    return json.dumps(data, ensure_ascii=False)


@pytest.fixture
def world(db):
    return make_world()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "viewset",
    [viewset for _, viewset, _ in router.registry],
    ids=[prefix for prefix, _, _ in router.registry],
)
@pytest.mark.parametrize("zone", [None, "UTC"], ids=["shanghai", "utc-active"])
def test_every_list_writes_what_drf_writes(world, viewset, admin_user, zone):
    """Each resource's rows (the world has one of every model, nulls and related rows
    included), read through the view's own queryset and serializer; date-times in the
    current time zone (the default, Asia/Shanghai, or one activated: UTC's "Z")."""
    with timezone.override(zone) if zone else contextlib.nullcontext():
        rows_as_drf(viewset, admin_user)


def rows_as_drf(viewset, admin_user) -> None:
    request = Request(RequestFactory().get("/"))
    request.user = admin_user
    view = viewset(request=request, format_kwarg=None, action="list", kwargs={})
    queryset = list(view.get_queryset())
    assert queryset, "the world has a row of every model"
    serializer = view.get_serializer()
    read = plain.reader(serializer)
    if read is None:
        pytest.fail(f"{viewset.__name__}: its serializer writes rows itself")
    expected = view.get_serializer(queryset, many=True).data
    assert as_json([read(obj) for obj in queryset]) == as_json(expected)
    # a flat serializer's page is read as values: the same rows
    values_rows = plain.values_rows(view.get_serializer_class())
    if values_rows is not None:
        assert as_json(values_rows(view.get_queryset())) == as_json(expected)


def test_the_operations_lists_are_read_as_values():
    """The lists of bar P2 without a row spec whose rows are flat (no nested rows)."""
    flat = {
        prefix
        for prefix, viewset, _ in router.registry
        if viewset.row_spec is None and plain.values_rows(viewset.serializer_class)
    }
    assert {
        "mentoring-sessions",
        "financing-introductions",
        "space-leases",
        "tech-transfers",  # its IP items: a nested list over a reverse foreign key
    } <= flat


@pytest.mark.django_db
def test_nested_rows_read_as_values_as_drf_writes_them(world, django_assert_num_queries):
    """Transfers with two IP items, one and none, on a page cut from the middle: the
    nested lists keep their rows' order and their own order, in two queries."""
    for n in (2, 0, 1, 3):
        factories.TechTransferFactory(
            ip_items=[{"kind": "software", "title": f"软件 {n}.{k}"} for k in range(n)]
        )
    queryset = selectors.tech_transfer_list().order_by("-id")
    expected = TechTransferSerializer(list(queryset[1:4]), many=True).data
    rows = plain.values_rows(TechTransferSerializer)
    with django_assert_num_queries(2):
        got = rows(queryset[1:4])
    assert as_json(got) == as_json(expected)
    assert [len(row["ip_items"]) for row in got] == [1, 0, 2]
    assert rows(queryset.none()) == []


@pytest.mark.django_db
def test_the_statistics_return_is_written_as_drf_writes_it(world):
    """Rows, the incubator's totals and the missing cells (a Decimal area, dates, nested
    startups, lists of quarters and nulls)."""
    factories.KpiReportFactory(startup=world.startup, year=2025, quarter=2)
    report = selectors.torch_return(2025)
    assert report.rows and report.missing
    data = plain.represent(TorchReturnSerializer, report)
    assert as_json(data) == as_json(TorchReturnSerializer(report).data)


class Thing:
    def __init__(self, **values):
        self.__dict__.update(values)

    def shout(self):
        return "HI"


class KindsSerializer(serializers.Serializer):
    text = serializers.CharField()
    moment = serializers.DateTimeField()
    number = serializers.IntegerField()
    flag = serializers.BooleanField()
    day = serializers.DateField()
    money = serializers.DecimalField(max_digits=12, decimal_places=2)
    days = serializers.ListField(child=serializers.DateField())
    choice = serializers.ChoiceField(choices=[("a", "A"), ("b", "B")])
    method = serializers.SerializerMethodField()
    shouted = serializers.CharField(source="shout")
    dotted = serializers.CharField(source="inner.text")
    defaulted = serializers.CharField(default="none given")

    def get_method(self, obj):
        return f"m:{obj.number}"


class PlainKindsSerializer(serializers.Serializer):
    """The kinds a mapping can hold too."""

    text = serializers.CharField()
    moment = serializers.DateTimeField()
    number = serializers.IntegerField()
    day = serializers.DateField()
    money = serializers.DecimalField(max_digits=12, decimal_places=2)
    days = serializers.ListField(child=serializers.DateField())
    defaulted = serializers.CharField(default="none given")


class OuterSerializer(serializers.Serializer):
    one = KindsSerializer()
    many = PlainKindsSerializer(many=True)
    nothing = KindsSerializer(allow_null=True)


def kinds(**changes) -> Thing:
    values = {
        "text": "量子",
        "moment": dt.datetime(2024, 2, 29, 1, 30, 15, 250, tzinfo=dt.UTC),
        "number": 7,
        "flag": True,
        "day": dt.date(2024, 2, 29),
        "money": Decimal("1234.5"),
        "days": [dt.date(2024, 1, 1), None],
        "choice": "b",
        "inner": Thing(text="inner"),
        "defaulted": "given",
    }
    return Thing(**(values | changes))


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"flag": 0, "money": 3, "number": "12", "text": 5, "day": "2024-01-01"},
        {"money": Decimal("0.005"), "days": [], "moment": dt.datetime(2024, 3, 1, 8, 0)},
        {"text": None, "day": None, "money": None, "choice": None, "moment": None},
        {"moment": "2024-01-01T00:00:00+08:00"},
    ],
    ids=["typical", "coerced", "rounding-and-naive", "nulls", "text-moment"],
)
@pytest.mark.parametrize("zone", [None, "UTC", "America/New_York"])
def test_each_kind_of_field_as_drf(changes, zone):
    obj = kinds(**changes)
    with timezone.override(zone) if zone else contextlib.nullcontext():
        assert plain.represent(KindsSerializer, obj) == KindsSerializer(obj).data


def test_a_missing_attribute_takes_drfs_default():
    obj = kinds()
    del obj.defaulted
    assert plain.represent(KindsSerializer, obj)["defaulted"] == "none given"
    assert plain.represent(KindsSerializer, obj) == KindsSerializer(obj).data


def test_nested_lists_and_mappings_as_drf():
    mapping = {**kinds(number=9).__dict__}
    del mapping["defaulted"]
    objects = [kinds(), kinds(number=8), mapping]
    outer = Thing(one=objects[0], many=objects, nothing=None)
    assert plain.represent(OuterSerializer, outer)["many"][2]["defaulted"] == "none given"
    assert as_json(plain.represent(OuterSerializer, outer)) == as_json(OuterSerializer(outer).data)


def test_a_serializer_that_writes_its_rows_itself_is_left_to_drf():
    class Own(serializers.Serializer):
        text = serializers.CharField()

        def to_representation(self, instance):
            return {"own": instance.text.upper()}

    assert plain.reader(Own()) is None
    assert plain.represent(Own, Thing(text="qu")) == {"own": "QU"}


def test_a_field_subclass_keeps_its_own_writing():
    class Loud(serializers.CharField):
        def to_representation(self, value):
            return value.upper()

    class WithLoud(serializers.Serializer):
        text = Loud()

    assert plain.represent(WithLoud, Thing(text="qu")) == {"text": "QU"}


def test_the_compiled_reader_is_made_once_per_class():
    plain.represent(KindsSerializer, kinds())
    assert isinstance(plain._compiled, functools._lru_cache_wrapper)
    before = plain._compiled.cache_info().hits
    plain.represent(KindsSerializer, kinds())
    assert plain._compiled.cache_info().hits == before + 1


class Level(models.TextChoices):
    LOW = "low", "Low"
    HIGH = "high", "High"


class ChoicesSerializer(serializers.Serializer):
    text = serializers.ChoiceField(choices=[("a", "A"), ("", "none"), (3, "three")])
    level = serializers.ChoiceField(choices=Level.choices)


@pytest.mark.parametrize(
    "text", ["a", "", "not a choice", "3", 3, None], ids=repr
)  # a known text, the blank choice, an unknown text, a number's text, a number, null
@pytest.mark.parametrize("level", [Level.HIGH, "low", None], ids=repr)
def test_choices_as_drf(text, level):
    obj = Thing(text=text, level=level)
    assert plain.represent(ChoicesSerializer, obj) == ChoicesSerializer(obj).data


@pytest.mark.parametrize(
    "values",
    [
        (7, "量子", "a", dt.date(2024, 2, 29)),
        (True, 5, "3", "2024-02-29"),  # a bool for an integer, a number for a text
        (None, None, None, None),
    ],
    ids=["typed", "coerced", "nulls"],
)
def test_a_values_row_is_written_as_each_field_writes_it(values):
    """The written-out row writer gives what calling each field's writer gives: a value of
    the writer's own type as it is, another converted, None as None."""
    fields = {
        "number": serializers.IntegerField(),
        "text": serializers.CharField(),
        "choice": serializers.ChoiceField(choices=[("a", "A"), (3, "three")]),
        "day": serializers.DateField(),
    }
    pairs = [(name, plain._value_reader(field)) for name, field in fields.items()]
    expected = {
        name: None if value is None else field.to_representation(value)
        for (name, field), value in zip(fields.items(), values, strict=True)
    }
    got = plain._row_writer(pairs)(values)
    assert got == expected
    assert [type(value) for value in got.values()] == [type(v) for v in expected.values()]
    with pytest.raises(ValueError):
        plain._row_writer(pairs)(values[:3])  # a row of another length is refused
    assert plain._row_writer(pairs[:1])(values[:1]) == {"number": expected["number"]}
    assert plain._row_writer([])(()) == {}
