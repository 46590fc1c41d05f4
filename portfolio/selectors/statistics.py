"""The annual statistics return (火炬统计, issue 16; ``incubator-ops.md`` §2 "Torch statistics";
``docs/operations.md``, "The annual statistics return").

**Whose figures.** The return covers **incubatees** only (``domain.md``): startups admitted to
the incubator on or before 31 December of the year that were still in incubation on some day
of it, i.e. not graduated before 1 January (a ``Graduation`` dated earlier) and not at an
exited or closed stage entered before 1 January. A startup whose status says graduated with
no graduation recorded is kept (its day is unknown) and listed as missing ``graduated_on``.
Tracked companies (never admitted) are never in it.

**Units.** Money in whole 千元: ``round(yuan / 1000)`` half up (``formatting.thousand_yuan``),
always of the exact yuan sum (a total is never a sum of rounded figures). Area in m².

**Per incubatee** (``TorchRow``), from the year's quarterly ``KpiReport`` rows:

- ``revenue``, ``rd_spend``, ``taxes_paid`` (千元) and ``new_graduates_hired``: the sum of the
  year's quarterly reports (empty without any report).
- ``headcount`` (从业人员) and ``phd_staff``: the last reported quarter's.
- ``patents_filed``, ``patents_granted``, ``invention_patents_filed``,
  ``invention_patents_granted`` (当年申请 / 授权): the reports carry cumulative counts, so the
  year's figure is its last report's count minus the previous year's last report's (0 when
  the startup was founded in the year); empty when either is not there.
- ``financing`` (获得投融资额, 千元): its rounds closed in the year, exact and approximate
  amounts; ``vc_financing`` (of which angel / venture capital: ``VC_ROUND_TYPES``) and
  ``debt_financing`` (of which debt: the stand-in for 银行贷款).
- ``high_tech_enterprise`` (with ``high_tech_certificate``), ``innovative_sme``,
  ``specialised_sme``, ``little_giant``: an *approved* application to the programme whose
  validity overlaps the year (``valid_from`` empty or on or before 31 December, ``valid_to``
  empty or on or after 1 January). ``tech_sme`` (with ``tech_sme_number``): such an approved
  科技型中小企业 application, else the startup's own ``is_tech_sme`` (empty: unknown).
- ``mentored`` (是否与创业导师建立辅导关系): a mentoring session held in the year.
- ``area_m2`` (占用孵化器场地面积): the area of its leases running on its last day in
  incubation in the year (31 December, or the day it graduated or left).

**Missing data** (``MissingCell``): a column the return needs whose data the database lacks
for that incubatee: ``credit_code`` / ``founded_on`` empty; ``tech_sme`` unknown;
``area_m2`` with no lease on that day; ``graduated_on`` (see above); the flows (``revenue``,
``rd_spend``, ``taxes_paid``, ``new_graduates_hired``) when a quarter of the year (from the
founding quarter, for a startup founded in the year) has no report; ``headcount`` and
``phd_staff`` without a Q4 report; the four patent columns without a Q4 report or without a
previous-year report (unless founded in the year); a financing column when one of its rounds
in the year is undisclosed. Figures from incomplete data are still shown (the sum of what is
reported) so staff see what the missing part must add to.

**The incubator** (``TorchTotals``): counts of the rows, the money totals (千元 of the yuan
sums), jobs, the leased area (incubatees' plus public service areas running on 31 December),
the graduates to date and the mentors in office on 31 December; the space the incubator
controls (可自主支配面积) and its seed fund (千元) as staff stated them for 31 December
(``IncubatorFigures``: empty when not recorded).

Nine queries whatever the number of incubatees and their rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, F, Q, QuerySet

from portfolio import models
from portfolio.formatting import thousand_yuan
from portfolio.models.choices import AmountPrecision, RoundType, StageOutcome, StartupStatus
from portfolio.models.incubation import ApplicationStatus, Programme
from portfolio.selectors.incubation import VC_ROUND_TYPES, incubator_figures_on

ZERO = Decimal("0.00")
AREA_ZERO = Decimal("0.00")
#: the KPI figures summed over the year's quarters (flows)
FLOWS = ("revenue", "rd_spend", "taxes_paid", "new_graduates_hired")
MONEY_FLOWS = ("revenue", "rd_spend", "taxes_paid")
#: the figures taken from the year's last report (stocks at the year's end)
STOCKS = ("headcount", "phd_staff")
#: the cumulative counts whose year's figure is a difference of year-end counts
PATENTS = (
    "patents_filed",
    "patents_granted",
    "invention_patents_filed",
    "invention_patents_granted",
)
FINANCING = ("financing", "vc_financing", "debt_financing")
#: the certifications read from approved policy applications (row field -> programme)
CERTIFICATIONS = {
    "high_tech_enterprise": Programme.HIGH_TECH_ENTERPRISE,
    "tech_sme": Programme.TECH_SME,
    "innovative_sme": Programme.INNOVATIVE_SME,
    "specialised_sme": Programme.SPECIALISED_SME,
    "little_giant": Programme.LITTLE_GIANT,
}
#: the columns in the order the missing list names them (the row's order)
COLUMN_ORDER = (
    "credit_code",
    "founded_on",
    "graduated_on",
    "tech_sme",
    "area_m2",
    *FLOWS,
    *STOCKS,
    *PATENTS,
    *FINANCING,
)


COLUMN_RANK = {column: rank for rank, column in enumerate(COLUMN_ORDER)}
#: the stage outcomes of a startup that has left the incubator
LEFT = (StageOutcome.EXITED, StageOutcome.CLOSED)
#: query 1's columns: the row's own figures, the graduation day and the stage left on
INCUBATEE_FIELDS = (
    "pk",
    "name",
    "credit_code",
    "founded_on",
    "admitted_on",
    "tech_area",
    "is_illustrative",
    "status",
    "is_tech_sme",
    "tech_sme_number",
    "graduation__graduated_on",
    "stage__outcome",
    "stage_entered_on",
)


class StartupRef(NamedTuple):
    """The startup a row or a missing cell is about, as the return names it (its brief)."""

    id: int
    name: str

    @property
    def pk(self) -> int:
        return self.id


@dataclass
class TorchRow:
    """One incubatee's line of the return (see the module's doc for each figure)."""

    startup: StartupRef
    credit_code: str | None
    founded_on: dt.date | None
    admitted_on: dt.date
    tech_area: str
    is_illustrative: bool
    graduated: bool
    graduated_on: dt.date | None
    mentored: bool = False
    high_tech_enterprise: bool = False
    high_tech_certificate: str = ""
    tech_sme: bool | None = None
    tech_sme_number: str = ""
    innovative_sme: bool = False
    specialised_sme: bool = False
    little_giant: bool = False
    area_m2: Decimal = AREA_ZERO
    quarters_reported: list[int] = field(default_factory=list)
    revenue: int | None = None
    rd_spend: int | None = None
    taxes_paid: int | None = None
    new_graduates_hired: int | None = None
    headcount: int | None = None
    phd_staff: int | None = None
    patents_filed: int | None = None
    patents_granted: int | None = None
    invention_patents_filed: int | None = None
    invention_patents_granted: int | None = None
    financing: int | None = None
    vc_financing: int | None = None
    debt_financing: int | None = None
    # exact yuan, for the totals (never shown: the return is in 千元)
    yuan: dict[str, Decimal] = field(default_factory=dict, repr=False)
    missing: set[str] = field(default_factory=set, repr=False)


class MissingCell(NamedTuple):
    startup: StartupRef
    column: str


@dataclass
class TorchTotals:
    """The incubator sheet (see the module's doc)."""

    incubatees: int = 0
    new_incubatees: int = 0
    graduated_in_year: int = 0
    graduates_to_date: int = 0
    with_patent_applications: int = 0
    mentored: int = 0
    high_tech_enterprises: int = 0
    tech_smes: int = 0
    innovative_smes: int = 0
    specialised_smes: int = 0
    little_giants: int = 0
    financed: int = 0
    revenue: int = 0
    rd_spend: int = 0
    taxes_paid: int = 0
    financing: int = 0
    vc_financing: int = 0
    debt_financing: int = 0
    jobs: int = 0
    phd_staff: int = 0
    new_graduates_hired: int = 0
    patents_filed: int = 0
    patents_granted: int = 0
    invention_patents_filed: int = 0
    invention_patents_granted: int = 0
    incubatee_area_m2: Decimal = AREA_ZERO
    public_service_area_m2: Decimal = AREA_ZERO
    incubatee_use_m2: Decimal = AREA_ZERO
    mentors: int = 0
    full_time_mentors: int = 0
    #: the incubator's own figures stated on 31 December (``IncubatorFigures``; None: not
    #: recorded): the space it controls and its seed fund (千元)
    controlled_area_m2: Decimal | None = None
    seed_fund: int | None = None


@dataclass
class TorchReturn:
    year: int
    unit: str
    incubator: TorchTotals
    rows: list[TorchRow]
    missing: list[MissingCell]


#: the unit of every money figure of the return
UNIT = "千元"


def torch_incubatees(year: int) -> QuerySet[models.Startup]:
    """The incubatees in incubation on some day of ``year`` (see the module's doc)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    left_before = Q(graduation__graduated_on__lt=start) | Q(
        stage__outcome__in=LEFT,
        stage_entered_on__lt=start,
    )
    return models.Startup.objects.filter(admitted_on__isnull=False, admitted_on__lte=end).exclude(
        left_before
    )


def _required_quarters(founded_on: dt.date | None, year: int) -> set[int]:
    if founded_on is not None and founded_on.year == year:
        return set(range((founded_on.month - 1) // 3 + 1, 5))
    return {1, 2, 3, 4}


def torch_return(year: int) -> TorchReturn:
    """The year's return: one row per incubatee, the incubator's totals and the missing
    data (see the module's doc). Nine queries whatever the rows. Not in the report cache:
    it bought nothing measurable (small set: 113 ms cached, 108 ms computed); the request's
    time is writing its thousand rows, and reading them back from the cache costs about
    what these nine queries do (docs/benchmark-notes.md)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    population = torch_incubatees(year)
    # 1: the incubatees, with their graduation and stage (the day they left); by name
    startups = sorted(population.values_list(*INCUBATEE_FIELDS), key=lambda s: (s[1], s[0]))
    rows: dict[int, TorchRow] = {}
    last_day: dict[int, dt.date] = {}
    for (
        pk,
        name,
        credit_code,
        founded_on,
        admitted_on,
        tech_area,
        is_illustrative,
        status,
        is_tech_sme,
        tech_sme_number,
        graduated_on,
        outcome,
        stage_entered_on,
    ) in startups:
        graduated = graduated_on is not None and graduated_on <= end
        row = TorchRow(
            startup=StartupRef(pk, name),
            credit_code=credit_code,
            founded_on=founded_on,
            admitted_on=admitted_on,
            tech_area=tech_area,
            is_illustrative=is_illustrative,
            graduated=graduated or status == StartupStatus.GRADUATED,
            graduated_on=graduated_on if graduated else None,
            tech_sme=is_tech_sme,
            tech_sme_number=tech_sme_number if is_tech_sme else "",
        )
        if not credit_code:
            row.missing.add("credit_code")
        if founded_on is None:
            row.missing.add("founded_on")
        if row.graduated and row.graduated_on is None:
            row.missing.add("graduated_on")
        rows[pk] = row
        # the last day in incubation within the year
        if graduated:
            last_day[pk] = graduated_on
        elif outcome in LEFT and stage_entered_on and stage_entered_on <= end:
            last_day[pk] = stage_entered_on
        else:
            last_day[pk] = end
    ids = population.values("pk")

    # 2: the year's and the previous year's quarterly reports
    per_year: dict[int, dict[int, dict[int, dict]]] = {}
    kpis = models.KpiReport.objects.filter(startup__in=ids, year__in=(year - 1, year)).values(
        "startup_id", "year", "quarter", *FLOWS, *STOCKS, *PATENTS
    )
    for report in kpis.order_by():
        per_year.setdefault(report["startup_id"], {}).setdefault(report["year"], {})[
            report["quarter"]
        ] = report
    for pk, row in rows.items():
        years = per_year.get(pk, {})
        this, previous = years.get(year, {}), years.get(year - 1, {})
        row.quarters_reported = sorted(this)
        if not _required_quarters(row.founded_on, year) <= set(this):
            row.missing.update(FLOWS)
        if 4 not in this:
            row.missing.update(STOCKS)
            row.missing.update(PATENTS)
        founded_in_year = row.founded_on is not None and row.founded_on.year == year
        if not previous and not founded_in_year:
            row.missing.update(PATENTS)
        if not this:
            continue
        for name in FLOWS:
            total = sum(report[name] for report in this.values())
            if name in MONEY_FLOWS:
                row.yuan[name] = total
                setattr(row, name, thousand_yuan(total))
            else:
                setattr(row, name, total)
        last = this[max(this)]
        for name in STOCKS:
            setattr(row, name, last[name])
        if previous or founded_in_year:
            before = previous[max(previous)] if previous else None
            for name in PATENTS:
                setattr(row, name, last[name] - (before[name] if before else 0))

    # 3: the rounds closed in the year
    rounds = models.FundingRound.objects.filter(
        startup__in=ids, closed_on__gte=start, closed_on__lte=end
    ).values_list("startup_id", "round_type", "amount", "amount_precision")
    financed: set[int] = set()
    for pk, round_type, amount, precision in rounds.order_by():
        row = rows[pk]
        financed.add(pk)
        kinds = ["financing"]
        if round_type in VC_ROUND_TYPES:
            kinds.append("vc_financing")
        if round_type == RoundType.DEBT:
            kinds.append("debt_financing")
        for name in kinds:
            if precision == AmountPrecision.UNDISCLOSED or amount is None:
                row.missing.add(name)
            else:
                row.yuan[name] = row.yuan.get(name, ZERO) + amount
    for row in rows.values():
        for name in FINANCING:
            setattr(row, name, thousand_yuan(row.yuan.get(name, ZERO)))

    # 4: approved certifications valid on some day of the year
    valid = (Q(valid_from__isnull=True) | Q(valid_from__lte=end)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    )
    certificates = (
        models.PolicyApplication.objects.filter(
            valid,
            startup__in=ids,
            status=ApplicationStatus.APPROVED,
            programme__in=CERTIFICATIONS.values(),
        )
        .order_by("startup_id", "programme", F("valid_from").desc(nulls_last=True), "-pk")
        .values_list("startup_id", "programme", "certificate_number")
    )
    seen: set[tuple[int, str]] = set()
    for pk, programme, number in certificates:
        if (pk, programme) in seen:
            continue  # the latest certificate of each programme
        seen.add((pk, programme))
        row = rows[pk]
        if programme == Programme.HIGH_TECH_ENTERPRISE:
            row.high_tech_enterprise, row.high_tech_certificate = True, number
        elif programme == Programme.TECH_SME:
            row.tech_sme, row.tech_sme_number = True, number or row.tech_sme_number
        elif programme == Programme.INNOVATIVE_SME:
            row.innovative_sme = True
        elif programme == Programme.SPECIALISED_SME:
            row.specialised_sme = True
        else:
            row.little_giant = True
    for row in rows.values():
        if row.tech_sme is None:
            row.missing.add("tech_sme")

    # 5: mentoring sessions in the year
    mentored = models.MentoringSession.objects.filter(
        startup__in=ids, held_on__gte=start, held_on__lte=end
    ).values_list("startup_id", flat=True)
    for pk in set(mentored.order_by()):
        rows[pk].mentored = True

    # 6: leases running on some day of the year: the incubatees' and the public service areas
    totals = TorchTotals()
    leases = (
        models.SpaceLease.objects.filter(starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .filter(Q(startup__in=ids) | Q(is_public_service_area=True))
        .values_list("startup_id", "area_m2", "starts_on", "ends_on", "is_public_service_area")
    )
    leased: set[int] = set()
    for pk, area, starts_on, ends_on, public in leases.order_by():
        if public and starts_on <= end and (ends_on is None or ends_on >= end):
            totals.public_service_area_m2 += area
        row = rows.get(pk)
        if row is None or public:
            continue
        on = last_day[pk]
        if starts_on <= on and (ends_on is None or ends_on >= on):
            row.area_m2 += area
            leased.add(pk)
    for pk, row in rows.items():
        if pk not in leased:
            row.missing.add("area_m2")

    # 7: graduates to date; 8: mentors in office on 31 December
    totals.graduates_to_date = models.Graduation.objects.filter(graduated_on__lte=end).count()
    mentors = (
        models.Mentor.objects.filter(appointed_on__lte=end)
        .filter(Q(until__isnull=True) | Q(until__gte=end))
        .aggregate(n=Count("id"), full_time=Count("id", filter=Q(is_full_time=True)))
    )
    totals.mentors, totals.full_time_mentors = mentors["n"], mentors["full_time"]
    # 9: the incubator's own figures on 31 December
    figures = incubator_figures_on(end)
    if figures is not None:
        totals.controlled_area_m2 = figures.controlled_area_m2
        totals.seed_fund = thousand_yuan(figures.seed_fund)

    _add_up(totals, rows, per_year, year, financed, start)
    ordered = list(rows.values())
    missing = [
        MissingCell(row.startup, column)
        for row in ordered
        for column in sorted(row.missing, key=COLUMN_RANK.__getitem__)
    ]
    return TorchReturn(year=year, unit=UNIT, incubator=totals, rows=ordered, missing=missing)


def _add_up(
    totals: TorchTotals,
    rows: dict[int, TorchRow],
    per_year: dict[int, dict[int, dict[int, dict]]],
    year: int,
    financed: set[int],
    start: dt.date,
) -> None:
    """The incubator sheet's figures from the rows (money: 千元 of the exact yuan sums)."""
    yuan = dict.fromkeys((*MONEY_FLOWS, *FINANCING), ZERO)
    for pk, row in rows.items():
        totals.incubatees += 1
        totals.new_incubatees += row.admitted_on >= start
        totals.graduated_in_year += row.graduated_on is not None
        totals.mentored += row.mentored
        totals.high_tech_enterprises += row.high_tech_enterprise
        totals.tech_smes += bool(row.tech_sme)
        totals.innovative_smes += row.innovative_sme
        totals.specialised_smes += row.specialised_sme
        totals.little_giants += row.little_giant
        totals.financed += pk in financed
        for name in yuan:
            yuan[name] += row.yuan.get(name, ZERO)
        totals.jobs += row.headcount or 0
        totals.phd_staff += row.phd_staff or 0
        totals.new_graduates_hired += row.new_graduates_hired or 0
        for name in PATENTS:
            setattr(totals, name, getattr(totals, name) + (getattr(row, name) or 0))
        totals.incubatee_area_m2 += row.area_m2
        # 已申请专利的在孵企业: a patent filed by the year's end (its latest report's count)
        years = per_year.get(pk, {})
        latest = years.get(year) or years.get(year - 1)
        if latest and latest[max(latest)]["patents_filed"] > 0:
            totals.with_patent_applications += 1
    for name, amount in yuan.items():
        setattr(totals, name, thousand_yuan(amount))
    totals.incubatee_use_m2 = totals.incubatee_area_m2 + totals.public_service_area_m2
