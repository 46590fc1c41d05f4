"""A list request that gives no filter parameter skips the FilterSet (issue 17, item 1), and
answers exactly what the FilterSet path answers; a filtered request still goes through it
(good values filter, a bad one is a 400 naming the parameter); the FilterSet's form class is
built once per filterset, model and language, not per request."""

from __future__ import annotations

from unittest import mock

import django_filters
import pytest
from django.db.models import Count
from django.utils import translation
from django.utils.encoding import force_str
from rest_framework.fields import CharField
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from portfolio.api import filters as filtersets
from portfolio.api.urls import router
from portfolio.api.views import (
    StartupViewSet,
    StrictOrderingFilter,
    StrictSearchFilter,
    orders_by,
)
from portfolio.models import Startup
from portfolio.models.choices import TechArea
from tests.support.clients import token_client
from tests.support.factories import make_user

#: every list route whose viewset filters with one of our FilterSets
FILTERED_LISTS = sorted(
    f"/api/v1/{prefix}/"
    for prefix, viewset, _basename in router.registry
    if issubclass(getattr(viewset, "filterset_class", None) or object, filtersets.StrictFilterSet)
)

#: the parameters of a plain page: none of them is a filter
PLAIN_QUERIES = [{}, {"page_size": 2}, {"page": 1, "page_size": 500}]


@pytest.fixture
def client(world):
    return token_client(make_user("viewers"))


@pytest.fixture
def superuser_client(world, superuser):
    return token_client(superuser)


def spy_filtersets():
    """Counts the FilterSets built (any of ours: they all derive from StrictFilterSet)."""
    return mock.patch.object(
        filtersets.StrictFilterSet,
        "__init__",
        autospec=True,
        side_effect=filtersets.StrictFilterSet.__init__,
    )


def the_old_way():
    """Every request through the FilterSet, as before the fast path."""
    return mock.patch.object(filtersets.StrictFilterSet, "reads_any", return_value=True)


def test_the_routes_are_found():
    assert "/api/v1/startups/" in FILTERED_LISTS
    assert "/api/v1/funding-rounds/" in FILTERED_LISTS
    assert len(FILTERED_LISTS) >= 20


@pytest.mark.parametrize("url", FILTERED_LISTS)
def test_a_plain_page_builds_no_filterset_and_answers_the_same_bytes(superuser_client, url):
    for query in PLAIN_QUERIES:
        with spy_filtersets() as built:
            fast = superuser_client.get(url, query)
        assert built.call_count == 0, (url, query)
        with spy_filtersets() as built, the_old_way():
            slow = superuser_client.get(url, query)
        assert built.call_count == 1, (url, query)  # the comparison did take the old path
        assert fast.status_code == slow.status_code == 200, (url, fast.content[:300])
        assert fast.content == slow.content, (url, query)


def test_a_page_with_no_filter_still_counts_and_orders(client, world):
    with spy_filtersets() as built:
        plain = client.get("/api/v1/startups/", {"ordering": "-name", "page_size": 2}).json()
    assert built.call_count == 0
    everyone = list(Startup.objects.order_by("-name").values_list("name", flat=True))
    assert plain["count"] == len(everyone)
    assert [row["name"] for row in plain["results"]] == everyone[:2]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_plain_export_answers_the_same_bytes(superuser_client, fmt):
    with spy_filtersets() as built:
        fast = superuser_client.get("/api/v1/funding-rounds/", {"format": fmt})
    assert built.call_count == 0
    with the_old_way():
        slow = superuser_client.get("/api/v1/funding-rounds/", {"format": fmt})
    assert fast.status_code == slow.status_code == 200
    if fmt == "csv":  # XLSX files carry their creation time
        assert b"".join(fast.streaming_content) == b"".join(slow.streaming_content)


