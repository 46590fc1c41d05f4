"""The impact report for Haidian / Zhongguancun officials (issue 16, ``incubator-ops.md`` §6)
and the national-level incubator's thresholds beside the incubator's own figures (§1.3).
Definitions for readers: ``docs/operations.md``, "The impact page".

**Whose figures.** ``population`` (the pipeline's populations): ``incubator`` (default) the
startups admitted on or before 31 December of ``year`` (also those that have since
graduated, exited or closed: their figures of the year count); ``tracked`` the companies
followed but never admitted; ``all`` every startup. The thresholds are always about the
incubator (see below), whatever ``population``.

**The year's figures** (calendar year ``year``; the population's startups):

- ``revenue``, ``taxes`` (实际上缴税费), ``new_graduates_hired``: the year's quarterly KPI
  reports summed.
- ``jobs``, ``phds``: each startup's last KPI report of the year (its latest quarter):
  headcount and staff with a PhD, summed; ``reporting`` is how many startups have a report in
  the year (the others add nothing).
- ``invention_patents_filed`` / ``_granted``: the KPI reports carry cumulative counts, so a
  startup's figure for the year is its last report of the year minus its last report of the
  year before (0 when it has none), never below 0.
- ``financing``: the startups' rounds closed in the year with an exact or approximate
  amount, summed (``financing_approximate``: the approximate part; ``undisclosed_rounds``:
  rounds without an amount, not in the sum).
- ``fund_invested``: the funds' disbursements to the startups paid in the year;
  ``fund_share_of_financing`` = ``fund_invested / financing`` and ``leverage`` =
  ``financing / fund_invested`` (4 places; null when the divisor is 0).
- ``high_tech_enterprises`` / ``specialised_smes``: startups with an *approved* 高新技术企业
  (resp. 专精特新中小企业 or 专精特新"小巨人") application whose certificate is valid on some
  day of the year (``valid_from`` empty or on or before 31 December, ``valid_to`` empty or on
  or after 1 January); ``high_tech_enterprises_new``: of those, certificates valid from a day
  in the year.
- ``graduations``: graduations recorded with a day in the year; ``listings``: startups with
  an IPO round closed in the year; ``moved_into_district``: startups whose registered address
  moved into Haidian (``moved_into_district_on``) in the year.

**Thresholds** (``IncubatorThreshold`` rows: for each grade and figure, the row with the
latest ``effective_from`` on or before 31 December): ``met`` when the incubator's figure is
at least ``required``, ``not_yet`` below it, ``no_data`` when the database does not record
what the figure needs. The incubatees here are those *in incubation* on 31 December
(``selectors.incubatees_on``: admitted by then and still active).

- ``incubatees``: their number; ``graduates_cumulative``: graduations on or before 31
  December; ``mentors_per_10``: mentors in office on 31 December x 10 / incubatees, as
  ``selectors.mentors_per_10_incubatees`` (no data without incubatees).
- ``financed_pct``: incubatees with a round closed in the year (any amount, also undisclosed)
  x 100 / incubatees; ``patent_applicants_pct``: incubatees whose KPI reports up to the year
  show a patent filed x 100 / incubatees (2 places; no data without incubatees, or, for
  patents, when no incubatee has a KPI report by then).
- ``operating_years``: whole years from the opening day to 31 December; ``space_m2``: the
  space the incubator controls; ``seed_fund_yuan``: its own seed or incubation fund (the
  incubator's figures, ``IncubatorFigures``, stated on 31 December);
  ``incubatee_use_pct``: the incubatee-use area of the leases running on 31 December
  (``selectors.space_occupancy``: incubatees' leases and public service areas) x 100 / the
  space it controls; ``incubatees_per_1000_m2``: incubatees x 1000 / that space (2 places).
  No data, naming what is missing (``opening_day``, ``controlled_area``, ``seed_fund``),
  while the figure is not stated.

Seven queries whatever the number of startups, reports, rounds, leases and applications.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from portfolio import models
from portfolio.models.choices import AmountPrecision, Population, RoundType, StartupStatus
from portfolio.models.incubation import ApplicationStatus, Programme, ThresholdKey
from portfolio.selectors import report_cache
from portfolio.selectors.incubation import incubator_figures_on
from portfolio.selectors.operations import space_occupancy

ZERO = Decimal("0.00")
#: how Django reads a number SQLite hands back for a decimal (15 significant digits)
FIFTEEN_DIGITS = decimal.Context(prec=15)
RATIO_PLACES = Decimal("0.0001")
PCT_PLACES = Decimal("0.01")

MET, NOT_YET, NO_DATA = "met", "not_yet", "no_data"
#: the programmes counted as 专精特新 (the specialised SME and its higher tier)
SPECIALISED_PROGRAMMES = (Programme.SPECIALISED_SME, Programme.LITTLE_GIANT)
#: the thresholds that need the incubator's own figures (``IncubatorFigures``): what each
#: lacks when they are not stated
NOT_RECORDED = {
    ThresholdKey.OPERATING_YEARS: "opening_day",
    ThresholdKey.SPACE_M2: "controlled_area",
    ThresholdKey.INCUBATEE_USE_PCT: "controlled_area",
    ThresholdKey.SEED_FUND_YUAN: "seed_fund",
    ThresholdKey.INCUBATEES_PER_1000_M2: "controlled_area",
}
#: the grades in the order the page shows them (others follow by name)
GRADE_ORDER = {"national": 0, "specialised": 1}
KEY_ORDER = {key.value: n for n, key in enumerate(ThresholdKey)}


@dataclass(frozen=True)
class ThresholdRow:
    grade: str
    rule: str
    policy_code: str
    effective_from: dt.date
    required: Decimal
    actual: Decimal | None
    status: str
    #: why there is no data (a key of ``NOT_RECORDED``'s values, or "no_incubatees",
    #: "no_kpi_reports"); empty when there is a figure
    missing: str = ""

    @property
    def label(self) -> str:
        return str(ThresholdKey(self.rule).label)


@dataclass
class ImpactReport:
    year: int
    population: str
    startups: int = 0
    reporting: int = 0
    jobs: int = 0
    new_graduates_hired: int = 0
    phds: int = 0
    revenue: Decimal = ZERO
    taxes: Decimal = ZERO
    invention_patents_filed: int = 0
    invention_patents_granted: int = 0
    financing: Decimal = ZERO
    financing_approximate: Decimal = ZERO
    undisclosed_rounds: int = 0
    financed_startups: int = 0
    fund_invested: Decimal = ZERO
    fund_share_of_financing: Decimal | None = None
    leverage: Decimal | None = None
    high_tech_enterprises: int = 0
    high_tech_enterprises_new: int = 0
    specialised_smes: int = 0
    graduations: int = 0
    listings: int = 0
    moved_into_district: int = 0
    incubatees_at_year_end: int = 0
    thresholds: list[ThresholdRow] = field(default_factory=list)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 12, 31)


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part / whole).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


def _pct(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PCT_PLACES, rounding=ROUND_HALF_UP)


# --- the figures, in SQL ----------------------------------------------------------------------
# The year's figures and the incubator's are four statements written here rather than built
# by the ORM: building and compiling the ORM's eight statements cost 12 ms a request against
# 5 ms of SQL on the bench's small set (bar P5, docs/benchmark-notes.md); each statement
# is the definition in the module's doc, in the same words. Portable SQL (SQLite and
# PostgreSQL): CASE inside the aggregates, dates and choices as parameters.

#: ``s`` (a startup) is in the population: ``Startup.objects.in_population``, and for the
#: incubator admitted on or before 31 December (the module's doc; ``tests/api/test_impact.py``
#: holds the two equal)
POPULATION_SQL = {
    Population.INCUBATOR: "s.admitted_on IS NOT NULL AND s.admitted_on <= %(end)s",
    Population.TRACKED: "s.admitted_on IS NULL",
    Population.ALL: "1 = 1",
}
#: ``s`` is an incubatee in incubation on 31 December (``selectors.incubatees_on``)
INCUBATEE_SQL = "s.status = %(active)s AND s.admitted_on IS NOT NULL AND s.admitted_on <= %(end)s"

#: the KPI reports of the year and the year before, the money as text (exact on both
#: databases: the year's sums are added up as ``Decimal``)
KPI_SQL = """
    SELECT k.startup_id, k.year, k.quarter, k.headcount, k.phd_staff,
           k.invention_patents_filed, k.invention_patents_granted, k.new_graduates_hired,
           CAST(k.revenue AS TEXT), CAST(k.taxes_paid AS TEXT)
      FROM portfolio_kpireport k JOIN portfolio_startup s ON s.id = k.startup_id
     WHERE k.year IN (%(prev)s, %(year)s) AND {population}"""
MONEY_SQL = """
    SELECT SUM(r.amount),
           SUM(CASE WHEN r.amount_precision = %(approximate)s THEN r.amount END),
           COUNT(CASE WHEN r.amount IS NULL THEN 1 END),
           COUNT(DISTINCT r.startup_id),
           COUNT(DISTINCT CASE WHEN r.round_type = %(ipo)s THEN r.startup_id END),
           (SELECT SUM(d.amount)
              FROM portfolio_disbursement d
              JOIN portfolio_commitment c ON c.id = d.commitment_id
              JOIN portfolio_startup s ON s.id = c.startup_id
             WHERE d.paid_on >= %(start)s AND d.paid_on <= %(end)s AND {population})
      FROM portfolio_fundinground r JOIN portfolio_startup s ON s.id = r.startup_id
     WHERE r.closed_on >= %(start)s AND r.closed_on <= %(end)s AND {population}"""
#: approved certificates valid on some day of the year
CERTIFICATE_SQL = """
    SELECT COUNT(DISTINCT CASE WHEN p.programme = %(hte)s THEN p.startup_id END),
           COUNT(DISTINCT CASE WHEN p.programme = %(hte)s
                                AND p.valid_from >= %(start)s AND p.valid_from <= %(end)s
                               THEN p.startup_id END),
           COUNT(DISTINCT CASE WHEN p.programme IN (%(sme)s, %(giant)s)
                               THEN p.startup_id END)
      FROM portfolio_policyapplication p JOIN portfolio_startup s ON s.id = p.startup_id
     WHERE p.status = %(approved)s
       AND (p.valid_from IS NULL OR p.valid_from <= %(end)s)
       AND (p.valid_to IS NULL OR p.valid_to >= %(start)s)
       AND {population}"""
#: the population (its size, moves into the district, graduations in the year) and the
#: incubatees on 31 December (how many, financed in the year, with a KPI report by then,
#: with a patent filed by then); graduations to date and the mentors in office that day
STARTUP_SQL = """
    SELECT COUNT(CASE WHEN {population} THEN 1 END),
           COUNT(CASE WHEN {population} AND s.moved_into_district_on >= %(start)s
                       AND s.moved_into_district_on <= %(end)s THEN 1 END),
           COUNT(CASE WHEN {population} AND g.graduated_on >= %(start)s
                       AND g.graduated_on <= %(end)s THEN 1 END),
           COUNT(CASE WHEN {incubatee} THEN 1 END),
           COUNT(CASE WHEN {incubatee} AND EXISTS (
               SELECT 1 FROM portfolio_fundinground r WHERE r.startup_id = s.id
                  AND r.closed_on >= %(start)s AND r.closed_on <= %(end)s) THEN 1 END),
           COUNT(CASE WHEN {incubatee} AND EXISTS (
               SELECT 1 FROM portfolio_kpireport k WHERE k.startup_id = s.id
                  AND k.year <= %(year)s) THEN 1 END),
           COUNT(CASE WHEN {incubatee} AND EXISTS (
               SELECT 1 FROM portfolio_kpireport k WHERE k.startup_id = s.id
                  AND k.year <= %(year)s AND k.patents_filed > 0) THEN 1 END),
           COUNT(CASE WHEN g.graduated_on <= %(end)s THEN 1 END),
           (SELECT COUNT(*) FROM portfolio_mentor m WHERE m.appointed_on <= %(end)s
               AND (m.until IS NULL OR m.until >= %(end)s))
      FROM portfolio_startup s LEFT JOIN portfolio_graduation g ON g.startup_id = s.id"""


def _one_row(sql: str, params: dict) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _yuan(value) -> Decimal:
    """A sum of yuan as the database hands it (PostgreSQL: ``Decimal``; SQLite: a number,
    read to 15 digits as Django reads a decimal) to the fen; 0 for no rows."""
    if value is None:
        return ZERO
    if isinstance(value, float):
        value = FIFTEEN_DIGITS.create_decimal_from_float(value)
    return Decimal(value).quantize(ZERO)


def _kpi_figures(report: ImpactReport, params: dict, population: str) -> None:
    """The year's sums and each startup's last report of the year against its last of the
    year before, in one pass over the two years' reports."""
    last: dict[int, tuple] = {}
    before: dict[int, tuple] = {}
    revenue, taxes, graduates = ZERO, ZERO, 0
    with connection.cursor() as cursor:
        cursor.execute(KPI_SQL.format(population=population), params)
        reports = cursor.fetchall()
    for row in reports:
        pk, year, quarter = row[0], row[1], row[2]
        if year == report.year:
            graduates += row[7]
            revenue += Decimal(row[8])
            taxes += Decimal(row[9])
            seen = last
        else:
            seen = before
        if pk not in seen or quarter > seen[pk][2]:
            seen[pk] = row
    report.revenue, report.taxes = revenue.quantize(ZERO), taxes.quantize(ZERO)
    report.new_graduates_hired = graduates
    report.reporting = len(last)
    for pk, row in last.items():
        report.jobs += row[3]
        report.phds += row[4]
        earlier = before.get(pk)
        report.invention_patents_filed += max(row[5] - (earlier[5] if earlier else 0), 0)
        report.invention_patents_granted += max(row[6] - (earlier[6] if earlier else 0), 0)


