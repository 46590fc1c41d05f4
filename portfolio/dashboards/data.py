"""Read side of the dashboards: one aggregate query per chart, every filter applied.

The pipeline figures come from ``selectors.pipeline_report`` and the fund figures from
``selectors.fund_report`` / ``selectors.fund_holdings``, so the pages show exactly what the API
reports show. The functions here add the aggregates only the dashboards need. Each returns
plain rows; ``portfolio.dashboards.charts`` draws them and the views only glue the two together.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    CharField,
    Count,
    DateField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from portfolio import metrics, selectors
from portfolio.models import (
    Commitment,
    Disbursement,
    Fund,
    FundingRound,
    KpiReport,
    Milestone,
    Stage,
    StageTransition,
    Startup,
)
from portfolio.models.choices import AmountPrecision, Population, StageOutcome
from portfolio.models.expressions import Year
from portfolio.selectors import report_cache

ZERO = Decimal("0.00")
# A startup is "stalled" when it has been in its stage this many times the median stay.
STALLED_FACTOR = 2
WATCH_LIST_SIZE = 10
STUCK_SHOWN = 15
TRACKED_SHOWN = 12
INSTITUTIONS_SHOWN = 12


@dataclass(frozen=True)
class PipelineFilters:
    """The overview's filters; every chart of the overview applies all of them."""

    tech_area: str | None = None
    institution: int | None = None
    cohort: int | None = None
    as_of: dt.date | None = None
    population: str = Population.INCUBATOR

    @property
    def date(self) -> dt.date:
        return self.as_of or timezone.localdate()

    def report_kwargs(self) -> dict:
        return {
            "tech_area": self.tech_area,
            "institution": self.institution,
            "cohort": self.cohort,
            "as_of": self.date,
            "population": self.population,
        }

    @property
    def narrows(self) -> bool:
        """Whether the filters leave out any startup (the date aside)."""
        return bool(
            self.tech_area or self.institution or self.cohort or self.population != Population.ALL
        )

    def startups(self) -> QuerySet[Startup]:
        return selectors.pipeline_startups(
            tech_area=self.tech_area,
            institution=self.institution,
            cohort=self.cohort,
            population=self.population,
        )


# --- pipeline overview ---------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    in_pipeline: int
    in_valley: int
    crossed_valley: int
    crossing_rate: Decimal | None
    total: int
    total_raised: Decimal
    raised_approximate: Decimal
    undisclosed_rounds: int
    fund_deployed: Decimal


@dataclass(frozen=True)
class ValleyRow:
    """Where the startups of one group (cohort, field, institution) stood at the date."""

    key: object
    name: str
    name_en: str
    total: int
    crossed: int
    in_valley: int
    closed: int

    @property
    def before_valley(self) -> int:
        return max(self.total - self.crossed - self.in_valley - self.closed, 0)

    @property
    def crossing_rate(self) -> Decimal | None:
        return metrics.ratio(self.crossed, self.total)


@dataclass(frozen=True)
class RaisedRow:
    year: int
    round_type: str
    amount: Decimal
    approximate: Decimal
    rounds: int
    undisclosed: int


@dataclass(frozen=True)
class WatchRow:
    startup_id: int
    name: str
    name_en: str
    stage: Stage
    since: dt.date
    days: int
    median_days: int | None
    is_illustrative: bool = False  # invented demo data: marked on the page

    @property
    def stalled(self) -> bool:
        return is_stalled(self.days, self.median_days)


@dataclass(frozen=True)
class StuckRow:
    """A row of the "stuck in the valley" table: the valley report's, with the stalled flag
    against the Kaplan-Meier median time in the valley."""

    row: selectors.StuckRow
    median_days: int | None

    @property
    def stalled(self) -> bool:
        return is_stalled(self.row.days_in_valley, self.median_days)


@dataclass(frozen=True)
class TrackedRow:
    startup_id: int
    name: str
    name_en: str
    stage: Stage
    crossed_valley_on: dt.date | None
    total_raised: Decimal


@dataclass(frozen=True)
class TrackedBenchmark:
    """The tracked companies (never admitted) under the page's field and institution
    filters, shown beside the incubatees' figures, never inside them."""

    total: int
    in_valley: int
    crossed: int
    exited: int
    rows: list[TrackedRow]

    @property
    def crossing_rate(self) -> Decimal | None:
        return metrics.ratio(self.crossed, self.total)


