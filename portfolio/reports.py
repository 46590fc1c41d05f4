"""Read-side reports: the pipeline (valley-of-death analytics) and each fund's figures.

Every figure set is one aggregate query; Python only assembles rows and computes ratios.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Lead
from django.utils import timezone

from portfolio import metrics
from portfolio.choices import CommitmentStatus, StageOutcome
from portfolio.models import (
    Commitment,
    Disbursement,
    Distribution,
    Fund,
    Stage,
    StageTransition,
    Startup,
    ValuationMark,
)

MONEY = DecimalField(max_digits=18, decimal_places=2)
ZERO = Decimal("0.00")


def _cents(value) -> Decimal:
    """Yuan with two decimals (SQLite returns sums without their scale)."""
    return Decimal(value).quantize(Decimal("0.01"))


def _money(expr, default=ZERO):
    return Coalesce(expr, Value(default), output_field=MONEY)


# --- pipeline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageRow:
    slug: str
    name: str
    name_en: str
    order: int
    in_valley: bool
    outcome: str
    count: int
    entered: int
    advanced: int
    conversion: Decimal | None
    median_days: float | None


@dataclass(frozen=True)
class PipelineReport:
    as_of: dt.date
    stages: list[StageRow]
    crossed_valley: int
    crossing_rate: Decimal | None
    total: int
    filters: dict = field(default_factory=dict)


def pipeline_startups(
    *,
    tech_area: str | None = None,
    institution: int | None = None,
    cohort: int | None = None,
) -> QuerySet[Startup]:
    """The startups a pipeline report covers."""
    startups = Startup.objects.all()
    if tech_area:
        startups = startups.filter(tech_area=tech_area)
    if institution:
        startups = startups.filter(institution_id=institution)
    if cohort:
        startups = startups.filter(admitted_on__year=cohort)
    return startups


def pipeline_report(
    *,
    tech_area: str | None = None,
    institution: int | None = None,
    cohort: int | None = None,
    as_of: dt.date | None = None,
) -> PipelineReport:
    """Where startups stand per stage as of a date, who moved on, and who crossed the valley.

    - ``count``: startups whose latest move on or before ``as_of`` put them in the stage;
    - ``entered``: startups that ever entered the stage by ``as_of``;
    - ``advanced``: of those, the ones that later reached a higher stage (not "closed");
    - ``conversion``: advanced / entered;
    - ``median_days``: median length of completed stays in the stage (still-open stays are
      not counted);
    - ``crossed_valley``: startups that reached the stage after the last valley stage;
    - ``crossing_rate``: crossed_valley / total.
    """
    as_of = as_of or timezone.localdate()
    startups = pipeline_startups(tech_area=tech_area, institution=institution, cohort=cohort)
    transitions = StageTransition.objects.filter(
        on__lte=as_of, startup__in=startups.values("pk")
    ).order_by()

    stages = list(Stage.objects.order_by("order"))  # query 1

    # Query 2: where each startup stood at as_of (its latest move by then), counted per stage.
    latest_stage = (
        StageTransition.objects.filter(startup=OuterRef("pk"), on__lte=as_of)
        .order_by("-on", "-id")
        .values("to_stage")[:1]
    )
    counts = dict(
        startups.annotate(stage_at=Subquery(latest_stage))
        .filter(stage_at__isnull=False)
        .order_by()
        .values("stage_at")
        .annotate(n=Count("pk"))
        .values_list("stage_at", "n")
    )

    # Query 3: entered and advanced per stage.
    moved_on = StageTransition.objects.filter(
        startup=OuterRef("startup"),
        on__lte=as_of,
        on__gte=OuterRef("on"),
        to_stage__order__gt=OuterRef("to_stage__order"),
    ).exclude(to_stage__outcome=StageOutcome.CLOSED)
    flows = {
        row["to_stage"]: row
        for row in transitions.annotate(moved_on=Exists(moved_on))
        .values("to_stage")
        .annotate(
            entered=Count("startup", distinct=True),
            advanced=Count("startup", distinct=True, filter=Q(moved_on=True)),
        )
    }

    # Query 4: completed stays (from one move to the next), for the medians.
    stays = transitions.annotate(
        next_on=Window(Lead("on"), partition_by=[F("startup_id")], order_by=[F("on"), F("id")])
    ).values_list("to_stage", "on", "next_on")
    durations: dict[int, list[int]] = defaultdict(list)
    for stage_id, start, end in stays:
        if end is not None:
            durations[stage_id].append((end - start).days)

    # Query 5: total covered as of the date and how many had crossed the valley by then.
    totals = startups.filter(transitions__on__lte=as_of).aggregate(
        total=Count("pk", distinct=True),
        crossed=Count("pk", distinct=True, filter=Q(crossed_valley_on__lte=as_of)),
    )

    rows = []
    for stage in stages:
        flow = flows.get(stage.pk, {})
        entered = flow.get("entered", 0)
        advanced = flow.get("advanced", 0) if not stage.outcome else 0
        rows.append(
            StageRow(
                slug=stage.slug,
                name=stage.name,
                name_en=stage.name_en,
                order=stage.order,
                in_valley=stage.in_valley,
                outcome=stage.outcome,
                count=counts.get(stage.pk, 0),
                entered=entered,
                advanced=advanced,
                conversion=None if stage.outcome else metrics.ratio(advanced, entered),
                median_days=metrics.median(durations.get(stage.pk, [])),
            )
        )
    return PipelineReport(
        as_of=as_of,
        stages=rows,
        crossed_valley=totals["crossed"],
        crossing_rate=metrics.ratio(totals["crossed"], totals["total"]),
        total=totals["total"],
        filters={"tech_area": tech_area, "institution": institution, "cohort": cohort},
    )


# --- funds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holding:
    startup_id: int
    name: str
    name_en: str
    stage_slug: str
    tech_area: str
    committed: Decimal
    disbursed: Decimal
    fair_value: Decimal
    realized: Decimal

    @property
    def moic(self) -> Decimal | None:
        return metrics.moic(
            invested=self.disbursed, realized=self.realized, unrealized=self.fair_value
        )


@dataclass(frozen=True)
class ComplianceCheck:
    rule: str
    limit: Decimal | dt.date | None
    actual: Decimal | dt.date | None
    ok: bool


@dataclass(frozen=True)
class FundReport:
    fund: Fund
    as_of: dt.date
    figures: metrics.FundFigures
    companies: int
    compliance: list[ComplianceCheck]

    def __getattr__(self, name: str):
        # size, committed, available, moic, ... read through to the figures.
        return getattr(self.figures, name)


def _holdings(fund: Fund, as_of: dt.date) -> QuerySet[Startup]:
    """The companies the fund committed to by ``as_of``, each annotated with committed,
    disbursed, realized and its latest mark (correlated subqueries, served by the
    (fund, startup, ...) indexes)."""

    committed = (
        Commitment.objects.filter(
            fund=fund,
            startup=OuterRef("pk"),
            status=CommitmentStatus.APPROVED,
            approved_on__lte=as_of,
        )
        .order_by()
        .values("startup")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    disbursed = (
        Disbursement.objects.filter(
            commitment__fund=fund, commitment__startup=OuterRef("pk"), paid_on__lte=as_of
        )
        .order_by()
        .values("commitment__startup")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    realized = (
        Distribution.objects.filter(fund=fund, startup=OuterRef("pk"), paid_on__lte=as_of)
        .order_by()
        .values("startup")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    latest_mark = (
        ValuationMark.objects.filter(fund=fund, startup=OuterRef("pk"), as_of__lte=as_of)
        .order_by("-as_of")
        .values("fair_value")[:1]
    )
    held = Commitment.objects.filter(
        fund=fund, status=CommitmentStatus.APPROVED, approved_on__lte=as_of
    ).values("startup")
    return Startup.objects.filter(pk__in=held).annotate(
        committed=_money(Subquery(committed, output_field=MONEY)),
        disbursed=_money(Subquery(disbursed, output_field=MONEY)),
        realized=_money(Subquery(realized, output_field=MONEY)),
        mark=Subquery(latest_mark, output_field=MONEY),
    )


def fund_holdings(fund: Fund, as_of: dt.date | None = None) -> list[Holding]:
    """One row per company the fund committed to by ``as_of``, in one query.

    The fair value is the latest mark on or before ``as_of``; a holding not yet marked is
    carried at cost (what was disbursed).
    """
    as_of = as_of or timezone.localdate()
    rows = (
        _holdings(fund, as_of)
        .order_by("name")
        .values_list(
            "pk",
            "name",
            "name_en",
            "stage__slug",
            "tech_area",
            "committed",
            "disbursed",
            "realized",
            "mark",
        )
    )
    return [
        Holding(
            startup_id=pk,
            name=name,
            name_en=name_en,
            stage_slug=stage_slug,
            tech_area=tech_area,
            committed=_cents(committed_amount),
            disbursed=_cents(disbursed_amount),
            realized=_cents(realized_amount),
            fair_value=_cents(disbursed_amount if mark is None else mark),
        )
        for (
            pk,
            name,
            name_en,
            stage_slug,
            tech_area,
            committed_amount,
            disbursed_amount,
            realized_amount,
            mark,
        ) in rows
    ]


@dataclass(frozen=True)
class HoldingTotals:
    committed: Decimal
    disbursed: Decimal
    realized: Decimal
    unrealized: Decimal
    largest: Decimal
    companies: int

    @classmethod
    def of(cls, holdings: list[Holding]) -> HoldingTotals:
        return cls(
            committed=sum((h.committed for h in holdings), ZERO),
            disbursed=sum((h.disbursed for h in holdings), ZERO),
            realized=sum((h.realized for h in holdings), ZERO),
            unrealized=sum((h.fair_value for h in holdings), ZERO),
            largest=max((h.committed for h in holdings), default=ZERO),
            companies=len(holdings),
        )


def fund_totals(fund: Fund, as_of: dt.date) -> HoldingTotals:
    """The sums over the fund's holdings in one aggregate query (no row per company)."""
    # Output names differ from the annotations they sum (Django refuses the same name).
    totals = _holdings(fund, as_of).aggregate(
        total_committed=_money(Sum("committed")),
        total_disbursed=_money(Sum("disbursed")),
        total_realized=_money(Sum("realized")),
        total_unrealized=_money(Sum(Coalesce("mark", "disbursed", output_field=MONEY))),
        largest_committed=_money(Max("committed")),
        companies=Count("pk"),
    )
    return HoldingTotals(
        committed=_cents(totals["total_committed"]),
        disbursed=_cents(totals["total_disbursed"]),
        realized=_cents(totals["total_realized"]),
        unrealized=_cents(totals["total_unrealized"]),
        largest=_cents(totals["largest_committed"]),
        companies=totals["companies"],
    )


