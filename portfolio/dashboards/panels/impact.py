"""The impact page (``selectors.impact``): every figure with whose it is and how it is
computed, the thresholds beside the incubator's figures, and two charts. Pure presentation,
in the active language; no queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from portfolio.dashboards import charts
from portfolio.dashboards.charts import Chart, Series
from portfolio.dashboards.panels.common import PageFigure, api_url, money_axis, scaled
from portfolio.formatting import day, money, multiple, percent
from portfolio.models.choices import Population
from portfolio.models.incubation import ThresholdKey
from portfolio.selectors.impact import MET, NO_DATA, NOT_YET, ImpactReport, ThresholdRow

#: thresholds whose figure is a percentage, an area or money (the others are counts)
PERCENT_KEYS = {
    ThresholdKey.INCUBATEE_USE_PCT,
    ThresholdKey.FINANCED_PCT,
    ThresholdKey.PATENT_APPLICANTS_PCT,
}
RATIO_KEYS = {ThresholdKey.MENTORS_PER_10, ThresholdKey.INCUBATEES_PER_1000_M2}


@dataclass(frozen=True)
class Figure(PageFigure):
    whose: str
    how: str


@dataclass(frozen=True)
class Group:
    title: str
    figures: list[Figure]


@dataclass(frozen=True)
class ThresholdLine:
    key: str  # the element id on the page
    grade: str
    label: str
    policy: str
    required: str
    actual: str
    status: str
    status_label: str
    how: str


def whose(report: ImpactReport) -> str:
    """Whose the year's figures are, in words."""
    if report.population == Population.INCUBATOR:
        return _("Incubatees: the %(n)s startups admitted by 31 December %(year)s") % {
            "n": report.startups,
            "year": report.year,
        }
    if report.population == Population.TRACKED:
        return _("Tracked companies: the %(n)s companies followed, never admitted") % {
            "n": report.startups
        }
    return _("All companies: the %(n)s startups recorded, admitted or tracked") % {
        "n": report.startups
    }


def impact_figures(report: ImpactReport) -> list[Group]:
    who = whose(report)
    reporting = _("%(n)s of them reported in %(year)s; the others add nothing.") % {
        "n": report.reporting,
        "year": report.year,
    }

    def figure(key, label, value, how) -> Figure:
        return Figure(f"impact-{key}", label, value, who, how)

    return [
        Group(
            _("People"),
            [
                figure(
                    "jobs",
                    _("Jobs"),
                    str(report.jobs),
                    _("Each startup's headcount in its last KPI report of the year, summed.")
                    + " "
                    + reporting,
                ),
                figure(
                    "new-graduates",
                    _("New graduates hired"),
                    str(report.new_graduates_hired),
                    _("Fresh university graduates hired: the year's quarterly KPI reports summed."),
                ),
                figure(
                    "phds",
                    _("Staff with a PhD"),
                    str(report.phds),
                    _("Of the headcount in each startup's last KPI report of the year, summed."),
                ),
            ],
        ),
        Group(
            _("Revenue and taxes"),
            [
                figure(
                    "revenue",
                    _("Revenue"),
                    money(report.revenue),
                    _("The year's quarterly KPI reports summed."),
                ),
                figure(
                    "taxes",
                    _("Taxes paid (实际上缴税费)"),
                    money(report.taxes),
                    _("Taxes and fees actually paid: the year's quarterly KPI reports summed."),
                ),
            ],
        ),
        Group(
            _("Invention patents"),
            [
                figure(
                    "patents-filed",
                    _("Invention patents filed"),
                    str(report.invention_patents_filed),
                    _(
                        "KPI reports count patents cumulatively: each startup's last count of "
                        "the year minus its last count of the year before (0 without one)."
                    ),
                ),
                figure(
                    "patents-granted",
                    _("Invention patents granted"),
                    str(report.invention_patents_granted),
                    _("Counted like the filings, from the cumulative grants."),
                ),
            ],
        ),
        Group(
            _("Financing"),
            [
                figure(
                    "financing",
                    _("Financing attracted"),
                    money(report.financing),
                    _(
                        "Rounds closed in the year, exact and approximate amounts (%(approx)s "
                        "approximate); %(n)s rounds without an amount are not in the sum."
                    )
                    % {
                        "approx": money(report.financing_approximate),
                        "n": report.undisclosed_rounds,
                    },
                ),
                figure(
                    "fund-invested",
                    _("Paid in by the funds"),
                    money(report.fund_invested),
                    _("The funds' disbursements to these startups paid in the year."),
                ),
                figure(
                    "fund-share",
                    _("The funds' share of the financing"),
                    percent(report.fund_share_of_financing),
                    _("Paid in by the funds ÷ financing attracted; — without financing."),
                ),
                figure(
                    "leverage",
                    _("Financing per yuan of the funds"),
                    multiple(report.leverage),
                    _("Financing attracted ÷ paid in by the funds; — when the funds paid nothing."),
                ),
            ],
        ),
        Group(
            _("Certifications"),
            [
                figure(
                    "high-tech",
                    _("高新技术企业 (high-tech enterprises)"),
                    str(report.high_tech_enterprises),
                    _(
                        "Startups with an approved application whose certificate is valid on "
                        "some day of the year; %(new)s of them valid from a day in the year."
                    )
                    % {"new": report.high_tech_enterprises_new},
                ),
                figure(
                    "specialised",
                    _("专精特新 (specialised SMEs)"),
                    str(report.specialised_smes),
                    _(
                        "Startups with an approved 专精特新 or 小巨人 certificate valid on some "
                        "day of the year, each counted once."
                    ),
                ),
            ],
        ),
        Group(
            _("Graduations, listings and moves"),
            [
                figure(
                    "graduations",
                    _("Graduations"),
                    str(report.graduations),
                    _("Graduations recorded with a day in the year."),
                ),
                figure(
                    "listings",
                    _("Listings"),
                    str(report.listings),
                    _("Startups with an IPO round closed in the year."),
                ),
                figure(
                    "moved-in",
                    _("Moved into Haidian"),
                    str(report.moved_into_district),
                    _("Startups whose registered address moved into Haidian in the year."),
                ),
            ],
        ),
    ]