def test_a_filter_parameter_goes_through_the_filterset(client, world):
    with spy_filtersets() as built:
        body = client.get("/api/v1/startups/", {"status": "closed", "page_size": 500}).json()
    assert built.call_count == 1
    closed = set(Startup.objects.filter(status="closed").values_list("name", flat=True))
    assert closed  # the world has one
    assert {row["name"] for row in body["results"]} == closed
    assert body["count"] == len(closed)


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/api/v1/startups/", {"status": "active", "tech_area": "computing"}),
        ("/api/v1/startups/", {"stage": ["pilot", "concept"], "in_valley": "false"}),
        ("/api/v1/funding-rounds/", {"round_type": "seed", "amount_min": "1.00"}),
        ("/api/v1/kpi-reports/", {"year": 2024, "ordering": "-year"}),
        ("/api/v1/commitments/", {"status": "cancelled"}),
    ],
)
def test_a_filtered_page_answers_the_same_bytes_as_before(superuser_client, url, query):
    """The cached form class changes nothing: the same bytes as with a form class built
    for the request (django-filter's own get_form_class)."""
    cached = superuser_client.get(url, {**query, "page_size": 500})
    with mock.patch.object(
        filtersets.StrictFilterSet,
        "get_form_class",
        autospec=True,
        side_effect=filtersets.filters.FilterSet.get_form_class,
    ):
        built = superuser_client.get(url, {**query, "page_size": 500})
    assert cached.status_code == built.status_code == 200
    assert cached.content == built.content


def test_an_empty_filter_value_still_goes_through_the_filterset(client, world):
    with spy_filtersets() as built:
        empty = client.get("/api/v1/startups/", {"status": ""})
    assert built.call_count == 1
    assert empty.status_code == 200
    assert empty.json()["count"] == Startup.objects.count()


@pytest.mark.parametrize(
    ("url", "param", "value"),
    [
        ("/api/v1/startups/", "status", "asleep"),
        ("/api/v1/startups/", "stage", "no-such-stage"),
        ("/api/v1/startups/", "founded_after", "yesterday"),
        ("/api/v1/funding-rounds/", "amount_min", "lots"),
        ("/api/v1/kpi-reports/", "quarter", "5"),
        ("/api/v1/commitments/", "fund", "0"),
    ],
)
def test_a_bad_filter_value_is_still_a_400_naming_the_parameter(client, url, param, value):
    response = client.get(url, {param: value, "page_size": 10})
    assert response.status_code == 400, response.content
    assert param in response.json()


def test_a_parameter_that_only_starts_like_a_filter_takes_the_filterset_path():
    """A prefix match is conservative: ``status_x`` is not a filter, but a widget with a
    suffix (``name_min``) would read such a name, so the FilterSet decides."""
    fs = filtersets.StartupFilterSet
    assert fs.reads_any({"status_x": "1"})
    assert fs.reads_any({"stage": "pilot"})
    assert not fs.reads_any({"page": "2", "page_size": "500", "ordering": "name"})
    assert not fs.reads_any({"search": "x", "format": "csv"})


def test_the_form_class_is_built_once_per_filterset_model_and_language(client, world):
    filtersets.StrictFilterSet._form_classes.clear()
    with mock.patch.object(
        filtersets.filters.FilterSet,
        "get_form_class",
        autospec=True,
        side_effect=filtersets.filters.FilterSet.get_form_class,
    ) as built:
        for value in ("closed", "active", "closed"):
            assert client.get("/api/v1/startups/", {"status": value}).status_code == 200
        assert built.call_count == 1
        assert client.get("/api/v1/funding-rounds/", {"round_type": "seed"}).status_code == 200
        assert built.call_count == 2


class ProbeFilterSet(filtersets.StrictFilterSet):
    """A filterset of this test's own: its filters' fields are built only here (the schema
    generator builds the product filtersets' fields once, without labels)."""

    tech_area = django_filters.ChoiceFilter(choices=TechArea.choices)

    class Meta:
        model = Startup
        fields = ["tech_area"]


