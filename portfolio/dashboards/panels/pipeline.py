"""The pipeline page's panels: the valley by cohort, technology and institution, money raised,
the watch list.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from portfolio.dashboards import charts
from portfolio.dashboards.charts import Chart, Series, StepSeries
from portfolio.dashboards.data import (
    PipelineOverview,
)
from portfolio.dashboards.panels.common import (
    api_url,
    filter_params,
    money_axis,
    pick,
    scaled,
    valley_band,
)
from portfolio.formatting import days, money, percent
from portfolio.models.choices import RoundType

# --- time in a stage and in the valley (Kaplan-Meier, survival.md) --------------------------


def median_text(median: int | None, longest: int | None) -> str:
    """The Kaplan-Meier median in days, or "more than N days" when fewer than half have left
    (N: the longest stay); a dash without stays."""
    if median is not None:
        return days(median)
    if longest is None:
        return days(None)
    return _("more than %(days)s days") % {"days": days(longest)}


def quartile_columns() -> list[str]:
    """The headers of a stay table's Kaplan-Meier columns (``quartile_cells``)."""
    return [_("25% had left by (days)"), _("Median days"), _("75% had left by (days)")]


def quartile_cells(
    p25: int | None, median: int | None, p75: int | None, longest: int | None
) -> list[str]:
    """A row's Kaplan-Meier columns: the days by which a quarter, half and three quarters of
    the stays had ended (the median as ``median_text`` says it)."""
    return [days(p25), median_text(median, longest), days(p75)]


def group_label(key: str) -> str:
    return {
        "all": _("All in the valley"),
        "fund_backed": _("Fund-backed"),
        "not_backed": _("Not backed"),
    }[key]


GROUP_COLORS = {"all": charts.INK, "fund_backed": charts.COMMITTED, "not_backed": charts.VALLEY}


def valley_survival_chart(valley, url: str) -> Chart:
    """Time in the valley: one step curve per group (all, fund-backed, not backed), the share
    still in the valley against days since entering it."""
    series = [
        StepSeries(
            group_label(group.key),
            GROUP_COLORS[group.key],
            [(point.day, float(point.survival)) for point in group.survival.curve],
            until=group.survival.longest or 0,
        )
        for group in valley.groups
        if group.stays
    ]
    return Chart(
        **charts.drawn(
            charts.survival_steps,
            "chart-valley-survival",
            _("Time in the valley"),
            series,
            axis_label=_("still in the valley"),
            day_label=_("days since entering the valley"),
            reference=(0.5, _("median")),
        ),
        legend=charts.legend(series),
        columns=[
            _("Group"),
            _("Stays"),
            _("Crossed"),
            _("Exited"),
            _("Closed"),
            _("Still in the valley"),
            *quartile_columns(),
        ],
        rows=[
            [
                group_label(group.key),
                str(group.stays),
                str(group.crossed),
                str(group.exited),
                str(group.closed),
                str(group.censored),
                *quartile_cells(
                    group.survival.p25,
                    group.survival.median,
                    group.survival.p75,
                    group.survival.longest,
                ),
            ]
            for group in valley.groups
            if group.stays
        ],
        api_url=url,
        note=_(
            "Kaplan-Meier: startups still in the valley count until today, so the longest "
            "stays are not left out. Fund-backed: a fund had committed by the end of the stay. "
            "The comparison describes; it does not show that backing causes crossing."
        ),
    )


# --- valley crossing by group (cohort, technology field, institution) ----------------------


def valley_outcomes() -> list[tuple[str, str, str]]:
    """Label, colour and ``ValleyGroup`` attribute of each outcome, in stacking order."""
    return [
        (_("Crossed the valley"), charts.CROSSED, "crossed"),
        (_("In the valley"), charts.VALLEY, "in_valley"),
        (_("Before the valley"), charts.BEFORE, "before_valley"),
        (_("Closed"), charts.CLOSED, "closed"),
    ]


def valley_series(groups) -> list[Series]:
    return [
        Series(label, color, [getattr(g, attr) for g in groups])
        for label, color, attr in valley_outcomes()
    ]


def valley_chart(drawing: dict, heading: str, groups, url: str, note: str = "") -> Chart:
    """A valley-crossing chart: ``drawing`` from ``charts.drawn``, the outcome legend and a
    table of the groups, ``heading`` naming what they are."""
    return Chart(
        **drawing,
        legend=[(label, color) for label, color, _attr in valley_outcomes()],
        columns=[
            heading,
            _("Crossed"),
            _("In the valley"),
            _("Before the valley"),
            _("Closed"),
            _("Total"),
            _("Crossing rate"),
        ],
        rows=[
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
        ],
        api_url=url,
        note=note,
    )


def valley_bars(chart_id: str, title: str, heading: str, groups, url: str, note: str = "") -> Chart:
    """Valley crossing by a named group (technology field, institution): one stacked bar each."""
    drawing = charts.drawn(
        charts.hbar,
        chart_id,
        title,
        [pick(g.name, g.name_en) for g in groups],
        valley_series(groups),
        label_width=190,
        integer=True,
    )
    return valley_chart(drawing, heading, groups, url, note)


