"""The API's content negotiation (``portfolio.api.renderers.ContentNegotiation``) answers as
DRF's: the same renderer and media type for every ``Accept`` header and ``?format=``,
whether it takes its quick answer (no preference stated) or DRF's own path."""

from __future__ import annotations

import pytest
from django.http import Http404
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from portfolio.api import views
from portfolio.api.renderers import ContentNegotiation

ACCEPTS = [
    None,
    "*/*",
    "application/json",
    "text/html",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "application/json; indent=4",
    "*/*; indent=2",
    "text/csv",
    "application/xml",
    "",
]
FORMATS = [None, "json", "api", "csv", "xlsx", ""]


def answer(negotiation, accept, fmt, renderers):
    factory = APIRequestFactory()
    extra = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(factory.get("/", {} if fmt is None else {"format": fmt}, **extra))
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers)
    except (NotAcceptable, Http404) as error:  # an unknown ?format= is a 404
        return type(error).__name__
    return type(renderer).__name__, media_type


@pytest.mark.parametrize("action", ["list", "retrieve"])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("accept", ACCEPTS)
def test_every_request_gets_drfs_renderer_and_media_type(accept, fmt, action):
    view = views.StartupViewSet(action=action)
    renderers = view.get_renderers()
    ours = answer(ContentNegotiation(), accept, fmt, renderers)
    assert ours == answer(DefaultContentNegotiation(), accept, fmt, renderers)


def test_a_request_without_preference_gets_the_first_renderer_as_json():
    renderers = views.StartupViewSet(action="list").get_renderers()
    assert answer(ContentNegotiation(), None, None, renderers) == (
        "JSONRenderer",
        "application/json",
    )


def test_a_list_offers_its_exports_and_a_detail_does_not():
    names = [type(r).__name__ for r in views.StartupViewSet(action="list").get_renderers()]
    assert names == ["JSONRenderer", "BrowsableAPIRenderer", "CSVRenderer", "XLSXRenderer"]
    names = [type(r).__name__ for r in views.StartupViewSet(action="retrieve").get_renderers()]
    assert names == ["JSONRenderer", "BrowsableAPIRenderer"]
