"""The fund page's panels: deployment over time, holdings by stage, compliance."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portfolio import formatting, metrics
from portfolio.dashboards import charts
from portfolio.dashboards.charts import Chart, Series, TimeSeries
from portfolio.dashboards.data import (
    FundDashboard,
)
from portfolio.dashboards.panels.common import (
    api_url,
    money_axis,
    pick,
    scaled,
    valley_band,
)
from portfolio.formatting import ComplianceRow, money, percent

# xgettext:no-python-format
COMMITTED_SHARE = gettext_lazy("Committed, % of the fund")


#: the companies the concentration chart draws, the largest first
CONCENTRATION_BARS = 20


def fund_charts(board: FundDashboard) -> dict[str, Chart]:
    fund, report = board.fund, board.report
    as_of = board.as_of.isoformat()
    report_url = api_url(f"funds/{fund.pk}/report/", as_of=as_of)
    holdings_url = api_url(f"funds/{fund.pk}/holdings/", as_of=as_of)
    result: dict[str, Chart] = {}

    divisor, unit, fmt = money_axis(fund.size)
    undisbursed = max(report.committed - report.disbursed, Decimal(0))
    available = max(report.available, Decimal(0))
    capital = [
        Series(_("Disbursed"), charts.DISBURSED, scaled([report.disbursed], divisor)),
        Series(_("Committed, not yet paid"), charts.COMMITTED, scaled([undisbursed], divisor)),
        Series(_("Available"), charts.AVAILABLE, scaled([available], divisor)),
    ]
    result["capital"] = Chart(
        **charts.drawn(
            charts.hbar,
            "chart-capital",
            _("Capital at a glance"),
            [_("Fund size")],
            capital,
            end_labels=[money(fund.size)],
            value_format=fmt,
            label_width=110,
            row_height=44,
            wide=True,
        ),
        legend=charts.legend(capital),
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
    )

    points = board.deployment
    top = max([fund.size, *(p.cumulative_committed for p in points)])
    divisor, unit, fmt = money_axis(top)
    start = points[0].month if points else board.as_of
    cumulative = [
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
    ]
    result["deployment"] = Chart(
        **charts.drawn(
            charts.lines,
            "chart-deployment",
            _("Deployment over time"),
            cumulative,
            start=start,
            end=board.as_of,
            axis_label=unit,
            value_format=fmt,
            y_ticks=charts.nice_ticks(float(top / divisor)),
            area=True,
            height=260,
            wide=True,
        ),
        legend=charts.legend(cumulative),
        # the cumulative columns are the drawn series
        columns=[_("Month"), _("Committed"), _("Disbursed"), *(s.label for s in cumulative)],
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
    )

    everyone = sorted(board.holdings, key=lambda h: h.committed, reverse=True)
    # the largest, which the per-company limit is about: a bar each for a thousand holdings
    # was 430 kB of the page and unreadable (bar P9 of issue 17)
    holdings = everyone[:CONCENTRATION_BARS]
    limit = float(fund.max_single_company_pct)
    shares = [float(h.committed / fund.size * 100) for h in holdings]
    result["by_company"] = Chart(
        **charts.drawn(
            charts.hbar,
            "chart-by-company",
            _("Concentration by company"),
            [pick(h.name, h.name_en) for h in holdings],
            [Series(COMMITTED_SHARE, charts.COMMITTED, shares)],
            end_labels=[f"{s:.1f}%" for s in shares],
            reference=(limit, _("limit %(pct)s%%") % {"pct": f"{limit:g}"}),
            value_format=lambda v: f"{v:g}%",
        ),
        legend=[
            (COMMITTED_SHARE, charts.COMMITTED),
            (_("Policy limit per company"), charts.ALERT),
        ],
        columns=[_("Company"), _("Committed"), _("Share of the fund")],
        rows=[
            [pick(h.name, h.name_en), money(h.committed), f"{s:.2f}%"]
            for h, s in zip(holdings, shares, strict=True)
        ],
        api_url=holdings_url,
        note=(
            _(
                "The %(shown)s largest of %(total)s companies by amount committed; every "
                "company is in the holdings table and its export."
            )
            % {"shown": len(holdings), "total": len(everyone)}
            if len(holdings) < len(everyone)
            else ""
        ),
    )

    by_stage = board.by_stage
    stage_names = [s.stage.display_name if s.stage else _("Unknown stage") for s in by_stage]
    divisor, unit, fmt = money_axis(max((s.committed for s in by_stage), default=0))
    paid_and_owed = [
        Series(_("Disbursed"), charts.DISBURSED, scaled([s.disbursed for s in by_stage], divisor)),
        Series(
            _("Committed, not yet paid"),
            charts.COMMITTED,
            scaled([s.committed - s.disbursed for s in by_stage], divisor),
        ),
    ]
    result["by_stage"] = Chart(
        **charts.drawn(
            charts.hbar,
            "chart-by-stage",
            _("Concentration by stage"),
            stage_names,
            paid_and_owed,
            end_labels=[money(s.committed) for s in by_stage],
            bands=valley_band([bool(s.stage and s.stage.in_valley) for s in by_stage]),
            value_format=fmt,
        ),
        legend=charts.legend(paid_and_owed, (_("Valley of death"), charts.VALLEY_BAND)),
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


def compliance_rows(board: FundDashboard) -> list[ComplianceRow]:
    return formatting.compliance_rows(board.report.compliance)


# --- startup -------------------------------------------------------------------------------
