"""Server-side SVG charts: small hand-made builders, no JavaScript, nothing from outside.

Each builder takes plain numbers and labels (already translated) and returns safe SVG markup
that scales to its container (``viewBox``, ``width: 100%``). All text is escaped. Colours
come from one palette so a series means the same thing on every page.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portfolio.formatting import MILLION, WAN, YI

# Palette: one meaning per colour across pages.
CROSSED = "#0f766e"  # teal: crossed the valley / disbursed
VALLEY = "#d97706"  # amber: inside the valley of death
VALLEY_BAND = "#fef3c7"
VALLEY_INK = "#92400e"
BEFORE = "#818cf8"  # indigo: before the valley
CLOSED = "#9ca3af"  # grey: closed
COMMITTED = "#4f46e5"
DISBURSED = "#0f766e"
AVAILABLE = "#e2e8f0"
NOW = "#1e3a8a"
REACHED = "#bfdbfe"
ALERT = "#dc2626"
INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
CATEGORICAL = [
    "#4f46e5",
    "#0f766e",
    "#d97706",
    "#db2777",
    "#0284c7",
    "#65a30d",
    "#7c3aed",
    "#ea580c",
    "#0891b2",
    "#a16207",
    "#be123c",
]

WIDTH = 560  # half-page charts
WIDE = 960  # full-width charts: text stays readable from a laptop down to a tablet


@dataclass
class Series:
    label: str
    color: str
    values: list[float] = field(default_factory=list)


@dataclass
class Band:
    """A highlighted run of rows (horizontal bars) or columns, e.g. the valley stages."""

    first: int
    last: int
    label: str


@dataclass
class Chart:
    """A chart as the template renders it: the drawing, its legend, its numbers as a table,
    and the API export with the same figures."""

    id: str
    title: str
    svg: SafeString
    columns: list[str]
    rows: list[list[str]]
    api_url: str
    legend: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""
    wide: bool = False
    # Full-width charts also come drawn for a narrow screen (a tablet held upright).
    svg_narrow: SafeString | None = None


def responsive(builder: Callable[..., SafeString], chart_id: str, *args, **kwargs) -> dict:
    """``svg`` drawn full width and ``svg_narrow`` half width, for ``Chart(**...)``; CSS
    shows the one that fits, so text keeps one size on a laptop and on a tablet."""
    return {
        "svg": builder(chart_id, *args, width=WIDE, **kwargs),
        "svg_narrow": builder(f"{chart_id}-narrow", *args, width=WIDTH, **kwargs),
    }


def drawn(
    builder: Callable[..., SafeString], chart_id: str, title: str, *args, wide=False, **kwargs
) -> dict:
    """A chart's ``id``, ``title`` and drawing for ``Chart(**...)``: ``builder`` draws under the
    same id and title; a ``wide`` chart is drawn at both widths (see ``responsive``)."""
    if wide:
        svgs = responsive(builder, chart_id, title, *args, **kwargs)
        return {"id": chart_id, "title": title, "wide": True, **svgs}
    return {"id": chart_id, "title": title, "svg": builder(chart_id, title, *args, **kwargs)}


def legend(
    series: list[Series] | list[TimeSeries], *more: tuple[str, str]
) -> list[tuple[str, str]]:
    """The legend of these series (label and colour, in their order), then ``more`` entries."""
    return [(s.label, s.color) for s in series] + list(more)


# --- helpers -------------------------------------------------------------------------------


def _f(value) -> float:
    return float(value or 0)


def _t(text) -> str:
    return escape(str(text))


def nice_ticks(top: float, count: int = 4, *, integer: bool = False) -> list[float]:
    """Round axis ticks from 0 to at least ``top`` (whole steps for counts)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = max(top / count, 1) if integer else top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude * 10
    for multiple in (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            step = multiple * magnitude
            break
    steps = math.ceil(top / step - 1e-9)
    return [step * i for i in range(steps + 1)]


def number(value: float) -> str:
    """A compact tick label: 12, 2.5, 1,200."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def money_unit(top: Decimal | float, language: str) -> tuple[Decimal, str]:
    """The divisor and unit for a money axis: 亿元 / 万元 in Chinese, CNY M in English."""
    if (language or "").startswith("en"):
        return MILLION, "CNY M"
    if Decimal(str(top or 0)) >= YI:
        return YI, "亿元"
    return WAN, "万元"


def _svg(chart_id: str, title: str, height: float, body: list[str], width: int) -> SafeString:
    return mark_safe(  # noqa: S308 - every text piece is escaped by the builders
        f'<svg class="chart-svg" viewBox="0 0 {width} {height:.0f}" '
        f'preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="{chart_id}-title" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{_t(title)}</title>' + "".join(body) + "</svg>"
    )


def _text(x, y, text, *, anchor="start", size=12, fill=INK, weight="normal", extra="") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{fill}" font-weight="{weight}"{extra}>{_t(text)}</text>'
    )


def _rect(x, y, w, h, fill, *, title: str = "", rx=2, extra="") -> str:
    tip = f"<title>{_t(title)}</title>" if title else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
        f'rx="{rx}" fill="{fill}"{extra}>{tip}</rect>'
    )


def _shorten(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- horizontal bars -----------------------------------------------------------------------


def hbar(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    width: int = WIDTH,
    end_labels: Sequence[str] | None = None,
    stacked: bool = True,
    bands: Sequence[Band] = (),
    reference: tuple[float, str] | None = None,
    value_format: Callable[[float], str] = number,
    max_value: float | None = None,
    label_width: int = 150,
    row_height: int = 28,
    integer: bool = False,
) -> SafeString:
    """Horizontal bars, one row per label. ``stacked``: series add up along the row;
    otherwise each series is drawn from zero over the previous one (e.g. "now" inside
    "reached"). ``bands`` shade runs of rows; ``reference`` draws a dashed limit line."""
    rows = len(labels)
    top_pad, bottom_pad = 8, 26
    height = top_pad + rows * row_height + bottom_pad
    # Room on the right for the end labels, and for the band's name when there is one.
    gutter = 96 if bands else 0
    plot_x, plot_w = label_width, width - label_width - 78 - gutter
    if stacked:
        totals = [sum(_f(s.values[i]) for s in series) for i in range(rows)]
    else:
        totals = [max((_f(s.values[i]) for s in series), default=0) for i in range(rows)]
    top = max([*totals, max_value or 0, reference[0] if reference else 0, 0])
    ticks = nice_ticks(top, integer=integer)
    scale = plot_w / ticks[-1] if ticks[-1] else 0
    body: list[str] = []
    for band in bands:
        y = top_pad + band.first * row_height
        h = (band.last - band.first + 1) * row_height
        body.append(_rect(0, y, width, h, VALLEY_BAND, rx=0))
        body.append(_rect(0, y, 4, h, VALLEY, rx=0))
        body.append(
            _text(
                width - 8,
                y + h / 2 + 4,
                band.label,
                anchor="end",
                size=11,
                fill=VALLEY_INK,
                weight="bold",
            )
        )
    for tick in ticks:
        x = plot_x + tick * scale
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top_pad}" y2="{height - bottom_pad}" '
            f'stroke="{GRID}"/>'
        )
        body.append(_text(x, height - 8, value_format(tick), anchor="middle", size=10, fill=MUTED))
    bar_h = row_height * 0.62
    label_chars = max(6, int(label_width / 7.5))
    for i, label in enumerate(labels):
        y = top_pad + i * row_height + (row_height - bar_h) / 2
        body.append(
            _text(plot_x - 8, y + bar_h / 2 + 4, _shorten(label, label_chars), anchor="end")
        )
        x = plot_x
        for n, s in enumerate(series):
            value = _f(s.values[i])
            length = value * scale
            tip = f"{label} · {s.label}: {value_format(value)}"
            if stacked:
                body.append(_rect(x, y, length, bar_h, s.color, title=tip, rx=1))
                x += length
            else:
                inset = bar_h * 0.22 * n
                body.append(_rect(plot_x, y + inset, length, bar_h - 2 * inset, s.color, title=tip))
        end = end_labels[i] if end_labels is not None else value_format(totals[i])
        body.append(
            _text(plot_x + totals[i] * scale + 6, y + bar_h / 2 + 4, end, size=11, fill=MUTED)
        )
    if reference:
        x = plot_x + reference[0] * scale
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top_pad - 4}" y2="{height - bottom_pad}" '
            f'stroke="{ALERT}" stroke-width="1.5" stroke-dasharray="5 4"/>'
        )
        body.append(_text(x + 4, height - bottom_pad - 4, reference[1], size=10, fill=ALERT))
    return _svg(chart_id, title, height, body, width)


# --- vertical columns ----------------------------------------------------------------------


def columns(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    width: int = WIDTH,
    axis_label: str = "",
    value_format: Callable[[float], str] = number,
    end_labels: Sequence[str] | None = None,
    bands: Sequence[Band] = (),
    height: int = 250,
    integer: bool = False,
) -> SafeString:
    """Stacked columns, one per category, with a y axis of round ticks."""
    left, right, top_pad, bottom = 56, 12, 22, 30
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    count = max(len(categories), 1)
    totals = [sum(_f(s.values[i]) for s in series) for i in range(len(categories))]
    ticks = nice_ticks(max([*totals, 0]), integer=integer)
    scale = plot_h / ticks[-1] if ticks[-1] else 0
    slot = plot_w / count
    bar_w = min(slot * 0.64, 56)
    body: list[str] = []
    for band in bands:
        x = left + band.first * slot
        body.append(
            _rect(x, top_pad, (band.last - band.first + 1) * slot, plot_h, VALLEY_BAND, rx=0)
        )
        body.append(_text(x + 4, top_pad + 12, band.label, size=11, fill=VALLEY_INK, weight="bold"))
    for tick in ticks:
        y = top_pad + plot_h - tick * scale
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        body.append(_text(left - 6, y + 4, value_format(tick), anchor="end", size=10, fill=MUTED))
    if axis_label:
        body.append(_text(4, 12, axis_label, size=10, fill=MUTED))
    label_every = max(1, math.ceil(count / 14))
    for i, category in enumerate(categories):
        cx = left + slot * i + slot / 2
        y = top_pad + plot_h
        for s in series:
            value = _f(s.values[i])
            h = value * scale
            y -= h
            if h > 0:
                tip = f"{category} · {s.label}: {value_format(value)}"
                body.append(_rect(cx - bar_w / 2, y, bar_w, h, s.color, title=tip, rx=1))
        if totals[i]:
            label = end_labels[i] if end_labels is not None else value_format(totals[i])
            body.append(_text(cx, y - 5, label, anchor="middle", size=10, fill=MUTED))
        if i % label_every == 0:
            body.append(_text(cx, height - 10, _shorten(category, 10), anchor="middle", size=11))
    body.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top_pad + plot_h}" '
        f'y2="{top_pad + plot_h}" stroke="{MUTED}"/>'
    )
    return _svg(chart_id, title, height, body, width)


# --- lines over time -----------------------------------------------------------------------


@dataclass
class TimeSeries:
    label: str
    color: str
    points: list[tuple[dt.date, float]]


def _time_axis(start: dt.date, end: dt.date) -> list[dt.date]:
    """Year starts between ``start`` and ``end`` (quarters when the span is short)."""
    if (end - start).days < 700:
        ticks = []
        year, quarter_month = start.year, ((start.month - 1) // 3) * 3 + 1
        day = dt.date(year, quarter_month, 1)
        while day <= end:
            if day >= start:
                ticks.append(day)
            month = day.month + 3
            day = dt.date(day.year + (month > 12), (month - 1) % 12 + 1, 1)
        return ticks
    step = max(1, math.ceil((end.year - start.year + 1) / 8))
    return [dt.date(y, 1, 1) for y in range(start.year + 1, end.year + 1, step)]


def lines(
    chart_id: str,
    title: str,
    series: Sequence[TimeSeries],
    *,
    width: int = WIDTH,
    start: dt.date | None = None,
    end: dt.date | None = None,
    step: bool = True,
    axis_label: str = "",
    value_format: Callable[[float], str] = number,
    y_ticks: Sequence[float] | None = None,
    area: bool = False,
    height: int = 230,
) -> SafeString:
    """Step (or straight) lines of dated values; each series holds its value until the next
    point and up to ``end``."""
    left, right, top_pad, bottom = 56, 16, 18, 28
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    dates = [d for s in series for d, _ in s.points]
    start = start or (min(dates) if dates else timezone.localdate())
    end = end or (max(dates) if dates else start)
    if end <= start:
        end = start + dt.timedelta(days=30)
    span = (end - start).days
    values = [v for s in series for _, v in s.points]
    ticks = list(y_ticks) if y_ticks else nice_ticks(max([*values, 0]))
    low, high = ticks[0], ticks[-1]
    y_scale = plot_h / (high - low) if high > low else 0

    def px(day: dt.date) -> float:
        return left + (day - start).days / span * plot_w

    def py(value: float) -> float:
        return top_pad + plot_h - (value - low) * y_scale

    body: list[str] = []
    for tick in ticks:
        y = py(tick)
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        body.append(_text(left - 6, y + 4, value_format(tick), anchor="end", size=10, fill=MUTED))
    for day in _time_axis(start, end):
        x = px(day)
        label = str(day.year) if day.month == 1 else f"{day.year}Q{(day.month - 1) // 3 + 1}"
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top_pad + plot_h}" '
            f'y2="{top_pad + plot_h + 4}" stroke="{MUTED}"/>'
        )
        body.append(_text(x, height - 8, label, anchor="middle", size=10, fill=MUTED))
    if axis_label:
        body.append(_text(4, 11, axis_label, size=10, fill=MUTED))
    for s in series:
        if not s.points:
            continue
        coords: list[tuple[float, float]] = []
        for n, (day, value) in enumerate(s.points):
            if step and n:
                coords.append((px(day), coords[-1][1]))
            coords.append((px(day), py(value)))
        if step:
            coords.append((px(end), coords[-1][1]))
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        if area:
            base = py(low)
            body.append(
                f'<polygon points="{coords[0][0]:.1f},{base:.1f} {path} '
                f'{coords[-1][0]:.1f},{base:.1f}" fill="{s.color}" fill-opacity="0.12"/>'
            )
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{s.color}" stroke-width="2.2" '
            f'stroke-linejoin="round"/>'
        )
        for day, value in s.points:
            body.append(
                f'<circle cx="{px(day):.1f}" cy="{py(value):.1f}" r="3" fill="{s.color}">'
                f"<title>{_t(s.label)} {day.isoformat()}: {_t(value_format(value))}</title>"
                "</circle>"
            )
    body.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top_pad + plot_h}" '
        f'y2="{top_pad + plot_h}" stroke="{MUTED}"/>'
    )
    return _svg(chart_id, title, height, body, width)


# --- a startup's timeline ------------------------------------------------------------------


@dataclass
class Stay:
    label: str
    start: dt.date
    end: dt.date
    color: str


@dataclass
class Event:
    on: dt.date
    label: str
    color: str
    shape: str = "circle"  # circle (round) or diamond (milestone)
    size: float = 6


def timeline(
    chart_id: str,
    title: str,
    *,
    width: int = WIDTH,
    stays: Sequence[Stay],
    lanes: Sequence[tuple[str, Sequence[Event]]],
    start: dt.date,
    end: dt.date,
    stage_lane_label: str,
) -> SafeString:
    """Lanes over time: the stages as coloured spans, then one lane of events per kind."""
    left, right, top_pad, lane_h = 110, 16, 10, 40
    height = top_pad + lane_h * (1 + len(lanes)) + 26
    plot_w = width - left - right
    if end <= start:
        end = start + dt.timedelta(days=30)
    span = (end - start).days

    def px(day: dt.date) -> float:
        return left + (day - start).days / span * plot_w

    body: list[str] = []
    for day in _time_axis(start, end):
        x = px(day)
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top_pad}" y2="{height - 24}" stroke="{GRID}"/>'
        )
        label = str(day.year) if day.month == 1 else f"{day.year}Q{(day.month - 1) // 3 + 1}"
        body.append(_text(x, height - 8, label, anchor="middle", size=10, fill=MUTED))
    y = top_pad + 8
    body.append(_text(left - 8, y + 16, stage_lane_label, anchor="end", size=11, fill=MUTED))
    for n, stay in enumerate(stays):
        x1, x2 = px(stay.start), px(stay.end)
        body.append(
            _rect(
                x1,
                y,
                max(x2 - x1, 2),
                24,
                stay.color,
                rx=3,
                title=f"{stay.label}: {stay.start.isoformat()} – {stay.end.isoformat()}",
            )
        )
        if x2 - x1 > 46:
            body.append(
                _text(
                    x1 + 5,
                    y + 16,
                    _shorten(stay.label, int((x2 - x1) / 12)),
                    size=11,
                    fill="#ffffff",
                )
            )
        elif n == len(stays) - 1:
            body.append(_text(x2 + 4, y + 16, stay.label, size=11))
    for index, (lane_label, events) in enumerate(lanes, start=1):
        cy = top_pad + lane_h * index + 20
        body.append(_text(left - 8, cy + 4, lane_label, anchor="end", size=11, fill=MUTED))
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{cy}" y2="{cy}" stroke="{GRID}" '
            f'stroke-dasharray="2 3"/>'
        )
        for event in events:
            x = px(event.on)
            tip = f"<title>{event.on.isoformat()} {_t(event.label)}</title>"
            r = event.size
            if event.shape == "diamond":
                body.append(
                    f'<polygon points="{x:.1f},{cy - r:.1f} {x + r:.1f},{cy} {x:.1f},'
                    f'{cy + r:.1f} {x - r:.1f},{cy}" fill="{event.color}" '
                    f'stroke="#ffffff">{tip}</polygon>'
                )
            else:
                body.append(
                    f'<circle cx="{x:.1f}" cy="{cy}" r="{r:.1f}" fill="{event.color}" '
                    f'fill-opacity="0.85" stroke="#ffffff">{tip}</circle>'
                )
    return _svg(chart_id, title, height, body, width)


# --- survival curves -----------------------------------------------------------------------


@dataclass
class StepSeries:
    """A Kaplan-Meier curve: ``points`` are ``(day, share still in)`` at each event time; the
    curve starts at (0, 1) and runs flat to ``until`` (the longest stay observed)."""

    label: str
    color: str
    points: list[tuple[int, float]]
    until: int = 0


def _one_drop_per_column(coords: list[tuple[float, float]]) -> list[tuple[str, str]]:
    """The step curve's points as drawn (0.1 px), each run of points within one pixel column
    kept as its first and last: the survival share only falls, so the line drawn is the same
    to within a pixel, with two points a column instead of two a stay."""
    columns = [round(x) for x, _ in coords]
    return [
        (f"{x:.1f}", f"{y:.1f}")
        for i, (x, y) in enumerate(coords)
        if i in (0, len(coords) - 1) or columns[i] != columns[i - 1] or columns[i] != columns[i + 1]
    ]


def survival_steps(
    chart_id: str,
    title: str,
    series: Sequence[StepSeries],
    *,
    width: int = WIDTH,
    axis_label: str = "",
    day_label: str = "",
    reference: tuple[float, str] | None = None,
    height: int = 240,
) -> SafeString:
    """Step curves of the share still in (0-100 %) against days since entering; a dashed
    ``reference`` line (e.g. 50 %: the median) across."""
    left, right, top_pad, bottom = 48, 16, 16, 34
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    last = max([s.until for s in series] + [d for s in series for d, _ in s.points] + [0])
    ticks = nice_ticks(last or 1, integer=True)
    span = ticks[-1] or 1

    def px(day: float) -> float:
        return left + day / span * plot_w

    def py(share: float) -> float:
        return top_pad + plot_h - share * plot_h

    body: list[str] = []
    for share in (0, 0.25, 0.5, 0.75, 1):
        y = py(share)
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        body.append(_text(left - 6, y + 4, f"{share:.0%}", anchor="end", size=10, fill=MUTED))
    for tick in ticks:
        x = px(tick)
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top_pad + plot_h}" '
            f'y2="{top_pad + plot_h + 4}" stroke="{MUTED}"/>'
        )
        body.append(_text(x, height - 18, number(tick), anchor="middle", size=10, fill=MUTED))
    if day_label:
        body.append(_text(left + plot_w / 2, height - 4, day_label, anchor="middle", size=10))
    if axis_label:
        body.append(_text(4, 11, axis_label, size=10, fill=MUTED))
    if reference:
        y = py(reference[0])
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{ALERT}" stroke-width="1" stroke-dasharray="5 4"/>'
        )
        body.append(
            _text(width - right - 2, y - 4, reference[1], anchor="end", size=10, fill=ALERT)
        )
    for s in series:
        coords = [(px(0), py(1))]
        share = 1.0
        for day, value in s.points:
            coords.append((px(day), py(share)))
            share = float(value)
            coords.append((px(day), py(share)))
        coords.append((px(max(s.until, s.points[-1][0] if s.points else 0)), py(share)))
        path = " ".join(f"{x},{y}" for x, y in _one_drop_per_column(coords))
        body.append(
            f'<polyline class="survival-curve" points="{path}" fill="none" stroke="{s.color}" '
            f'stroke-width="2.2" stroke-linejoin="round"><title>{_t(s.label)}</title></polyline>'
        )
        # one marker per pixel column (the last step in it): thousands of stays would
        # otherwise draw thousands of overlapping dots (bar P9 of issue 17)
        last_in_column = {round(px(day)): (day, value) for day, value in s.points}
        for day, value in last_in_column.values():
            body.append(
                f'<circle cx="{px(day):.1f}" cy="{py(float(value)):.1f}" r="2.5" '
                f'fill="{s.color}"><title>{_t(s.label)} · {day}: {float(value):.1%}</title>'
                "</circle>"
            )
    body.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top_pad + plot_h}" '
        f'y2="{top_pad + plot_h}" stroke="{MUTED}"/>'
    )
    return _svg(chart_id, title, height, body, width)
