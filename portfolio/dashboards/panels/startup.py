"""A startup's page: its path through the stages, rounds, milestones and KPIs."""

from __future__ import annotations

import datetime as dt
import math

from django.utils.translation import gettext as _

from portfolio.dashboards import charts
from portfolio.dashboards.charts import Chart, Series, TimeSeries
from portfolio.dashboards.data import (
    StartupDashboard,
)
from portfolio.dashboards.panels.common import (
    api_url,
    money_axis,
    scaled,
)
from portfolio.formatting import day, money
from portfolio.models.choices import MilestoneKind, StageOutcome


def stage_color(stage, crossed: bool) -> str:
    if stage.outcome == StageOutcome.CLOSED:
        return charts.CLOSED
    if stage.outcome == StageOutcome.EXITED:
        return "#334155"
    if stage.in_valley:
        return charts.VALLEY
    return charts.CROSSED if crossed else charts.BEFORE


def startup_charts(board: StartupDashboard) -> dict[str, Chart]:
    startup = board.startup
    pk = startup.pk
    result: dict[str, Chart] = {}
    transitions = board.transitions
    crossed_on = startup.crossed_valley_on
    start = min(
        [t.on for t in transitions]
        + [r.closed_on for r in board.rounds]
        + [m.achieved_on for m in board.milestones]
        + [board.as_of]
    )
    start = dt.date(start.year, 1, 1) if (board.as_of - start).days > 700 else start
    end = board.as_of

    stays = []
    for n, t in enumerate(transitions):
        until = transitions[n + 1].on if n + 1 < len(transitions) else end
        crossed = crossed_on is not None and t.on >= crossed_on
        stays.append(
            charts.Stay(t.to_stage.display_name, t.on, until, stage_color(t.to_stage, crossed))
        )
    biggest = max((float(r.amount or 0) for r in board.rounds), default=0)
    round_events = [
        charts.Event(
            r.closed_on,
            f"{r.get_round_type_display()} {money(r.amount) if r.amount else r.announced_as}",
            charts.COMMITTED,
            size=5 + (9 * math.sqrt(float(r.amount or 0) / biggest) if biggest else 0),
        )
        for r in board.rounds
    ]
    milestone_events = [
        charts.Event(m.achieved_on, m.title, charts.VALLEY_INK, shape="diamond", size=7)
        for m in board.milestones
    ]
    marker = _("illustrative")

    def marked(text: str, row) -> str:
        return f"{text} ({marker})" if row.is_illustrative else text

    events = sorted(
        [(t.on, _("Stage"), t.to_stage.display_name, f"TRL {t.trl}") for t in transitions]
        + [
            (
                r.closed_on,
                _("Round"),
                r.get_round_type_display(),
                marked(
                    money(r.amount)
                    if r.amount is not None
                    else (r.announced_as or _("undisclosed")),
                    r,
                ),
            )
            for r in board.rounds
        ]
        + [
            (m.achieved_on, _("Milestone"), m.title, marked(str(MilestoneKind(m.kind).label), m))
            for m in board.milestones
        ],
        key=lambda row: row[0],
    )
    result["timeline"] = Chart(
        **charts.drawn(
            charts.timeline,
            "chart-timeline",
            _("Timeline"),
            stays=stays,
            lanes=[(_("Rounds"), round_events), (_("Milestones"), milestone_events)],
            start=start,
            end=end,
            stage_lane_label=_("Stage"),
            wide=True,
        ),
        legend=[
            (_("Before the valley"), charts.BEFORE),
            (_("In the valley"), charts.VALLEY),
            (_("Crossed the valley"), charts.CROSSED),
            (_("Round (size by amount)"), charts.COMMITTED),
            (_("Milestone"), charts.VALLEY_INK),
        ],
        columns=[_("Date"), _("Kind"), _("Event"), _("Detail")],
        rows=[[day(on), kind, what, detail] for on, kind, what, detail in events],
        api_url=api_url(f"startups/{pk}/"),
    )

    result["trl"] = Chart(
        **charts.drawn(
            charts.lines,
            "chart-trl",
            _("TRL over time"),
            [TimeSeries("TRL", charts.NOW, [(t.on, t.trl) for t in transitions])],
            start=start,
            end=end,
            y_ticks=[0, 3, 6, 9],
            axis_label="TRL",
        ),
        columns=[_("Date"), _("Stage"), "TRL"],
        rows=[[day(t.on), t.to_stage.display_name, str(t.trl)] for t in transitions],
        api_url=api_url("stage-transitions/", format="csv", startup=pk),
    )

    kpis = board.kpis
    quarters = [f"{k.year}Q{k.quarter}" for k in kpis]
    # invented quarterly figures say so under every KPI chart
    kpi_note = (
        _("Illustrative: invented demo figures, not reported by the company.")
        if board.illustrative_kpis
        else ""
    )
    kpi_url = api_url("kpi-reports/", format="csv", startup=pk)
    divisor, unit, fmt = money_axis(max((k.revenue for k in kpis), default=0))
    result["revenue"] = Chart(
        **charts.drawn(
            charts.columns,
            "chart-revenue",
            _("Revenue per quarter"),
            quarters,
            [Series(_("Revenue"), charts.CROSSED, scaled([k.revenue for k in kpis], divisor))],
            axis_label=unit,
            value_format=fmt,
            height=210,
        ),
        columns=[_("Quarter"), _("Revenue"), _("R&D spend")],
        rows=[
            [q, money(k.revenue), money(k.rd_spend)] for q, k in zip(quarters, kpis, strict=True)
        ],
        api_url=kpi_url,
        note=kpi_note,
    )
    for key, label, attr, color in (
        ("headcount", _("Headcount"), "headcount", charts.COMMITTED),
        ("customers", _("Customers / installed units"), "customers", charts.VALLEY),
    ):
        result[key] = Chart(
            **charts.drawn(
                charts.columns,
                f"chart-{key}",
                label,
                quarters,
                [Series(label, color, [getattr(k, attr) for k in kpis])],
                height=210,
                integer=True,
            ),
            columns=[_("Quarter"), label],
            rows=[[q, str(getattr(k, attr))] for q, k in zip(quarters, kpis, strict=True)],
            api_url=kpi_url,
            note=kpi_note,
        )
    patents = [
        Series(_("Granted"), charts.CROSSED, [k.patents_granted for k in kpis]),
        Series(_("Filed"), charts.BEFORE, [k.patents_filed for k in kpis]),
    ]
    result["patents"] = Chart(
        **charts.drawn(
            charts.columns,
            "chart-patents",
            _("Patents per quarter"),
            quarters,
            patents,
            height=210,
            integer=True,
        ),
        legend=charts.legend(patents),
        columns=[_("Quarter"), _("Filed"), _("Granted")],
        rows=[
            [q, str(k.patents_filed), str(k.patents_granted)]
            for q, k in zip(quarters, kpis, strict=True)
        ],
        api_url=kpi_url,
        note=kpi_note,
    )
    return result