def fund_report(
    fund: Fund, as_of: dt.date | None = None, *, holdings: list[Holding] | None = None
) -> FundReport:
    """The fund's figures, performance and compliance checks as of a date.

    Queries: the holdings' totals (1; from ``holdings`` when the caller already has them),
    cash flows out (1), cash flows in (1), the latest commitment date and the local share (1).
    """
    as_of = as_of or timezone.localdate()
    totals = fund_totals(fund, as_of) if holdings is None else HoldingTotals.of(holdings)
    committed, disbursed = totals.committed, totals.disbursed
    realized, unrealized = totals.realized, totals.unrealized

    paid = (
        Disbursement.objects.filter(commitment__fund=fund, paid_on__lte=as_of)
        .order_by()
        .values("paid_on")
        .annotate(total=Sum("amount"))
        .values_list("paid_on", "total")
    )
    returned = (
        Distribution.objects.filter(fund=fund, paid_on__lte=as_of)
        .order_by()
        .values("paid_on")
        .annotate(total=Sum("amount"))
        .values_list("paid_on", "total")
    )
    flows = metrics.fund_cash_flows(
        disbursements=paid, distributions=returned, residual=unrealized, as_of=as_of
    )
    figures = metrics.FundFigures(
        size=fund.size,
        committed=committed,
        disbursed=disbursed,
        realized=realized,
        unrealized=unrealized,
        irr=metrics.irr(flows),
    )

    live = Commitment.objects.filter(
        fund=fund, status=CommitmentStatus.APPROVED, approved_on__lte=as_of
    )
    # Only aggregates may go into aggregate(): a fund without a local region or target
    # fields gets its zero share here, not as a Value inside the query (that raised).
    sums = {"last_approved": Max("approved_on")}
    if fund.local_region:
        sums["local"] = _money(
            Sum("amount", filter=Q(startup__registered_region__startswith=fund.local_region))
        )
    if fund.target_tech_areas:
        sums["target"] = _money(
            Sum("amount", filter=Q(startup__tech_area__in=fund.target_tech_areas))
        )
    extra = {"local": ZERO, "target": ZERO, **live.aggregate(**sums)}
    compliance = compliance_checks(
        fund,
        committed=committed,
        largest=totals.largest,
        target=extra["target"],
        local=extra.get("local", ZERO),
        last_approved=extra["last_approved"],
    )
    return FundReport(
        fund=fund,
        as_of=as_of,
        figures=figures,
        companies=totals.companies,
        compliance=compliance,
    )


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