def _money_figures(report: ImpactReport, params: dict, population: str) -> None:
    """The rounds closed in the year; the funds' payments of the year."""
    financing, approximate, undisclosed, financed, listings, paid = _one_row(
        MONEY_SQL.format(population=population), params
    )
    report.financing = _yuan(financing)
    report.financing_approximate = _yuan(approximate)
    report.undisclosed_rounds = undisclosed
    report.financed_startups = financed
    report.listings = listings
    report.fund_invested = _yuan(paid)
    report.fund_share_of_financing = _ratio(report.fund_invested, report.financing)
    report.leverage = _ratio(report.financing, report.fund_invested)


def _certifications(report: ImpactReport, params: dict, population: str) -> None:
    """高企 and 专精特新 certificates valid in the year."""
    (
        report.high_tech_enterprises,
        report.high_tech_enterprises_new,
        report.specialised_smes,
    ) = _one_row(CERTIFICATE_SQL.format(population=population), params)


def _startup_counts(report: ImpactReport, params: dict, population: str) -> dict:
    """The population's counts on the report; the incubator's (incubatees on 31 December,
    financed, reporting, patent applicants; graduates to date; mentors) returned."""
    row = _one_row(STARTUP_SQL.format(population=population, incubatee=INCUBATEE_SQL), params)
    report.startups, report.moved_into_district, report.graduations = row[:3]
    report.incubatees_at_year_end = row[3]
    names = ("incubatees", "financed", "reporting", "patents", "graduates", "mentors")
    return dict(zip(names, row[3:], strict=True))