def status_label(status: str) -> str:
    return {MET: _("met"), NOT_YET: _("not yet"), NO_DATA: _("no data")}[status]


def grade_label(grade: str) -> str:
    return {"national": _("national-level"), "specialised": _("specialised")}.get(grade, grade)


def threshold_value(key: str, value: Decimal | None) -> str:
    if value is None:
        return "—"
    if key in PERCENT_KEYS:
        return f"{value:.2f}%"
    if key == ThresholdKey.SEED_FUND_YUAN:
        return money(value)
    if key == ThresholdKey.SPACE_M2:
        return f"{value:,.0f} m²"
    if key in RATIO_KEYS:
        return f"{value:.2f}"
    return f"{value:,.0f}"


def _how(row: ThresholdRow) -> str:
    missing = {
        "opening_day": _(
            "No data: the incubator's opening day is not stated in the incubator's figures (admin)."
        ),
        "controlled_area": _(
            "No data: the space the incubator controls (可自主支配面积) is not stated in the "
            "incubator's figures (admin); the leases record only the area let."
        ),
        "seed_fund": _(
            "No data: the incubator's own seed or incubation fund is not stated in the "
            "incubator's figures (admin)."
        ),
        "no_incubatees": _("No data: no incubatee in incubation on 31 December."),
        "no_kpi_reports": _("No data: no incubatee has a KPI report by the year's end."),
    }
    if row.status == NO_DATA:
        return missing.get(row.missing, _("No data."))
    return {
        ThresholdKey.INCUBATEES: _(
            "Startups admitted by 31 December and still active (status has no history: "
            "exact for this year, approximate for earlier ones)."
        ),
        ThresholdKey.GRADUATES_CUMULATIVE: _("Graduations dated on or before 31 December."),
        ThresholdKey.MENTORS_PER_10: _("Mentors in office on 31 December × 10 ÷ incubatees."),
        ThresholdKey.FINANCED_PCT: _(
            "Incubatees with a round closed in the year (any amount) × 100 ÷ incubatees."
        ),
        ThresholdKey.PATENT_APPLICANTS_PCT: _(
            "Incubatees whose KPI reports show a patent filed by the year's end × 100 ÷ "
            "incubatees (no report: counted as none)."
        ),
        ThresholdKey.OPERATING_YEARS: _(
            "Whole years from the opening day in the incubator's figures to 31 December."
        ),
        ThresholdKey.SPACE_M2: _(
            "The space the incubator controls (可自主支配面积), from the incubator's figures."
        ),
        ThresholdKey.SEED_FUND_YUAN: _(
            "The incubator's own seed or incubation fund, from the incubator's figures."
        ),
        ThresholdKey.INCUBATEE_USE_PCT: _(
            "Area let to incubatees plus public service areas on 31 December × 100 ÷ the "
            "space the incubator controls."
        ),
        ThresholdKey.INCUBATEES_PER_1000_M2: _(
            "Incubatees × 1,000 ÷ the space the incubator controls (m²)."
        ),
    }.get(row.rule, "")


