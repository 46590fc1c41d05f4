"""The dashboards' panels: each chart with its legend, its numbers as a table and the API
export that carries the same figures. Pure presentation: no queries here, only rows from
``portfolio.dashboards`` turned into ``charts.Chart`` objects in the active language.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from urllib.parse import urlencode

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portfolio import charts, metrics
from portfolio.charts import Band, Chart, Series, TimeSeries
from portfolio.choices import MilestoneKind, RoundType, StageOutcome
from portfolio.dashboards import FundDashboard, PipelineFilters, PipelineOverview, StartupDashboard

API = "/api/v1/"


def language() -> str:
    return get_language() or "zh-hans"


def pick(name: str, name_en: str) -> str:
    return name_en if language().startswith("en") and name_en else name


def money(amount) -> str:
    return metrics.format_money(amount, language())


def percent(value: Decimal | float | None) -> str:
    if value is None:
        return "—"
    return f"{Decimal(str(value)) * 100:.1f}%"


def day(value: dt.date | None) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def days(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def api_url(path: str, **params) -> str:
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return API + path + ("?" + urlencode(query) if query else "")


def _money_axis(top) -> tuple[Decimal, str, callable]:
    divisor, unit = charts.money_unit(top, language())
    return divisor, unit, charts.number


def _scaled(values, divisor: Decimal) -> list[float]:
    return [float(Decimal(v or 0) / divisor) for v in values]


def _valley_band(flags: list[bool]) -> list[Band]:
    """One band over the run of valley rows (the default pipeline has one)."""
    indices = [i for i, flag in enumerate(flags) if flag]
    if not indices:
        return []
    return [Band(indices[0], indices[-1], _("Valley of death"))]


# --- pipeline overview ---------------------------------------------------------------------


def filter_params(filters: PipelineFilters) -> dict:
    return {
        "tech_area": filters.tech_area,
        "institution": filters.institution,
        "cohort": filters.cohort,
        "as_of": filters.as_of.isoformat() if filters.as_of else None,
    }


def overview_charts(overview: PipelineOverview) -> dict[str, Chart]:
    filters = overview.filters
    params = filter_params(filters)
    report_url = api_url("reports/pipeline/", **params)
    startups_url = api_url(
        "startups/", format="csv", tech_area=filters.tech_area, institution=filters.institution
    )
    rows = overview.report.stages
    pipeline_rows = [row for row in rows if not row.outcome]
    names = [pick(row.name, row.name_en) for row in rows]
    pipeline_names = [pick(row.name, row.name_en) for row in pipeline_rows]
    valley_bands = _valley_band([row.in_valley for row in rows])
    pipeline_bands = _valley_band([row.in_valley for row in pipeline_rows])
    yes, no = _("yes"), ""

    result: dict[str, Chart] = {}
    title = _("Startups per stage")
    result["funnel"] = Chart(
        id="chart-funnel",
        title=title,
        **charts.responsive(
            charts.hbar,
            "chart-funnel",
            title,
            names,
            [
                Series(_("Reached the stage"), charts.REACHED, [r.entered for r in rows]),
                Series(_("In the stage now"), charts.NOW, [r.count for r in rows]),
            ],
            stacked=False,
            end_labels=[
                _("%(now)s now · %(reached)s reached") % {"now": r.count, "reached": r.entered}
                for r in rows
            ],
            bands=valley_bands,
            label_width=150,
            integer=True,
        ),
        legend=[
            (_("In the stage now"), charts.NOW),
            (_("Reached the stage"), charts.REACHED),
            (_("Valley of death"), charts.VALLEY_BAND),
        ],
        columns=[_("Stage"), _("Valley"), _("Now"), _("Reached"), _("Moved on")],
        rows=[
            [name, yes if r.in_valley else no, str(r.count), str(r.entered), str(r.advanced)]
            for name, r in zip(names, rows, strict=True)
        ],
        api_url=report_url,
        wide=True,
    )

    title = _("Conversion to the next stage")
    result["conversion"] = Chart(
        id="chart-conversion",
        title=title,
        svg=charts.hbar(
            "chart-conversion",
            title,
            pipeline_names,
            [
                Series(
                    _("Conversion"),
                    charts.CROSSED,
                    [float(r.conversion or 0) * 100 for r in pipeline_rows],
                )
            ],
            end_labels=[percent(r.conversion) for r in pipeline_rows],
            bands=pipeline_bands,
            max_value=100,
            value_format=lambda v: f"{v:.0f}%",
        ),
        columns=[_("Stage"), _("Reached"), _("Moved on"), _("Conversion")],
        rows=[
            [name, str(r.entered), str(r.advanced), percent(r.conversion)]
            for name, r in zip(pipeline_names, pipeline_rows, strict=True)
        ],
        api_url=report_url,
    )

    title = _("Median days in each stage")
    result["median"] = Chart(
        id="chart-median",
        title=title,
        svg=charts.hbar(
            "chart-median",
            title,
            pipeline_names,
            [Series(_("Median days"), charts.BEFORE, [r.median_days or 0 for r in pipeline_rows])],
            end_labels=[days(r.median_days) for r in pipeline_rows],
            bands=pipeline_bands,
        ),
        columns=[_("Stage"), _("Median days (completed stays)")],
        rows=[
            [name, days(r.median_days)]
            for name, r in zip(pipeline_names, pipeline_rows, strict=True)
        ],
        api_url=report_url,
    )

    outcome_series = [
        (_("Crossed the valley"), charts.CROSSED, "crossed"),
        (_("In the valley"), charts.VALLEY, "in_valley"),
        (_("Before the valley"), charts.BEFORE, "before_valley"),
        (_("Closed"), charts.CLOSED, "closed"),
    ]
    legend = [(label, color) for label, color, _attr in outcome_series]
    valley_columns = [
        _("Crossed"),
        _("In the valley"),
        _("Before the valley"),
        _("Closed"),
        _("Total"),
        _("Crossing rate"),
    ]

    def valley_table(groups) -> list[list[str]]:
        return [
            [
                pick(g.name, g.name_en),
                str(g.crossed),
                str(g.in_valley),
                str(g.before_valley),
                str(g.closed),
                str(g.total),
                percent(g.crossing_rate),
            ]
            for g in groups
        ]

    def valley_series(groups) -> list[Series]:
        return [
            Series(label, color, [getattr(g, attr) for g in groups])
            for label, color, attr in outcome_series
        ]

    title = _("Valley crossing by cohort (admission year)")
    cohorts = overview.by_cohort
    result["cohort"] = Chart(
        id="chart-cohort",
        title=title,
        svg=charts.columns(
            "chart-cohort",
            title,
            [g.name for g in cohorts],
            valley_series(cohorts),
            axis_label=_("startups"),
            end_labels=[f"{g.crossed}/{g.total}" for g in cohorts],
            integer=True,
        ),
        legend=legend,
        columns=[_("Cohort"), *valley_columns],
        rows=valley_table(cohorts),
        api_url=report_url,
        note=_("Labels above the columns: crossed / total."),
    )

    title = _("By technology field")
    result["tech_area"] = Chart(
        id="chart-tech-area",
        title=title,
        svg=charts.hbar(
            "chart-tech-area",
            title,
            [pick(g.name, g.name_en) for g in overview.by_tech_area],
            valley_series(overview.by_tech_area),
            label_width=190,
            integer=True,
        ),
        legend=legend,
        columns=[_("Technology field"), *valley_columns],
        rows=valley_table(overview.by_tech_area),
        api_url=startups_url,
    )

    title = _("By origin institution")
    result["institution"] = Chart(
        id="chart-institution",
        title=title,
        svg=charts.hbar(
            "chart-institution",
            title,
            [pick(g.name, g.name_en) for g in overview.by_institution],
            valley_series(overview.by_institution),
            label_width=190,
            integer=True,
        ),
        legend=legend,
        columns=[_("Institution"), *valley_columns],
        rows=valley_table(overview.by_institution),
        api_url=startups_url,
        note=_("The %(n)s institutions with the most startups.")
        % {"n": len(overview.by_institution)},
    )

    raised = overview.raised
    years = sorted({r.year for r in raised})
    types = [t for t in RoundType if any(r.round_type == t.value for r in raised)]
    amounts = {(r.year, r.round_type): r.amount for r in raised}
    per_year = [sum((amounts.get((y, t.value), 0) for t in types), Decimal(0)) for y in years]
    divisor, unit, fmt = _money_axis(max(per_year, default=0))
    title = _("Funding raised per year by round type")
    result["raised"] = Chart(
        id="chart-raised",
        title=title,
        svg=charts.columns(
            "chart-raised",
            title,
            [str(y) for y in years],
            [
                Series(
                    str(t.label),
                    charts.CATEGORICAL[i % len(charts.CATEGORICAL)],
                    _scaled([amounts.get((y, t.value), 0) for y in years], divisor),
                )
                for i, t in enumerate(types)
            ],
            axis_label=unit,
            value_format=fmt,
        ),
        legend=[
            (str(t.label), charts.CATEGORICAL[i % len(charts.CATEGORICAL)])
            for i, t in enumerate(types)
        ],
        columns=[
            _("Year"),
            _("Round type"),
            _("Rounds"),
            _("Disclosed amount"),
            _("of which approximate"),
            _("Undisclosed rounds"),
        ],
        rows=[
            [
                str(r.year),
                str(RoundType(r.round_type).label),
                str(r.rounds),
                money(r.amount),
                money(r.approximate),
                str(r.undisclosed),
            ]
            for r in raised
        ],
        api_url=api_url(
            "funding-rounds/",
            format="csv",
            tech_area=filters.tech_area,
            closed_before=filters.date.isoformat(),
        ),
        note=_("Undisclosed rounds are counted, not summed."),
    )
    return result


# --- fund ----------------------------------------------------------------------------------


def fund_charts(board: FundDashboard) -> dict[str, Chart]:
    fund, report = board.fund, board.report
    as_of = board.as_of.isoformat()
    report_url = api_url(f"funds/{fund.pk}/report/", as_of=as_of)
    holdings_url = api_url(f"funds/{fund.pk}/holdings/", as_of=as_of)
    result: dict[str, Chart] = {}

    divisor, unit, fmt = _money_axis(fund.size)
    undisbursed = max(report.committed - report.disbursed, Decimal(0))
    available = max(report.available, Decimal(0))
    title = _("Capital at a glance")
    result["capital"] = Chart(
        id="chart-capital",
        title=title,
        **charts.responsive(
            charts.hbar,
            "chart-capital",
            title,
            [_("Fund size")],
            [
                Series(_("Disbursed"), charts.DISBURSED, _scaled([report.disbursed], divisor)),
                Series(
                    _("Committed, not yet paid"), charts.COMMITTED, _scaled([undisbursed], divisor)
                ),
                Series(_("Available"), charts.AVAILABLE, _scaled([available], divisor)),
            ],
            end_labels=[money(fund.size)],
            value_format=fmt,
            label_width=110,
            row_height=44,
        ),
        legend=[
            (_("Disbursed"), charts.DISBURSED),
            (_("Committed, not yet paid"), charts.COMMITTED),
            (_("Available"), charts.AVAILABLE),
        ],
        columns=[_("Figure"), _("Amount"), _("Share of the fund")],
        rows=[
            [label, money(value), percent(metrics.ratio(value, fund.size))]
            for label, value in (
                (_("Size"), fund.size),
                (_("Committed"), report.committed),
                (_("Disbursed"), report.disbursed),
                (_("Available"), report.available),
            )
        ],
        api_url=report_url,
        note=_("Unit: %(unit)s") % {"unit": unit},
        wide=True,
    )

    points = board.deployment
    top = max([fund.size, *(p.cumulative_committed for p in points)])
    divisor, unit, fmt = _money_axis(top)
    title = _("Deployment over time")
    start = points[0].month if points else board.as_of
    result["deployment"] = Chart(
        id="chart-deployment",
        title=title,
        **charts.responsive(
            charts.lines,
            "chart-deployment",
            title,
            [
                TimeSeries(
                    _("Committed (cumulative)"),
                    charts.COMMITTED,
                    [(p.month, float(p.cumulative_committed / divisor)) for p in points],
                ),
                TimeSeries(
                    _("Disbursed (cumulative)"),
                    charts.DISBURSED,
                    [(p.month, float(p.cumulative_disbursed / divisor)) for p in points],
                ),
            ],
            start=start,
            end=board.as_of,
            axis_label=unit,
            value_format=fmt,
            y_ticks=charts.nice_ticks(float(top / divisor)),
            area=True,
            height=260,
        ),
        legend=[
            (_("Committed (cumulative)"), charts.COMMITTED),
            (_("Disbursed (cumulative)"), charts.DISBURSED),
        ],
        columns=[
            _("Month"),
            _("Committed"),
            _("Disbursed"),
            _("Committed (cumulative)"),
            _("Disbursed (cumulative)"),
        ],
        rows=[
            [
                p.month.strftime("%Y-%m"),
                money(p.committed),
                money(p.disbursed),
                money(p.cumulative_committed),
                money(p.cumulative_disbursed),
            ]
            for p in points
        ],
        api_url=api_url("commitments/", format="csv", fund=fund.pk),
        wide=True,
    )

    holdings = sorted(board.holdings, key=lambda h: h.committed, reverse=True)
    limit = float(fund.max_single_company_pct)
    shares = [float(h.committed / fund.size * 100) for h in holdings]
    title = _("Concentration by company")
    result["by_company"] = Chart(
        id="chart-by-company",
        title=title,
        svg=charts.hbar(
            "chart-by-company",
            title,
            [pick(h.name, h.name_en) for h in holdings],
            [Series(_("Committed, % of the fund"), charts.COMMITTED, shares)],
            end_labels=[f"{s:.1f}%" for s in shares],
            reference=(limit, _("limit %(pct)s%%") % {"pct": f"{limit:g}"}),
            value_format=lambda v: f"{v:g}%",
        ),
        legend=[
            (_("Committed, % of the fund"), charts.COMMITTED),
            (_("Policy limit per company"), charts.ALERT),
        ],
        columns=[_("Company"), _("Committed"), _("Share of the fund")],
        rows=[
            [pick(h.name, h.name_en), money(h.committed), f"{s:.2f}%"]
            for h, s in zip(holdings, shares, strict=True)
        ],
        api_url=holdings_url,
    )

    by_stage = board.by_stage
    stage_names = [s.stage.display_name if s.stage else _("Unknown stage") for s in by_stage]
    divisor, unit, fmt = _money_axis(max((s.committed for s in by_stage), default=0))
    title = _("Concentration by stage")
    result["by_stage"] = Chart(
        id="chart-by-stage",
        title=title,
        svg=charts.hbar(
            "chart-by-stage",
            title,
            stage_names,
            [
                Series(
                    _("Disbursed"),
                    charts.DISBURSED,
                    _scaled([s.disbursed for s in by_stage], divisor),
                ),
                Series(
                    _("Committed, not yet paid"),
                    charts.COMMITTED,
                    _scaled([s.committed - s.disbursed for s in by_stage], divisor),
                ),
            ],
            end_labels=[money(s.committed) for s in by_stage],
            bands=_valley_band([bool(s.stage and s.stage.in_valley) for s in by_stage]),
            value_format=fmt,
        ),
        legend=[
            (_("Disbursed"), charts.DISBURSED),
            (_("Committed, not yet paid"), charts.COMMITTED),
            (_("Valley of death"), charts.VALLEY_BAND),
        ],
        columns=[
            _("Stage"),
            _("Companies"),
            _("Committed"),
            _("Disbursed"),
            _("Share of committed"),
        ],
        rows=[
            [
                name,
                str(s.companies),
                money(s.committed),
                money(s.disbursed),
                percent(metrics.ratio(s.committed, report.committed)),
            ]
            for name, s in zip(stage_names, by_stage, strict=True)
        ],
        api_url=holdings_url,
        note=_("Unit: %(unit)s") % {"unit": unit},
    )
    return result


COMPLIANCE_LABELS = {
    "committed_within_size": lambda: _("Commitments within the fund's size"),
    "max_single_company_pct": lambda: _("Largest share in one company (% of size)"),
    "min_target_sector_pct": lambda: _("Share in the target fields (% of committed)"),
    "min_local_pct": lambda: _("Share in local firms, 返投 (% of committed)"),
    "investment_period_end": lambda: _("Last commitment within the investment period"),
}


def compliance_rows(board: FundDashboard) -> list[dict]:
    rows = []
    for check in board.report.compliance:
        label = COMPLIANCE_LABELS.get(check.rule, lambda c=check: c.rule)()
        if isinstance(check.limit, dt.date) or isinstance(check.actual, dt.date):
            limit, actual = day(check.limit), day(check.actual)
        elif check.rule == "committed_within_size":
            limit, actual = money(check.limit), money(check.actual)
        else:
            limit = "—" if check.limit is None else f"{check.limit}%"
            actual = "—" if check.actual is None else f"{check.actual}%"
        if check.rule.startswith("min_"):
            limit = "≥ " + limit
        elif check.rule != "investment_period_end":
            limit = "≤ " + limit
        rows.append(
            {"rule": check.rule, "label": label, "limit": limit, "actual": actual, "ok": check.ok}
        )
    return rows


# --- startup -------------------------------------------------------------------------------


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
    events = sorted(
        [(t.on, _("Stage"), t.to_stage.display_name, f"TRL {t.trl}") for t in transitions]
        + [
            (
                r.closed_on,
                _("Round"),
                r.get_round_type_display(),
                money(r.amount) if r.amount is not None else (r.announced_as or _("undisclosed")),
            )
            for r in board.rounds
        ]
        + [
            (m.achieved_on, _("Milestone"), m.title, str(MilestoneKind(m.kind).label))
            for m in board.milestones
        ],
        key=lambda row: row[0],
    )
    title = _("Timeline")
    result["timeline"] = Chart(
        id="chart-timeline",
        title=title,
        **charts.responsive(
            charts.timeline,
            "chart-timeline",
            title,
            stays=stays,
            lanes=[(_("Rounds"), round_events), (_("Milestones"), milestone_events)],
            start=start,
            end=end,
            stage_lane_label=_("Stage"),
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
        wide=True,
    )

    title = _("TRL over time")
    result["trl"] = Chart(
        id="chart-trl",
        title=title,
        svg=charts.lines(
            "chart-trl",
            title,
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
    kpi_url = api_url("kpi-reports/", format="csv", startup=pk)
    divisor, unit, fmt = _money_axis(max((k.revenue for k in kpis), default=0))
    title = _("Revenue per quarter")
    result["revenue"] = Chart(
        id="chart-revenue",
        title=title,
        svg=charts.columns(
            "chart-revenue",
            title,
            quarters,
            [Series(_("Revenue"), charts.CROSSED, _scaled([k.revenue for k in kpis], divisor))],
            axis_label=unit,
            value_format=fmt,
            height=210,
        ),
        columns=[_("Quarter"), _("Revenue"), _("R&D spend")],
        rows=[
            [q, money(k.revenue), money(k.rd_spend)] for q, k in zip(quarters, kpis, strict=True)
        ],
        api_url=kpi_url,
    )
    for key, label, attr, color in (
        ("headcount", _("Headcount"), "headcount", charts.COMMITTED),
        ("customers", _("Customers / installed units"), "customers", charts.VALLEY),
    ):
        result[key] = Chart(
            id=f"chart-{key}",
            title=label,
            svg=charts.columns(
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
        )
    title = _("Patents per quarter")
    result["patents"] = Chart(
        id="chart-patents",
        title=title,
        svg=charts.columns(
            "chart-patents",
            title,
            quarters,
            [
                Series(_("Granted"), charts.CROSSED, [k.patents_granted for k in kpis]),
                Series(_("Filed"), charts.BEFORE, [k.patents_filed for k in kpis]),
            ],
            height=210,
            integer=True,
        ),
        legend=[(_("Granted"), charts.CROSSED), (_("Filed"), charts.BEFORE)],
        columns=[_("Quarter"), _("Filed"), _("Granted")],
        rows=[
            [q, str(k.patents_filed), str(k.patents_granted)]
            for q, k in zip(quarters, kpis, strict=True)
        ],
        api_url=kpi_url,
    )
    return result