@dataclass
class PipelineOverview:
    filters: PipelineFilters
    report: selectors.PipelineReport
    stages: list[Stage]
    headline: Headline
    by_cohort: list[ValleyRow]
    by_tech_area: list[ValleyRow]
    by_institution: list[ValleyRow]
    raised: list[RaisedRow]
    watch_list: list[WatchRow] = field(default_factory=list)
    valley: selectors.ValleyReport | None = None
    stuck: list[StuckRow] = field(default_factory=list)
    tracked: TrackedBenchmark | None = None


def is_stalled(days: int | None, median_days: float | None) -> bool:
    """Far above the Kaplan-Meier median stay (survival.md); no median (fewer than half have
    left): nothing to compare with."""
    if days is None or not median_days:
        return False
    return days > STALLED_FACTOR * median_days


def _latest_move(as_of: dt.date) -> QuerySet[StageTransition]:
    return StageTransition.objects.filter(startup=OuterRef("pk"), on__lte=as_of).order_by(
        "-on", "-id"
    )


def startups_at(filters: PipelineFilters) -> QuerySet[Startup]:
    """The filtered startups that existed at the date, with ``stage_at`` (their stage then)."""
    return (
        filters.startups()
        .annotate(stage_at=Subquery(_latest_move(filters.date).values("to_stage")[:1]))
        .filter(stage_at__isnull=False)
    )


def _valley_counts(filters: PipelineFilters, stages: list[Stage]) -> dict:
    """Count expressions shared by the cohort, field and institution breakdowns."""
    valley = [s.pk for s in stages if s.in_valley]
    closed = [s.pk for s in stages if s.outcome == StageOutcome.CLOSED]
    crossed = Q(crossed_valley_on__lte=filters.date)
    return {
        "total": Count("pk"),
        "crossed": Count("pk", filter=crossed),
        "in_valley": Count("pk", filter=Q(stage_at__in=valley) & ~crossed),
        "closed": Count("pk", filter=Q(stage_at__in=closed) & ~crossed),
    }


def valley_by_cohort(filters: PipelineFilters, stages: list[Stage]) -> list[ValleyRow]:
    """Per admission year: how many crossed the valley, sit in it, or closed (one query)."""
    rows = (
        startups_at(filters)
        .annotate(cohort_year=Year("admitted_on"))
        .order_by()
        .values("cohort_year")
        .annotate(**_valley_counts(filters, stages))
        .order_by(F("cohort_year").asc(nulls_last=True))
    )
    return [
        ValleyRow(
            key=row["cohort_year"],
            name=str(row["cohort_year"] or "—"),
            name_en=str(row["cohort_year"] or "—"),
            total=row["total"],
            crossed=row["crossed"],
            in_valley=row["in_valley"],
            closed=row["closed"],
        )
        for row in rows
    ]


def valley_by_tech_area(filters: PipelineFilters, stages: list[Stage]) -> list[ValleyRow]:
    """Per technology field (one query)."""
    from portfolio.models.choices import TechArea

    labels = dict(TechArea.choices)
    rows = (
        startups_at(filters)
        .order_by()
        .values("tech_area")
        .annotate(**_valley_counts(filters, stages))
        .order_by("-total", "tech_area")
    )
    return [
        ValleyRow(
            key=row["tech_area"],
            name=str(labels.get(row["tech_area"], row["tech_area"])),
            name_en=str(labels.get(row["tech_area"], row["tech_area"])),
            total=row["total"],
            crossed=row["crossed"],
            in_valley=row["in_valley"],
            closed=row["closed"],
        )
        for row in rows
    ]


def valley_by_institution(
    filters: PipelineFilters, stages: list[Stage], limit: int = INSTITUTIONS_SHOWN
) -> list[ValleyRow]:
    """Per origin institution, the ``limit`` largest (one query)."""
    rows = (
        startups_at(filters)
        .order_by()
        .values("institution", "institution__name", "institution__name_en")
        .annotate(**_valley_counts(filters, stages))
        .order_by("-total", "institution__name")[:limit]
    )
    return [
        ValleyRow(
            key=row["institution"],
            name=row["institution__name"] or "—",
            name_en=row["institution__name_en"] or row["institution__name"] or "—",
            total=row["total"],
            crossed=row["crossed"],
            in_valley=row["in_valley"],
            closed=row["closed"],
        )
        for row in rows
    ]


