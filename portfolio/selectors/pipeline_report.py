"""The pipeline report: stage counts, conversion, time in stage (Kaplan-Meier, ``survival.md``)
and the valley crossing, as of a date, for one population (incubatees by default).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import Lead, RowNumber
from django.utils import timezone

from portfolio import metrics
from portfolio.models import (
    Stage,
    StageTransition,
    Startup,
)
from portfolio.models.choices import Population, StageOutcome
from portfolio.selectors import report_cache
from portfolio.survival import Survival, kaplan_meier_counts


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
    # time in the stage (survival.md): every stay, ended or not by the date
    stays: int = 0
    still_in_stage: int = 0  # censored stays
    median_days: int | None = None  # Kaplan-Meier median; None when S never falls to 0.5
    p25_days: int | None = None
    p75_days: int | None = None
    longest_days: int | None = None  # for "more than N days" when there is no median


#: the stage's own fields each row repeats
STAGE_IDENTITY = ("slug", "name", "name_en", "order", "in_valley", "outcome")


def stay_figures(stays) -> dict:
    """A row's time-in-stage figures from the stage's Kaplan-Meier summary (none for an
    outcome, or a stage nobody entered)."""
    if not stays:
        return {}
    return {
        "stays": stays.stays,
        "still_in_stage": stays.censored,
        "median_days": stays.median,
        "p25_days": stays.p25,
        "p75_days": stays.p75,
        "longest_days": stays.longest,
    }


@dataclass(frozen=True)
class PipelineReport:
    as_of: dt.date
    stages: list[StageRow]
    crossed_valley: int
    crossing_rate: Decimal | None
    total: int
    filters: dict = field(default_factory=dict)
    population: str = Population.INCUBATOR


def pipeline_startups(
    *,
    tech_area: str | None = None,
    institution: int | None = None,
    cohort: int | None = None,
    population: str = Population.INCUBATOR,
) -> QuerySet[Startup]:
    """The startups a pipeline report covers: ``population`` (incubatees by default) narrowed
    by field, institution and cohort (admission year)."""
    startups = Startup.objects.in_population(population)
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
    population: str = Population.INCUBATOR,
) -> PipelineReport:
    """The pipeline report (``_pipeline_report``), kept in the report cache by its filters
    and date (today in Asia/Shanghai by default)."""
    query = {
        "tech_area": tech_area,
        "institution": institution,
        "cohort": cohort,
        "as_of": as_of or timezone.localdate(),
        "population": population,
    }
    return report_cache.cached(
        "pipeline_report", tuple(query.values()), lambda: _pipeline_report(**query)
    )


def _pipeline_report(
    *,
    tech_area: str | None,
    institution: int | None,
    cohort: int | None,
    as_of: dt.date,
    population: str,
) -> PipelineReport:
    """Where startups stand per stage as of a date, who moved on, and who crossed the valley.

    - ``count``: startups whose latest move on or before ``as_of`` put them in the stage;
    - ``entered``: startups that ever entered the stage by ``as_of``;
    - ``advanced``: of those, the ones that later reached a higher stage (not "closed");
    - ``conversion``: advanced / entered;
    - ``stays``, ``still_in_stage``, ``median_days``, ``p25_days``, ``p75_days``: the stays
      in the stage and their Kaplan-Meier figures (``survival.md``): a stay ends at the
      startup's next move, any direction; one not ended by ``as_of`` is censored there;
    - ``crossed_valley``: startups that reached the stage after the last valley stage;
    - ``crossing_rate``: crossed_valley / total.
    """
    as_of = as_of or timezone.localdate()
    startups = pipeline_startups(
        tech_area=tech_area, institution=institution, cohort=cohort, population=population
    )
    transitions = StageTransition.objects.filter(
        on__lte=as_of, startup__in=startups.values("pk")
    ).order_by()

    stages = list(Stage.objects.order_by("order"))  # query 1

    # Query 2: where each startup stood at as_of (its latest move by then), counted per stage.
    counts = stage_counts(transitions)

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

    # Query 4: the stays per stage (from one move to the next, or to as_of), counted by
    # length and ending; the Kaplan-Meier figures follow in Python.
    survival = stage_survival(transitions, as_of)

    # Query 5: total covered as of the date and how many had crossed the valley by then.
    moved = StageTransition.objects.filter(startup=OuterRef("pk"), on__lte=as_of)
    totals = startups.filter(Exists(moved)).aggregate(
        total=Count("pk"),
        crossed=Count("pk", filter=Q(crossed_valley_on__lte=as_of)),
    )

    rows = []
    for stage in stages:
        flow = flows.get(stage.pk, {})
        entered = flow.get("entered", 0)
        advanced = flow.get("advanced", 0) if not stage.outcome else 0
        stays = None if stage.outcome else survival.get(stage.pk)
        rows.append(
            StageRow(
                **{field: getattr(stage, field) for field in STAGE_IDENTITY},
                count=counts.get(stage.pk, 0),
                entered=entered,
                advanced=advanced,
                conversion=None if stage.outcome else metrics.ratio(advanced, entered),
                **stay_figures(stays),
            )
        )
    return PipelineReport(
        as_of=as_of,
        stages=rows,
        crossed_valley=totals["crossed"],
        crossing_rate=metrics.ratio(totals["crossed"], totals["total"]),
        total=totals["total"],
        filters={"tech_area": tech_area, "institution": institution, "cohort": cohort},
        population=population,
    )


# Two pipeline figures wrap the ORM's query of the moves in SQL it cannot write: a count
# over a window (each startup's latest move) and the stays grouped by length and ending (the
# next move by LEAD; the report date for a stay not ended). The database does the work;
# Python gets one row per stage, or per stage and length, and computes the Kaplan-Meier
# figures over those counts (bar P5: the report against hand-written SQL for the same
# figures).
COUNTS_SQL = (
    "SELECT move_stage, COUNT(*) FROM ({moves}) moves WHERE move_rank = 1 GROUP BY move_stage"
)

# Rows: stage, days, ended (1/0 or true/false), how many. %s is the report date.
STAYS_SQL = {
    "postgresql": """
        SELECT stay_stage, COALESCE(left_on, %s::date) - entered_on, left_on IS NOT NULL,
               COUNT(*)
          FROM ({moves}) moves
         GROUP BY 1, 2, 3""",
    "sqlite": """
        SELECT stay_stage,
               CAST(julianday(COALESCE(left_on, %s)) - julianday(entered_on) AS INTEGER),
               left_on IS NOT NULL, COUNT(*)
          FROM ({moves}) moves
         GROUP BY 1, 2, 3""",
}


def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def stage_counts(transitions: QuerySet[StageTransition]) -> dict[int, int]:
    """``{stage id: startups whose latest move among transitions put them there}``, one
    query."""
    moves = transitions.order_by().values(
        move_stage=F("to_stage_id"),
        move_rank=Window(
            RowNumber(), partition_by=[F("startup_id")], order_by=[F("on").desc(), F("id").desc()]
        ),
    )
    sql, params = moves.query.sql_with_params()
    return dict(_rows(COUNTS_SQL.format(moves=sql), params))


def stage_stay_counts(
    transitions: QuerySet[StageTransition], as_of: dt.date
) -> dict[int, dict[tuple[int, bool], int]]:
    """``{stage id: {(days, ended): stays}}`` over ``transitions`` (which hold only moves on
    or before ``as_of``): a stay runs from a startup's move into the stage to its next move
    (ended), or to ``as_of`` when there is none (censored). One query; the terminal
    outcomes' rows come back too and are the caller's to leave out."""
    moves = transitions.order_by().values(
        stay_stage=F("to_stage_id"),
        entered_on=F("on"),
        left_on=Window(Lead("on"), partition_by=[F("startup_id")], order_by=[F("on"), F("id")]),
    )
    sql, params = moves.query.sql_with_params()
    date = connection.ops.adapt_datefield_value(as_of)
    result: dict[int, dict[tuple[int, bool], int]] = {}
    for stage, days, ended, n in _rows(
        STAYS_SQL[connection.vendor].format(moves=sql), (date, *params)
    ):
        result.setdefault(stage, {})[(int(days), bool(ended))] = n
    return result


def stage_survival(transitions: QuerySet[StageTransition], as_of: dt.date) -> dict[int, Survival]:
    """``{stage id: Kaplan-Meier figures of its stays}`` (``stage_stay_counts``), one query."""
    return {
        stage: kaplan_meier_counts(counts)
        for stage, counts in stage_stay_counts(transitions, as_of).items()
    }
