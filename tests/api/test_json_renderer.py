"""The API's JSON renderer (orjson, ``portfolio.api.renderers.JSONRenderer``) writes the very
bytes DRF's renderer writes: on every JSON answer of every API route (lists, details,
reports, the statistics return), and on the values that differ between the two encoders
unless handled (times, decimals, line separators, big integers, lazy text)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework import renderers as drf_renderers

from portfolio.api import renderers
from portfolio.api.urls import router
from tests.support import factories
from tests.support.worlds import api_urls, secret_world

DRF = drf_renderers.JSONRenderer()
OURS = renderers.JSONRenderer()
SHANGHAI = ZoneInfo("Asia/Shanghai")


def both(data, media_type="application/json"):
    return OURS.render(data, media_type, {}), DRF.render(data, media_type, {})


@pytest.mark.parametrize(
    "data",
    [
        {"name": "量子\u2028计算\u2029", "emoji": "🧊", "control": 'a\x00b\x1f\t\n"\\/'},
        {"when": dt.datetime(2024, 5, 1, 8, 30, 15, 123456, tzinfo=SHANGHAI)},
        {"when": dt.datetime(2024, 5, 1, 0, 0, tzinfo=dt.UTC), "naive": dt.datetime(2024, 1, 1)},
        {"day": dt.date(2024, 2, 29), "time": dt.time(9, 5, 1, 250000)},
        {"money": Decimal("1234.50"), "ratio": Decimal("0.0001")},
        {"big": 2**70, "negative": -(2**70)},
        {"lazy": gettext_lazy("incubatees"), "id": uuid.UUID(int=7)},
        {"nested": [(1, 2), {"a": None, "b": True, "c": 1.5, "d": 0.1}], 3: "int key"},
        [],
        "plain text",
    ],
)
def test_the_same_bytes_as_drf(data):
    ours, drf = both(data)
    assert ours == drf


def test_line_separators_stay_escaped():
    ours, _ = both({"name": "a\u2028b\u2029c"})
    assert b"\\u2028" in ours and b"\\u2029" in ours and "\u2028".encode() not in ours


def test_an_indent_is_written_by_drf():
    ours, drf = both({"a": [1, {"b": "量子"}]}, "application/json; indent=4")
    assert ours == drf and b"\n    " in ours


def test_nothing_is_an_empty_body():
    assert OURS.render(None) == b""


@pytest.mark.django_db
def test_every_json_answer_of_the_api_is_drfs(admin_client, monkeypatch):
    """Each route's JSON (every list, a detail of each, the reports, the fund's answers, a
    refused parameter's 400), rendered by both encoders: not one byte apart."""
    world = secret_world()
    factories.StartupFactory(name="行分隔\u2028量子🧊", name_en="Line\u2029sep")
    seen: list[str] = []
    mismatches: list[str] = []
    render = renderers.JSONRenderer.render

    def compare(self, data, accepted_media_type=None, renderer_context=None):
        body = render(self, data, accepted_media_type, renderer_context)
        if isinstance(data, renderers.Rendered):
            return body  # bytes kept by the report cache, compared when they were written
        expected = DRF.render(data, accepted_media_type, renderer_context)
        path = renderer_context["request"].get_full_path() if renderer_context else "?"
        seen.append(path)
        if body != expected:
            mismatches.append(path)
        return body

    monkeypatch.setattr(renderers.JSONRenderer, "render", compare)
    for url in api_urls(world):
        if "format=" not in url and not url.startswith("/api/schema/"):
            response = admin_client.get(url)
            assert response.status_code < 500, url
    assert mismatches == []
    # a list, a detail, a search and a page of 500 of each resource, and the reports
    assert len(seen) > 4 * len(router.registry), "every answer went through the renderer"
