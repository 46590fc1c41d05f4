"""The pipeline report: stage counts, conversion, median stays and the valley crossing, as of a
date.
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
from portfolio.models.choices import StageOutcome


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

    # Query 4: the median completed stay (from one move to the next) per stage.
    medians = stage_medians(transitions)

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
                median_days=medians.get(stage.pk),
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


# Two pipeline figures wrap the ORM's query of the moves in SQL it cannot write: a count
# over a window (each startup's latest move) and a median (PostgreSQL's percentile_cont; on
# SQLite the middle rows of a ranking). The database does the work; Python gets one row per
# stage (bar P5: the report against hand-written SQL for the same figures).
COUNTS_SQL = (
    "SELECT move_stage, COUNT(*) FROM ({moves}) moves WHERE move_rank = 1 GROUP BY move_stage"
)

MEDIANS_SQL = {
    "postgresql": """
        SELECT stay_stage, percentile_cont(0.5) WITHIN GROUP (ORDER BY left_on - entered_on)
          FROM ({moves}) moves
         WHERE left_on IS NOT NULL
         GROUP BY stay_stage""",
    "sqlite": """
        SELECT stay_stage, AVG(days) FROM (
            SELECT stay_stage, days,
                   ROW_NUMBER() OVER (PARTITION BY stay_stage ORDER BY days) AS n,
                   COUNT(*) OVER (PARTITION BY stay_stage) AS stays
              FROM (SELECT stay_stage,
                           CAST(julianday(left_on) - julianday(entered_on) AS INTEGER) AS days
                      FROM ({moves}) moves
                     WHERE left_on IS NOT NULL) completed) ranked
         WHERE n IN ((stays + 1) / 2, (stays + 2) / 2)
         GROUP BY stay_stage""",
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


def stage_medians(transitions: QuerySet[StageTransition]) -> dict[int, float]:
    """``{stage id: median length in days of the completed stays}`` over ``transitions``
    (a stay runs from a startup's move into the stage to its next move; the last move of
    each startup is a stay still open and not counted), one query. The median of an odd
    number of stays is the middle one; of an even number, the mean of the middle two; a
    stage with no completed stay has no entry (``tests/test_reports.py``)."""
    moves = transitions.order_by().values(
        stay_stage=F("to_stage_id"),
        entered_on=F("on"),
        left_on=Window(Lead("on"), partition_by=[F("startup_id")], order_by=[F("on"), F("id")]),
    )
    sql, params = moves.query.sql_with_params()
    rows = _rows(MEDIANS_SQL[connection.vendor].format(moves=sql), params)
    return {stage: float(median) for stage, median in rows}