def threshold_lines(report: ImpactReport) -> list[ThresholdLine]:
    return [
        ThresholdLine(
            key=f"threshold-{row.grade}-{row.rule}",
            grade=grade_label(row.grade),
            label=row.label,
            policy=_("%(code)s, in force from %(day)s")
            % {"code": row.policy_code, "day": day(row.effective_from)},
            required="≥ " + threshold_value(row.rule, row.required),
            actual=threshold_value(row.rule, row.actual),
            status=row.status,
            status_label=status_label(row.status),
            how=_how(row),
        )
        for row in report.thresholds
    ]


def impact_charts(report: ImpactReport) -> dict[str, Chart]:
    url = api_url("reports/impact/", year=report.year, population=report.population)
    result: dict[str, Chart] = {}

    measured = [row for row in report.thresholds if row.actual is not None]
    labels = [f"{grade_label(row.grade)} · {row.label}" for row in measured]
    shares = [float(row.actual * 100 / row.required) if row.required else 100.0 for row in measured]
    colors = {MET: charts.CROSSED, NOT_YET: charts.VALLEY}
    met = Series(
        _("met"),
        colors[MET],
        [s if r.status == MET else 0 for s, r in zip(shares, measured, strict=True)],
    )
    not_yet = Series(
        _("not yet"),
        colors[NOT_YET],
        [s if r.status == NOT_YET else 0 for s, r in zip(shares, measured, strict=True)],
    )
    unmeasured = [row for row in report.thresholds if row.actual is None]
    result["thresholds"] = Chart(
        **charts.drawn(
            charts.hbar,
            "chart-impact-thresholds",
            _("The incubator's figures against the thresholds"),
            labels,
            [met, not_yet],
            end_labels=[
                f"{threshold_value(r.rule, r.actual)} / {threshold_value(r.rule, r.required)}"
                for r in measured
            ],
            reference=(100.0, _("required")),
            value_format=lambda v: f"{v:,.0f}%",
            label_width=230,
            wide=True,
        ),
        legend=charts.legend([met, not_yet]),
        columns=[_("Grade"), _("Figure"), _("Required"), _("Incubator"), _("Status")],
        rows=[
            [
                grade_label(r.grade),
                r.label,
                threshold_value(r.rule, r.required),
                threshold_value(r.rule, r.actual),
                status_label(r.status),
            ]
            for r in report.thresholds
        ],
        api_url=url,
        note=_(
            "Each bar is the incubator's figure as a share of what the threshold requires "
            "(100%% = met). %(n)s thresholds have no data and are not drawn."
        )
        % {"n": len(unmeasured)},
    )

    exact = report.financing - report.financing_approximate
    divisor, unit, _fmt = money_axis(max(report.financing, report.fund_invested))
    rows = [_("Financing attracted"), _("Paid in by the funds")]
    series = [
        Series(_("exact amounts"), charts.COMMITTED, scaled([exact, 0], divisor)),
        Series(
            _("approximate amounts"),
            charts.VALLEY,
            scaled([report.financing_approximate, 0], divisor),
        ),
        Series(
            _("the funds' payments"), charts.DISBURSED, scaled([0, report.fund_invested], divisor)
        ),
    ]
    result["financing"] = Chart(
        **charts.drawn(
            charts.hbar,
            "chart-impact-financing",
            _("Financing and the funds' share (%(unit)s)") % {"unit": unit},
            rows,
            series,
            end_labels=[money(report.financing), money(report.fund_invested)],
            label_width=170,
        ),
        legend=charts.legend(series),
        columns=[_("Figure"), _("Amount")],
        rows=[
            [_("Financing attracted"), money(report.financing)],
            [_("of which approximate"), money(report.financing_approximate)],
            [_("Rounds without an amount"), str(report.undisclosed_rounds)],
            [_("Paid in by the funds"), money(report.fund_invested)],
            [_("The funds' share"), percent(report.fund_share_of_financing)],
        ],
        api_url=url,
        note=_(
            "Rounds closed in %(year)s by %(whose)s; the funds' payments are their "
            "disbursements to the same startups in the year."
        )
        % {"year": report.year, "whose": whose(report)},
    )
    return result