def thresholds_in_force(on: dt.date) -> list[models.IncubatorThreshold]:
    """Query 5: per grade and figure, the row with the latest ``effective_from`` on or before
    ``on``, in the page's order."""
    latest: dict[tuple[str, str], models.IncubatorThreshold] = {}
    for row in models.IncubatorThreshold.objects.filter(effective_from__lte=on).order_by(
        "effective_from"
    ):
        latest[(row.grade, row.key)] = row
    return sorted(
        latest.values(),
        key=lambda row: (GRADE_ORDER.get(row.grade, 99), row.grade, KEY_ORDER.get(row.key, 99)),
    )


def _incubator_figures(report: ImpactReport, counts: dict) -> dict[str, tuple]:
    """The incubator's own figures on 31 December, as ``key -> (actual or None, why
    missing)``, from the counts of ``_startup_counts`` and ``_own_figures``."""
    incubatees = counts["incubatees"]
    figures: dict[str, tuple] = {
        ThresholdKey.INCUBATEES: (Decimal(incubatees), ""),
        ThresholdKey.GRADUATES_CUMULATIVE: (Decimal(counts["graduates"]), ""),
        **_own_figures(report.end, incubatees),
    }
    if incubatees:
        figures[ThresholdKey.MENTORS_PER_10] = (
            (Decimal(counts["mentors"]) * 10 / Decimal(incubatees)).quantize(
                PCT_PLACES, rounding=ROUND_HALF_UP
            ),
            "",
        )
        figures[ThresholdKey.FINANCED_PCT] = (_pct(counts["financed"], incubatees), "")
        figures[ThresholdKey.PATENT_APPLICANTS_PCT] = (
            (_pct(counts["patents"], incubatees), "")
            if counts["reporting"]
            else (None, "no_kpi_reports")
        )
    else:
        for key in (
            ThresholdKey.MENTORS_PER_10,
            ThresholdKey.FINANCED_PCT,
            ThresholdKey.PATENT_APPLICANTS_PCT,
        ):
            figures[key] = (None, "no_incubatees")
    return figures