def test_the_built_form_speaks_the_requests_language():
    """Labels are translated when the form class is built, so each language has its own."""
    verbose = Startup._meta.get_field("tech_area").verbose_name
    built = {}
    for language in ("en", "zh-hans", "en"):
        with translation.override(language):
            form = ProbeFilterSet(data={}, queryset=Startup.objects.none()).get_form_class()
            built.setdefault(language, []).append(form)
            label = form.base_fields["tech_area"].label
            assert label.lower() == force_str(verbose).lower(), (language, label)
    assert built["en"][0] is built["en"][1]  # built once per language
    assert built["en"][0] is not built["zh-hans"][0]
    assert (
        built["en"][0].base_fields["tech_area"].label
        != built["zh-hans"][0].base_fields["tech_area"].label
    )


@pytest.mark.parametrize(
    ("query", "terms"),
    [({}, []), ({"search": ""}, []), ({"search": "量子  芯片"}, ["量子", "芯片"])],
)
def test_search_terms_without_a_search_parameter_skip_drfs_field(query, terms):
    """No ``search`` parameter: no search terms, and DRF's CharField is not built to
    validate an empty text; a given search (empty too) still goes DRF's way."""
    request = Request(APIRequestFactory().get("/api/v1/startups/", query))
    with mock.patch("rest_framework.filters.CharField", wraps=CharField) as built:
        assert StrictSearchFilter().get_search_terms(request) == terms
    assert built.called == ("search" in query)


#: every list's viewset, by route
LIST_VIEWSETS = sorted(
    ((prefix, viewset) for prefix, viewset, _basename in router.registry),
    key=lambda pair: pair[0],
)


@pytest.mark.parametrize(("prefix", "viewset"), LIST_VIEWSETS, ids=[p for p, _v in LIST_VIEWSETS])
def test_the_default_ordering_gives_the_sql_drfs_order_by_gives(db, prefix, viewset):
    """The ordering filter leaves a queryset already ordered as asked (by its model's
    ``Meta.ordering`` or its own ``order_by``) as it is: the same SQL as DRF's
    ``order_by``, compared for every list."""
    request = Request(APIRequestFactory().get(f"/api/v1/{prefix}/"))
    view = viewset(request=request, format_kwarg=None, action="list", kwargs={})
    queryset = view.get_queryset()
    ours = StrictOrderingFilter().filter_queryset(request, queryset, view)
    drfs = OrderingFilter.filter_queryset(StrictOrderingFilter(), request, queryset, view)
    assert str(ours.query) == str(drfs.query)


def test_a_queryset_ordered_otherwise_is_ordered_as_asked(db):
    """Only the very same ordering is left alone: another one, a reversed one, one with raw
    SQL ordering, or Meta's ordering under a GROUP BY (where Django drops it) is ordered."""
    by_name = ["name"]  # Startup's Meta.ordering
    assert orders_by(Startup.objects.all(), by_name)
    request = Request(APIRequestFactory().get("/api/v1/startups/"))
    startups = Startup.objects.all()
    assert StrictOrderingFilter().filter_queryset(request, startups, StartupViewSet()) is startups
    assert orders_by(Startup.objects.order_by("name"), by_name)
    assert not orders_by(Startup.objects.order_by("-name"), by_name)
    assert not orders_by(Startup.objects.all(), ["-name"])
    assert not orders_by(Startup.objects.reverse(), by_name)
    assert not orders_by(Startup.objects.order_by("name").reverse(), by_name)
    assert not orders_by(Startup.objects.extra(order_by=["id"]), by_name)
    assert not orders_by(Startup.objects.order_by(), by_name)  # order_by() clears Meta's
    grouped = Startup.objects.values("status").annotate(n=Count("id"))
    assert not orders_by(grouped, by_name)
    assert "ORDER BY" in str(
        StrictOrderingFilter()
        .filter_queryset(
            Request(APIRequestFactory().get("/")), grouped, mock.Mock(ordering=by_name)
        )
        .query
    )