def raised_by_year(filters: PipelineFilters) -> list[RaisedRow]:
    """Money raised per close year and round type by the filtered startups (one query).

    ``amount`` counts disclosed figures (exact and approximate); ``approximate`` says how much
    of it rests on approximate announcements; undisclosed rounds are counted, not summed.
    """
    rounds = FundingRound.objects.filter(closed_on__lte=filters.date)
    if filters.narrows:
        rounds = rounds.filter(startup__in=filters.startups().values("pk"))
    rows = (
        rounds.annotate(year=Year("closed_on"))
        .order_by()
        .values("year", "round_type")
        .annotate(
            raised=Sum("amount"),
            approximate=Sum("amount", filter=Q(amount_precision=AmountPrecision.APPROXIMATE)),
            rounds=Count("pk"),
            undisclosed=Count("pk", filter=Q(amount_precision=AmountPrecision.UNDISCLOSED)),
        )
        .order_by("year", "round_type")
    )
    return [
        RaisedRow(
            year=row["year"],
            round_type=row["round_type"],
            amount=row["raised"] or ZERO,
            approximate=row["approximate"] or ZERO,
            rounds=row["rounds"],
            undisclosed=row["undisclosed"],
        )
        for row in rows
    ]


def fund_deployed(filters: PipelineFilters) -> Decimal:
    """Cash all funds had paid into the filtered startups by the date (one query)."""
    paid = Disbursement.objects.filter(paid_on__lte=filters.date)
    if filters.narrows:
        paid = paid.filter(commitment__startup__in=filters.startups().values("pk"))
    return paid.total()


def watch_list(
    filters: PipelineFilters,
    stages: list[Stage],
    medians: dict[int, int | None],
    limit: int = WATCH_LIST_SIZE,
) -> list[WatchRow]:
    """The startups longest in their current (non-terminal) stage at the date (one query)."""
    as_of = filters.date
    pipeline_ids = [s.pk for s in stages if not s.outcome]
    by_id = {s.pk: s for s in stages}
    rows = (
        startups_at(filters)
        .annotate(since=Subquery(_latest_move(as_of).values("on")[:1], output_field=DateField()))
        .filter(stage_at__in=pipeline_ids)
        .order_by("since", "name")
        .values_list("pk", "name", "name_en", "stage_at", "since", "is_illustrative")[:limit]
    )
    return [
        WatchRow(
            startup_id=pk,
            name=name,
            name_en=name_en,
            stage=by_id[stage_id],
            since=since,
            days=(as_of - since).days,
            median_days=medians.get(stage_id),
            is_illustrative=illustrative,
        )
        for pk, name, name_en, stage_id, since, illustrative in rows
    ]


def tracked_benchmark(filters: PipelineFilters, stages: list[Stage]) -> TrackedBenchmark:
    """The tracked companies at the date under the field and institution filters (cohorts are
    admission years: tracked companies have none). Two queries: the counts, the largest by
    money raised."""
    tracked = PipelineFilters(
        tech_area=filters.tech_area,
        institution=filters.institution,
        as_of=filters.as_of,
        population=Population.TRACKED,
    )
    at = startups_at(tracked)
    counts = at.aggregate(
        **_valley_counts(tracked, stages),
        exited=Count("pk", filter=Q(stage_at__in=[s.pk for s in stages if s.outcome == "exited"])),
    )
    by_id = {s.pk: s for s in stages}
    rows = (
        at.with_funding_totals()
        .order_by(F("total_raised").desc(), "name")
        .values_list("pk", "name", "name_en", "stage_at", "crossed_valley_on", "total_raised")[
            :TRACKED_SHOWN
        ]
    )
    date = filters.date
    return TrackedBenchmark(
        total=counts["total"],
        in_valley=counts["in_valley"],
        crossed=counts["crossed"],
        exited=counts["exited"],
        rows=[
            TrackedRow(
                startup_id=pk,
                name=name,
                name_en=name_en,
                stage=by_id[stage_id],
                crossed_valley_on=crossed if crossed and crossed <= date else None,
                total_raised=raised or ZERO,
            )
            for pk, name, name_en, stage_id, crossed, raised in rows
        ],
    )


def pipeline_overview(filters: PipelineFilters) -> PipelineOverview:
    """Everything the overview page shows, kept in the report cache by the filters (the date
    resolved: today in Asia/Shanghai by default); answered with the caller's ``filters``."""
    overview = report_cache.cached(
        "pipeline_overview",
        tuple(filters.report_kwargs().values()),
        lambda: _pipeline_overview(filters),
    )
    return dataclasses.replace(overview, filters=filters)