def compliance_checks(
    fund: Fund,
    *,
    committed: Decimal,
    largest: Decimal,
    target: Decimal,
    local: Decimal,
    last_approved: dt.date | None,
) -> list[ComplianceCheck]:
    """The fund's policy limits against its live commitments (percentages of the size for
    per-company limits, of committed capital for sector and local shares)."""
    single = _pct(largest, fund.size) or Decimal("0.00")
    target_share = _pct(target, committed)
    local_share = _pct(local, committed)
    return [
        ComplianceCheck(
            rule="committed_within_size",
            limit=fund.size,
            actual=committed,
            ok=committed <= fund.size,
        ),
        ComplianceCheck(
            rule="max_single_company_pct",
            limit=fund.max_single_company_pct,
            actual=single,
            ok=single <= fund.max_single_company_pct,
        ),
        ComplianceCheck(
            rule="min_target_sector_pct",
            limit=fund.min_target_sector_pct,
            actual=target_share,
            ok=target_share is None or target_share >= fund.min_target_sector_pct,
        ),
        ComplianceCheck(
            rule="min_local_pct",
            limit=fund.min_local_pct,
            actual=local_share,
            ok=local_share is None or local_share >= fund.min_local_pct,
        ),
        ComplianceCheck(
            rule="investment_period_end",
            limit=fund.investment_period_end,
            actual=last_approved,
            ok=fund.investment_period_end is None
            or last_approved is None
            or last_approved <= fund.investment_period_end,
        ),
    ]