def full_years(since: dt.date, on: dt.date) -> int:
    """Whole years from ``since`` to ``on`` (0 before the first anniversary or before
    ``since``)."""
    years = on.year - since.year - ((on.month, on.day) < (since.month, since.day))
    return max(years, 0)


def _own_figures(end: dt.date, incubatees: int) -> dict[str, tuple]:
    """Queries 6 and 7: the incubator's own figures stated on 31 December
    (``IncubatorFigures``) and the incubatee-use area of the leases running that day; a
    figure not stated is no data, with what it lacks."""
    own = incubator_figures_on(end)
    used = space_occupancy(end)["total"].incubatee_use_m2
    opened = own.opened_on if own else None
    area = own.controlled_area_m2 if own else None
    seed = own.seed_fund if own else None
    figures: dict[str, tuple] = {}
    missing = dict(NOT_RECORDED)
    if opened is not None:
        figures[ThresholdKey.OPERATING_YEARS] = (Decimal(full_years(opened, end)), "")
    if seed is not None:
        figures[ThresholdKey.SEED_FUND_YUAN] = (Decimal(seed).quantize(ZERO), "")
    if area:
        figures[ThresholdKey.SPACE_M2] = (Decimal(area).quantize(ZERO), "")
        figures[ThresholdKey.INCUBATEE_USE_PCT] = (
            (used * 100 / area).quantize(PCT_PLACES, rounding=ROUND_HALF_UP),
            "",
        )
        figures[ThresholdKey.INCUBATEES_PER_1000_M2] = (
            (Decimal(incubatees) * 1000 / area).quantize(PCT_PLACES, rounding=ROUND_HALF_UP),
            "",
        )
    for key, why in missing.items():
        figures.setdefault(key, (None, why))
    return figures