def _pipeline_overview(filters: PipelineFilters) -> PipelineOverview:
    """Queries: the pipeline report (5), the valley report (4), the stages (1), one per chart
    below (cohort, field, institution, raised), fund deployed (1), watch list (1), and for
    the incubatees the tracked benchmark (2)."""
    report = selectors.pipeline_report(**filters.report_kwargs())
    valley = selectors.valley_report(**filters.report_kwargs())
    stages = list(Stage.objects.order_by("order"))
    by_slug = {s.slug: s for s in stages}
    medians = {by_slug[row.slug].pk: row.median_days for row in report.stages}
    raised = raised_by_year(filters)
    headline = Headline(
        in_pipeline=sum(row.count for row in report.stages if not row.outcome),
        in_valley=sum(row.count for row in report.stages if row.in_valley),
        crossed_valley=report.crossed_valley,
        crossing_rate=report.crossing_rate,
        total=report.total,
        total_raised=sum((row.amount for row in raised), ZERO),
        raised_approximate=sum((row.approximate for row in raised), ZERO),
        undisclosed_rounds=sum(row.undisclosed for row in raised),
        fund_deployed=fund_deployed(filters),
    )
    valley_median = valley.group("all").survival.median
    return PipelineOverview(
        filters=filters,
        report=report,
        stages=stages,
        headline=headline,
        by_cohort=valley_by_cohort(filters, stages),
        by_tech_area=valley_by_tech_area(filters, stages),
        by_institution=valley_by_institution(filters, stages),
        raised=raised,
        watch_list=watch_list(filters, stages, medians),
        valley=valley,
        stuck=[StuckRow(row, valley_median) for row in valley.stuck[:STUCK_SHOWN]],
        tracked=tracked_benchmark(filters, stages)
        if filters.population == Population.INCUBATOR
        else None,
    )


# --- fund ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeploymentPoint:
    month: dt.date
    committed: Decimal
    disbursed: Decimal
    cumulative_committed: Decimal
    cumulative_disbursed: Decimal


@dataclass(frozen=True)
class StageShare:
    stage: Stage | None
    committed: Decimal
    disbursed: Decimal
    companies: int


@dataclass
class FundDashboard:
    fund: Fund
    as_of: dt.date
    report: selectors.FundReport
    holdings: list[selectors.Holding]
    deployment: list[DeploymentPoint]
    by_stage: list[StageShare]
    stages: dict[str, Stage]


def fund_deployment(fund: Fund, as_of: dt.date) -> list[DeploymentPoint]:
    """Commitments approved and cash paid per month, with running totals (one query: the two
    monthly aggregates are united in SQL)."""
    committed = (
        Commitment.objects.live(as_of)
        .filter(fund=fund)
        .annotate(month=TruncMonth("approved_on"), kind=Value("c", output_field=CharField()))
        .order_by()
        .values("month", "kind")
        .annotate(total=Sum("amount"))
    )
    paid = (
        Disbursement.objects.filter(commitment__fund=fund, paid_on__lte=as_of)
        .annotate(month=TruncMonth("paid_on"), kind=Value("d", output_field=CharField()))
        .order_by()
        .values("month", "kind")
        .annotate(total=Sum("amount"))
    )
    per_month: dict[dt.date, dict[str, Decimal]] = defaultdict(lambda: {"c": ZERO, "d": ZERO})
    for month, kind, total in committed.union(paid, all=True).values_list("month", "kind", "total"):
        if isinstance(month, dt.datetime):
            month = month.date()
        per_month[month][kind] += total or ZERO
    points = []
    running_c = running_d = ZERO
    for month in sorted(per_month):
        running_c += per_month[month]["c"]
        running_d += per_month[month]["d"]
        points.append(
            DeploymentPoint(
                month=month,
                committed=per_month[month]["c"],
                disbursed=per_month[month]["d"],
                cumulative_committed=running_c,
                cumulative_disbursed=running_d,
            )
        )
    return points


def holdings_by_stage(holdings: list[selectors.Holding], stages: dict[str, Stage]) -> list:
    """Capital per current stage of the companies, from the holdings rows (no query)."""
    grouped: dict[str, list[selectors.Holding]] = defaultdict(list)
    for holding in holdings:
        grouped[holding.stage_slug].append(holding)
    order = {slug: stage.order for slug, stage in stages.items()}
    return [
        StageShare(
            stage=stages.get(slug),
            committed=sum((h.committed for h in rows), ZERO),
            disbursed=sum((h.disbursed for h in rows), ZERO),
            companies=len(rows),
        )
        for slug, rows in sorted(grouped.items(), key=lambda item: order.get(item[0], 999))
    ]