def overview_charts(overview: PipelineOverview) -> dict[str, Chart]:
    filters = overview.filters
    params = filter_params(filters)
    report_url = api_url("reports/pipeline/", **params)
    startups_url = api_url(
        "startups/",
        format="csv",
        tech_area=filters.tech_area,
        institution=filters.institution,
        population=filters.population,
    )
    rows = overview.report.stages
    pipeline_rows = [row for row in rows if not row.outcome]
    names = [pick(row.name, row.name_en) for row in rows]
    pipeline_names = [pick(row.name, row.name_en) for row in pipeline_rows]
    valley_bands = valley_band([row.in_valley for row in rows])
    pipeline_bands = valley_band([row.in_valley for row in pipeline_rows])
    yes, no = _("yes"), ""

    result: dict[str, Chart] = {}
    result["funnel"] = Chart(
        **charts.drawn(
            charts.hbar,
            "chart-funnel",
            _("Startups per stage"),
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
            wide=True,
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
    )

    def stage_chart(
        chart_id: str,
        title: str,
        series: Series,
        end_labels,
        columns: list[str],
        cells,
        *,
        note: str = "",
        **options,
    ) -> Chart:
        """One bar per pipeline stage (outcomes left out), the valley banded; its table a row
        per stage: the stage's name, then ``cells(row)``."""
        return Chart(
            **charts.drawn(
                charts.hbar,
                chart_id,
                title,
                pipeline_names,
                [series],
                end_labels=end_labels,
                bands=pipeline_bands,
                **options,
            ),
            columns=columns,
            rows=[[name, *cells(r)] for name, r in zip(pipeline_names, pipeline_rows, strict=True)],
            api_url=report_url,
            note=note,
        )

    result["conversion"] = stage_chart(
        "chart-conversion",
        _("Conversion to the next stage"),
        Series(
            _("Conversion"),
            charts.CROSSED,
            [float(r.conversion or 0) * 100 for r in pipeline_rows],
        ),
        [percent(r.conversion) for r in pipeline_rows],
        [_("Stage"), _("Reached"), _("Moved on"), _("Conversion")],
        lambda r: [str(r.entered), str(r.advanced), percent(r.conversion)],
        max_value=100,
        value_format=lambda v: f"{v:.0f}%",
    )

    result["median"] = stage_chart(
        "chart-median",
        _("Median days in each stage"),
        Series(
            _("Median days"),
            charts.BEFORE,
            [r.median_days or r.longest_days or 0 for r in pipeline_rows],
        ),
        [median_text(r.median_days, r.longest_days) for r in pipeline_rows],
        [_("Stage"), _("Stays"), _("Still in the stage"), *quartile_columns()],
        lambda r: [
            str(r.stays),
            str(r.still_in_stage),
            *quartile_cells(r.p25_days, r.median_days, r.p75_days, r.longest_days),
        ],
        note=_(
            "Kaplan-Meier median: startups still in a stage count until today. Where fewer "
            "than half have left, the bar shows the longest stay so far."
        ),
    )

    if overview.valley is not None:
        result["valley_survival"] = valley_survival_chart(
            overview.valley, api_url("reports/valley/", **params)
        )

    cohorts = overview.by_cohort
    result["cohort"] = valley_chart(
        charts.drawn(
            charts.columns,
            "chart-cohort",
            _("Valley crossing by cohort (admission year)"),
            [g.name for g in cohorts],
            valley_series(cohorts),
            axis_label=_("startups"),
            end_labels=[f"{g.crossed}/{g.total}" for g in cohorts],
            integer=True,
        ),
        _("Cohort"),
        cohorts,
        report_url,
        note=_("Labels above the columns: crossed / total."),
    )
    result["tech_area"] = valley_bars(
        "chart-tech-area",
        _("By technology field"),
        _("Technology field"),
        overview.by_tech_area,
        startups_url,
    )
    result["institution"] = valley_bars(
        "chart-institution",
        _("By origin institution"),
        _("Institution"),
        overview.by_institution,
        startups_url,
        note=_("The %(n)s institutions with the most startups.")
        % {"n": len(overview.by_institution)},
    )

    raised = overview.raised
    years = sorted({r.year for r in raised})
    types = [t for t in RoundType if any(r.round_type == t.value for r in raised)]
    amounts = {(r.year, r.round_type): r.amount for r in raised}
    per_year = [sum((amounts.get((y, t.value), 0) for t in types), Decimal(0)) for y in years]
    divisor, unit, fmt = money_axis(max(per_year, default=0))
    series = [
        Series(
            str(t.label),
            charts.CATEGORICAL[i % len(charts.CATEGORICAL)],
            scaled([amounts.get((y, t.value), 0) for y in years], divisor),
        )
        for i, t in enumerate(types)
    ]
    result["raised"] = Chart(
        **charts.drawn(
            charts.columns,
            "chart-raised",
            _("Funding raised per year by round type"),
            [str(y) for y in years],
            series,
            axis_label=unit,
            value_format=fmt,
        ),
        legend=charts.legend(series),
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
