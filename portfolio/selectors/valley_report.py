"""The valley report: how long startups stay in the valley of death, who crosses it, and who
is stuck there, split by whether a fund backed them (``survival.md``).

Four queries whatever the data size: the stages, the moves of the startups that entered the
valley, their first live commitment, their names and last KPI report. The stays are walked and the
Kaplan-Meier figures computed in Python (``portfolio.survival``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from portfolio.models import Commitment, Fund, KpiReport, Stage, StageTransition, Startup
from portfolio.models.choices import Population, StageOutcome
from portfolio.selectors import report_cache
from portfolio.selectors.pipeline_report import pipeline_startups
from portfolio.survival import Survival, kaplan_meier

CROSSED, EXITED, CLOSED, CENSORED = "crossed", "exited", "closed", "censored"
ENDINGS = (CROSSED, EXITED, CLOSED, CENSORED)
ALL, FUND_BACKED, NOT_BACKED = "all", "fund_backed", "not_backed"
GROUPS = (ALL, FUND_BACKED, NOT_BACKED)


@dataclass(frozen=True)
class ValleyStay:
    """One startup's stay in the valley as of the report date."""

    startup_id: int
    name: str
    name_en: str
    started_on: dt.date
    ended_on: dt.date | None  # None: still in (censored at the report date)
    ending: str  # crossed, exited, closed or censored
    days: int
    stage: Stage  # where the startup stood at the report date
    backed: bool

    @property
    def censored(self) -> bool:
        return self.ending == CENSORED


@dataclass(frozen=True)
class ValleyGroup:
    key: str  # all, fund_backed, not_backed
    crossed: int
    exited: int
    closed: int
    censored: int
    survival: Survival

    @property
    def stays(self) -> int:
        return self.survival.stays


@dataclass(frozen=True)
class LastKpi:
    year: int
    quarter: int
    cash: Decimal
    runway_months: Decimal | None


@dataclass(frozen=True)
class StuckRow:
    """A startup still in the valley at the report date (a censored stay)."""

    startup_id: int
    name: str
    name_en: str
    stage: Stage
    days_in_valley: int
    backed: bool
    last_kpi: LastKpi | None


@dataclass
class ValleyReport:
    as_of: dt.date
    population: str
    groups: list[ValleyGroup]
    stuck: list[StuckRow]
    filters: dict = field(default_factory=dict)

    def group(self, key: str) -> ValleyGroup:
        return next(group for group in self.groups if group.key == key)


def quarter_end(year: int, quarter: int) -> dt.date:
    if quarter == 4:
        return dt.date(year, 12, 31)
    return dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)


def quarters_ended(as_of: dt.date) -> Q:
    """KPI reports of quarters that had ended by ``as_of`` (a quarter ends on its last day)."""
    done = sum(quarter_end(as_of.year, q) <= as_of for q in (1, 2, 3, 4))
    return Q(year__lt=as_of.year) | Q(year=as_of.year, quarter__lte=done)


def valley_stays(
    moves: list[tuple[int, dt.date, int]],
    stages: list[Stage],
    as_of: dt.date,
    first_backing: dict[int, dt.date],
    names: dict[int, tuple[str, str]] | None = None,
) -> list[ValleyStay]:
    """The valley stays in ``moves`` (``(startup id, on, to stage id)``, ordered by startup,
    date and id; only moves on or before ``as_of``); ``names``: ``{id: (name, name_en)}``.

    A stay starts at a startup's first move into a valley stage and ends at its first later
    move to a pipeline stage after the last valley stage (crossed) or to a terminal outcome
    (exited, closed); moves inside the valley or back before it do not stop the clock. It is
    backed when the startup's first live commitment (``first_backing``) came on or before
    the stay's end (``as_of`` while it lasts)."""
    by_id = {stage.pk: stage for stage in stages}
    valley = [s.order for s in stages if s.in_valley and not s.outcome]
    if not valley:
        return []
    last_valley = max(valley)
    stays: list[ValleyStay] = []

    names = names or {}

    def close(startup, start, end, ending, stage):
        if start is None:
            return
        until = end or as_of
        first = first_backing.get(startup)
        name, name_en = names.get(startup, ("", ""))
        stays.append(
            ValleyStay(
                startup_id=startup,
                name=name,
                name_en=name_en,
                started_on=start,
                ended_on=end,
                ending=ending,
                days=(until - start).days,
                stage=stage,
                backed=first is not None and first <= until,
            )
        )

    current = None
    start = end = ending = stage = None
    for startup_id, on, stage_id in moves:
        if current is None or startup_id != current:
            if current is not None:
                close(current, start, end, ending, stage)
            current = startup_id
            start = end = None
            ending = CENSORED
        stage = by_id[stage_id]
        if end is not None:
            continue  # the stay is over; later moves only change where it stands now
        if start is None:
            if stage.in_valley:
                start = on
        elif stage.outcome:
            end, ending = on, (EXITED if stage.outcome == StageOutcome.EXITED else CLOSED)
        elif stage.order > last_valley:
            end, ending = on, CROSSED
    if current is not None:
        close(current, start, end, ending, stage)
    return stays


def valley_group(key: str, stays: list[ValleyStay]) -> ValleyGroup:
    endings = {ending: 0 for ending in ENDINGS}
    for stay in stays:
        endings[stay.ending] += 1
    return ValleyGroup(
        key=key,
        crossed=endings[CROSSED],
        exited=endings[EXITED],
        closed=endings[CLOSED],
        censored=endings[CENSORED],
        survival=kaplan_meier((stay.days, not stay.censored) for stay in stays),
    )