def fund_dashboard(fund: Fund, as_of: dt.date | None = None) -> FundDashboard:
    """The fund page's figures, kept in the report cache by fund and date; answered with the
    caller's fund (in the board and in its report), stored without it."""
    as_of = as_of or timezone.localdate()

    def compute() -> FundDashboard:
        board = _fund_dashboard(fund, as_of)
        return dataclasses.replace(
            board, fund=None, report=dataclasses.replace(board.report, fund=None)
        )

    board = report_cache.cached("fund_dashboard", (fund, as_of), compute)
    return dataclasses.replace(
        board, fund=fund, report=dataclasses.replace(board.report, fund=fund)
    )


def _fund_dashboard(fund: Fund, as_of: dt.date) -> FundDashboard:
    """Queries: holdings (1), fund report (3 more), deployment (1), stages (1)."""
    holdings = selectors.fund_holdings(fund, as_of)
    report = selectors.fund_report(fund, as_of, holdings=holdings)
    stages = {s.slug: s for s in Stage.objects.order_by("order")}
    return FundDashboard(
        fund=fund,
        as_of=as_of,
        report=report,
        holdings=holdings,
        deployment=fund_deployment(fund, as_of),
        by_stage=holdings_by_stage(holdings, stages),
        stages=stages,
    )


# --- startup -------------------------------------------------------------------------------


@dataclass
class StartupDashboard:
    startup: Startup
    as_of: dt.date
    transitions: list[StageTransition]
    rounds: list[FundingRound]
    milestones: list[Milestone]
    kpis: list[KpiReport]
    stages: list[Stage]
    days_in_stage: int | None
    median_days: int | None

    @property
    def stalled(self) -> bool:
        return not self.startup.stage.outcome and is_stalled(self.days_in_stage, self.median_days)

    @property
    def total_raised(self) -> Decimal:
        return sum((r.amount for r in self.rounds if r.amount is not None), ZERO)

    @property
    def illustrative_kpis(self) -> bool:
        return any(k.is_illustrative for k in self.kpis)

    @property
    def has_illustrative(self) -> bool:
        """Anything on the page is invented demo data (the page explains the marker)."""
        return (
            self.startup.is_illustrative
            or self.illustrative_kpis
            or any(r.is_illustrative for r in self.rounds)
            or any(m.is_illustrative for m in self.milestones)
        )


def stage_median_days(stage: Stage, as_of: dt.date) -> int | None:
    """The Kaplan-Meier median stay in ``stage`` of the incubatees, up to the date (one
    query): the figure the pipeline report gives the stage by default. The same for every
    startup in the stage: kept in the report cache (computing it over every incubatee's
    moves was half of a startup's page, bar P9)."""
    return report_cache.cached(
        "stage_median_days", (stage.pk, as_of), lambda: _stage_median_days(stage, as_of)
    )


def _stage_median_days(stage: Stage, as_of: dt.date) -> int | None:
    # Whole histories of the incubatees that entered the stage: a stay ends at each one's
    # next move, whatever stage that is.
    entered = StageTransition.objects.filter(
        to_stage=stage, on__lte=as_of, startup__in=Startup.objects.incubatees().values("pk")
    ).values("startup")
    moves = StageTransition.objects.filter(on__lte=as_of, startup__in=entered)
    survival = selectors.stage_survival(moves, as_of).get(stage.pk)
    return survival.median if survival else None


def startup_dashboard(startup: Startup, as_of: dt.date | None = None) -> StartupDashboard:
    """Queries: transitions, rounds, milestones, KPI reports, stages, the stage median."""
    as_of = as_of or timezone.localdate()
    transitions = list(
        startup.transitions.select_related("from_stage", "to_stage").order_by("on", "id")
    )
    rounds = list(
        startup.funding_rounds.select_related("lead_investor").order_by("closed_on", "id")
    )
    milestones = list(startup.milestones.order_by("achieved_on", "id"))
    kpis = list(startup.kpi_reports.order_by("year", "quarter"))
    stages = list(Stage.objects.order_by("order"))
    since = startup.stage_entered_on
    return StartupDashboard(
        startup=startup,
        as_of=as_of,
        transitions=transitions,
        rounds=rounds,
        milestones=milestones,
        kpis=kpis,
        stages=stages,
        days_in_stage=(as_of - since).days if since else None,
        median_days=stage_median_days(startup.stage, as_of),
    )