def _thresholds(report: ImpactReport, counts: dict) -> list[ThresholdRow]:
    rows = thresholds_in_force(report.end)
    figures = _incubator_figures(report, counts)
    out = []
    for row in rows:
        actual, missing = figures.get(row.key, (None, "unknown_figure"))
        if actual is None:
            status = NO_DATA
        else:
            status = MET if actual >= row.required else NOT_YET
        out.append(
            ThresholdRow(
                grade=row.grade,
                rule=row.key,
                policy_code=row.policy_code,
                effective_from=row.effective_from,
                required=row.required,
                actual=actual,
                status=status,
                missing=missing,
            )
        )
    return out


def impact_report(year: int, population: str = Population.INCUBATOR) -> ImpactReport:
    """The impact report (``_impact_report``), kept in the report cache by year and
    population."""
    return report_cache.cached(
        "impact_report", (year, population), lambda: _impact_report(year, population)
    )


def _impact_report(year: int, population: str) -> ImpactReport:
    """The impact figures of ``year`` for ``population`` and the thresholds beside the
    incubator's figures (see the module's doc): seven queries whatever the rows."""
    report = ImpactReport(year=year, population=population)
    adapt = connection.ops.adapt_datefield_value
    params = {
        "year": year,
        "prev": year - 1,
        "start": adapt(report.start),
        "end": adapt(report.end),
        "active": StartupStatus.ACTIVE,
        "approximate": AmountPrecision.APPROXIMATE,
        "ipo": RoundType.IPO,
        "approved": ApplicationStatus.APPROVED,
        "hte": Programme.HIGH_TECH_ENTERPRISE,
        "sme": SPECIALISED_PROGRAMMES[0],
        "giant": SPECIALISED_PROGRAMMES[1],
    }
    where = POPULATION_SQL[population]
    _kpi_figures(report, params, where)
    _money_figures(report, params, where)
    _certifications(report, params, where)
    counts = _startup_counts(report, params, where)
    report.thresholds = _thresholds(report, counts)
    return report