def valley_report(
    *,
    as_of: dt.date | None = None,
    population: str = Population.INCUBATOR,
    tech_area: str | None = None,
    institution: int | None = None,
    cohort: int | None = None,
    fund: Fund | int | None = None,
) -> ValleyReport:
    """The valley report (``_valley_report``), kept in the report cache by its filters and
    date (today in Asia/Shanghai by default)."""
    query = {
        "as_of": as_of or timezone.localdate(),
        "population": population,
        "tech_area": tech_area,
        "institution": institution,
        "cohort": cohort,
        "fund": getattr(fund, "pk", fund),
    }
    return report_cache.cached(
        "valley_report", tuple(query.values()), lambda: _valley_report(**query)
    )


def _valley_report(
    *,
    as_of: dt.date,
    population: str,
    tech_area: str | None,
    institution: int | None,
    cohort: int | None,
    fund: int | None,
) -> ValleyReport:
    """Valley stays as of a date for one population (incubatees by default), narrowed by
    field, institution and cohort; ``fund`` narrows "backed" to that fund's commitments."""
    as_of = as_of or timezone.localdate()
    fund_id = getattr(fund, "pk", fund)
    startups = pipeline_startups(
        tech_area=tech_area, institution=institution, cohort=cohort, population=population
    )
    entrants = StageTransition.objects.filter(
        on__lte=as_of, to_stage__in_valley=True, startup__in=startups.values("pk")
    ).values("startup")

    stages = list(Stage.objects.order_by("order"))  # query 1
    # query 2: every move by the date of the startups that entered the valley, read off the
    # cursor (tens of thousands of rows: Django's per-value converters cost more than the
    # query); only the order of the dates matters, and days between them
    moves = fetch_moves(
        StageTransition.objects.filter(on__lte=as_of, startup__in=entrants)
        .order_by("startup_id", "on", "id")
        .values_list("startup_id", "on", "to_stage_id")
    )
    live = Commitment.objects.live(as_of).filter(startup__in=entrants)
    if fund_id is not None:
        live = live.filter(fund_id=fund_id)
    first_backing = dict(  # query 3: each one's first live commitment by the date
        live.order_by()
        .values("startup")
        .annotate(first=Min("approved_on"))
        .values_list("startup", "first")
    )
    # query 4: their names and last KPI report
    names, last_kpis = entrant_names_and_kpis(entrants, as_of)
    stays = valley_stays(moves, stages, as_of, first_backing, names)

    stuck_stays = sorted(
        (stay for stay in stays if stay.censored), key=lambda s: (-s.days, s.name, s.startup_id)
    )
    return ValleyReport(
        as_of=as_of,
        population=population,
        groups=[
            valley_group(ALL, stays),
            valley_group(FUND_BACKED, [s for s in stays if s.backed]),
            valley_group(NOT_BACKED, [s for s in stays if not s.backed]),
        ],
        stuck=[
            StuckRow(
                startup_id=stay.startup_id,
                name=stay.name,
                name_en=stay.name_en,
                stage=stay.stage,
                days_in_valley=stay.days,
                backed=stay.backed,
                last_kpi=last_kpis.get(stay.startup_id),
            )
            for stay in stuck_stays
        ],
        filters={
            "tech_area": tech_area,
            "institution": institution,
            "cohort": cohort,
            "fund": fund_id,
        },
    )


def fetch_moves(moves: QuerySet) -> list[tuple[int, dt.date, int]]:
    """``(startup id, on, to stage id)`` rows of ``moves``, straight from the cursor; SQLite
    gives the dates as ISO text."""
    sql, params = moves.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if rows and isinstance(rows[0][1], str):
        parse = dt.date.fromisoformat
        return [(startup, parse(on), stage) for startup, on, stage in rows]
    return rows


def entrant_names_and_kpis(
    startups: QuerySet, as_of: dt.date
) -> tuple[dict[int, tuple[str, str]], dict[int, LastKpi]]:
    """``{id: (name, name_en)}`` of ``startups`` (a queryset of ids) and ``{id: LastKpi}``,
    their last KPI report of a quarter ended by ``as_of``; one query (the last report by the
    index of one report per startup and quarter)."""
    last = KpiReport.objects.filter(quarters_ended(as_of), startup=OuterRef("pk")).order_by(
        "-year", "-quarter"
    )
    rows = (
        Startup.objects.filter(pk__in=startups)
        .annotate(
            kpi_year=Subquery(last.values("year")[:1]),
            kpi_quarter=Subquery(last.values("quarter")[:1]),
            kpi_cash=Subquery(last.values("cash")[:1]),
            kpi_runway=Subquery(last.values("runway_months")[:1]),
        )
        .order_by()
        .values_list("pk", "name", "name_en", "kpi_year", "kpi_quarter", "kpi_cash", "kpi_runway")
    )
    names, kpis = {}, {}
    for pk, name, name_en, year, quarter, cash, runway in rows:
        names[pk] = (name, name_en)
        if year is not None:
            if runway is not None:  # as the field holds it: one place (SQLite drops it)
                runway = Decimal(runway).quantize(Decimal("0.1"))
            kpis[pk] = LastKpi(year=year, quarter=quarter, cash=cash, runway_months=runway)
    return names, kpis
