"""The SVG builders and the money filters of the dashboards (no database)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils import translation

from portfolio import formatting as tags
from portfolio.dashboards import charts
from portfolio.dashboards.charts import Band, Series, TimeSeries


def test_nice_ticks_cover_the_top_with_round_steps():
    assert charts.nice_ticks(0) == [0.0, 1.0]
    assert charts.nice_ticks(100) == [0, 25, 50, 75, 100]
    ticks = charts.nice_ticks(1.3)
    assert ticks[0] == 0 and ticks[-1] >= 1.3 and len(ticks) <= 6
    counts = charts.nice_ticks(7, integer=True)
    assert counts[-1] >= 7 and all(float(t).is_integer() for t in counts)
    assert charts.nice_ticks(3, integer=True) == [0, 1, 2, 3]


def test_money_axis_unit_follows_the_language():
    assert charts.money_unit(Decimal("5e7"), "zh-hans") == (Decimal("10000"), "万元")
    assert charts.money_unit(Decimal("2e8"), "zh-hans") == (Decimal("100000000"), "亿元")
    assert charts.money_unit(Decimal("2e8"), "en") == (Decimal("1000000"), "CNY M")


def test_money_filter_follows_the_active_language():
    with translation.override("zh-hans"):
        assert tags.money(Decimal("200000000")) == "2.00 亿元"
        assert tags.money(Decimal("30000000")) == "3,000 万元"
    with translation.override("en"):
        assert tags.money(Decimal("200000000")) == "CNY 200.0M"
    assert tags.multiple(Decimal("1.2345")) == "1.23x"
    assert tags.percent(Decimal("0.1234")) == "12.3%"
    assert tags.percent(None) == tags.multiple(None) == "—"


def test_templates_format_through_the_one_copy():
    from django.template import engines

    template = engines["django"].from_string(
        "{% load dashboard %}{{ a|money }} {{ r|multiple }} {{ r|percent }} {{ d|days }}"
    )
    with translation.override("zh-hans"):
        text = template.render({"a": Decimal("30000000"), "r": Decimal("1.5"), "d": 1234.4})
    assert text == "3,000 万元 1.50x 150.0% 1,234"


def _bars(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect x="[^"]+" y="[^"]+" width="([^"]+)"', svg)]


def test_hbar_draws_proportional_bars_with_escaped_labels():
    svg = charts.hbar(
        "c",
        "T",
        ["<b>a</b>", "b"],
        [Series("s", "#000", [10, 5])],
        bands=[Band(1, 1, "Valley")],
    )
    assert "<b>" not in svg and "&lt;b&gt;a&lt;/b&gt;" in svg
    widths = _bars(svg)
    # The band (full width) and its edge come first, then one bar per row.
    assert widths[-2] == 2 * widths[-1]
    assert "Valley" in svg and 'viewBox="0 0 560' in svg


def test_columns_stack_series():
    svg = charts.columns(
        "c", "T", ["2023", "2024"], [Series("a", "#111", [1, 2]), Series("b", "#222", [3, 0])]
    )
    assert svg.count('fill="#111"') == 2
    assert svg.count('fill="#222"') == 1  # a zero segment draws nothing
    assert ">4<" in svg  # the stacked total above the first column


def test_lines_and_timeline_render_points():
    start, end = dt.date(2022, 1, 1), dt.date(2024, 6, 30)
    svg = charts.lines(
        "c", "T", [TimeSeries("TRL", "#123", [(start, 2), (dt.date(2023, 5, 1), 5)])], end=end
    )
    assert svg.count("<circle") == 2 and "<polyline" in svg
    svg = charts.timeline(
        "t",
        "T",
        stays=[charts.Stay("Lab", start, end, "#abc")],
        lanes=[("Rounds", [charts.Event(dt.date(2023, 1, 1), "Seed", "#def")])],
        start=start,
        end=end,
        stage_lane_label="Stage",
    )
    assert "Seed" in svg and "Lab" in svg


def test_responsive_draws_two_widths_with_distinct_ids():
    drawn = charts.responsive(charts.hbar, "c", "T", ["a"], [Series("s", "#000", [1])])
    assert 'viewBox="0 0 960' in drawn["svg"] and 'id="c-title"' in drawn["svg"]
    assert 'viewBox="0 0 560' in drawn["svg_narrow"]
    assert 'id="c-narrow-title"' in drawn["svg_narrow"]


def test_drawn_names_the_chart_once_and_draws_wide_charts_twice():
    bars = [Series("s", "#000", [1])]
    half = charts.drawn(charts.hbar, "c", "T", ["a"], bars)
    assert half == {"id": "c", "title": "T", "svg": charts.hbar("c", "T", ["a"], bars)}
    wide = charts.drawn(charts.hbar, "c", "T", ["a"], bars, wide=True)
    assert wide == {
        "id": "c",
        "title": "T",
        "wide": True,
        **charts.responsive(charts.hbar, "c", "T", ["a"], bars),
    }


def test_legend_follows_the_series_then_the_extra_entries():
    series = [Series("b", "#111"), Series("a", "#222")]
    assert charts.legend(series, ("band", "#333")) == [
        ("b", "#111"),
        ("a", "#222"),
        ("band", "#333"),
    ]
