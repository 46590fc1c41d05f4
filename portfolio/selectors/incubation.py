"""Reads of the incubation rules (issue 16, ``incubator-ops.md`` §1.1-1.2): the rule in force
on a day, a startup's admission eligibility, what the recorded data says of each graduation
test, the agreements list and the two dashboard lists (``docs/operations.md``, "Incubation
agreements, eligibility and graduation").

Every threshold comes from an ``IncubationRule`` row: the rule **in force on a day** is the
one with the latest ``effective_from`` on or before it. No rule in force means no threshold:
every eligibility rule is then ``unknown`` and no graduation basis is contradicted.

**Eligibility** (``eligibility``): one row per rule, ``met`` / ``failed`` / ``unknown``
(missing data is ``unknown``, never ``failed``); the rule in force on ``admitted_on`` (today
when it is empty). ``age_at_entry``: ``admitted_on`` is at most ``max_age_months_at_entry``
calendar months after ``founded_on``. ``registered_in_incubator``, ``premises_in_incubator``,
``tech_sme``: the startup's three yes/no fields; each is left out when the rule does not
require it.

**Graduation tests** (``graduation_tests``): per basis ``met``, ``contradicted`` or
``unknown`` on a day ``on``, from figures read in one query each for any number of startups
(so the dashboard's query count does not grow with its rows):

- ``vc_over_5m``: the amounts of the startup's angel/VC rounds (``VC_ROUND_TYPES``: angel,
  seed, pre-A, A, A+, B, C; not strategic, grant, debt or IPO) closed on or before ``on``,
  exact or approximate, summed. Above ``graduation_vc_over``: met. Otherwise contradicted,
  unless one of those rounds is undisclosed (unknown).
- ``revenue_over_10m_2y``: calendar-year revenue, the sum of the year's quarterly KPI
  reports, over *full* years (ended on or before ``on``). Met when some
  ``graduation_revenue_years`` consecutive full years sum above ``graduation_revenue_over``.
  Contradicted when not met, ``founded_on`` is recorded, there are at least that many full
  years since the founding year and every quarter from the founding quarter to the last full
  year's Q4 is reported; otherwise unknown.
- ``high_tech_enterprise``: met when an approved 高新技术企业 application is valid on ``on``
  (``valid_from`` empty or on or before it, ``valid_to`` empty or on or after it);
  contradicted when the startup has such applications and none is; unknown without any.
- ``acquired_or_listed``: met when the startup is at an exited stage (IPO / acquisition)
  entered on or before ``on`` or has an IPO round closed on or before it; otherwise
  contradicted (the pipeline records every exit).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from portfolio import models
from portfolio.models.choices import AmountPrecision, RoundType, StageOutcome, StartupStatus
from portfolio.models.incubation import ApplicationStatus, GraduationBasis, Programme
from portfolio.selectors import report_cache

MET, FAILED, UNKNOWN = "met", "failed", "unknown"
CONTRADICTED = "contradicted"

#: the round types that count as angel or venture capital money (§1.2 item 2)
VC_ROUND_TYPES = (
    RoundType.ANGEL,
    RoundType.SEED,
    RoundType.PRE_A,
    RoundType.A,
    RoundType.A_PLUS,
    RoundType.B,
    RoundType.C,
)

#: the admission rules, in the order the detail lists them
AGE_AT_ENTRY = "age_at_entry"
REGISTERED = "registered_in_incubator"
PREMISES = "premises_in_incubator"
TECH_SME = "tech_sme"
ELIGIBILITY_RULES = (AGE_AT_ENTRY, REGISTERED, PREMISES, TECH_SME)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (the 31st of a shorter month: its last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def deadline_under(
    rule: models.IncubationRule, startup: models.Startup, starts_on: dt.date
) -> dt.date:
    """The incubation deadline ``rule`` gives ``startup`` incubated from ``starts_on``: the
    rule's period, the longer one when the startup's field is among its extended fields."""
    extended = startup.tech_area in rule.extended_field_codes
    return add_months(
        starts_on, rule.extended_deadline_months if extended else rule.deadline_months
    )


def rule_in_force(on: dt.date) -> models.IncubationRule | None:
    """The rule in force on ``on``: the latest ``effective_from`` on or before it."""
    return (
        models.IncubationRule.objects.filter(effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def incubator_figures_on(on: dt.date) -> models.IncubatorFigures | None:
    """The incubator's own figures stated on ``on``: the row with the latest
    ``effective_from`` on or before it (None before the first; one query)."""
    return (
        models.IncubatorFigures.objects.filter(effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


# --- admission eligibility ------------------------------------------------------------------


@dataclass(frozen=True)
class EligibilityRow:
    rule: str
    status: str


def _yes_no(value: bool | None) -> str:
    if value is None:
        return UNKNOWN
    return MET if value else FAILED


def eligibility_of(
    startup: models.Startup, rule: models.IncubationRule | None
) -> list[EligibilityRow]:
    """``startup``'s admission rules under ``rule`` (see the module's doc); no queries."""
    if rule is None:
        return [EligibilityRow(name, UNKNOWN) for name in ELIGIBILITY_RULES]
    if startup.founded_on is None or startup.admitted_on is None:
        age = UNKNOWN
    else:
        limit = add_months(startup.founded_on, rule.max_age_months_at_entry)
        age = MET if startup.admitted_on <= limit else FAILED
    rows = [EligibilityRow(AGE_AT_ENTRY, age)]
    if rule.requires_registered_in_incubator:
        rows.append(EligibilityRow(REGISTERED, _yes_no(startup.registered_in_incubator)))
    if rule.requires_premises_in_incubator:
        rows.append(EligibilityRow(PREMISES, _yes_no(startup.premises_in_incubator)))
    if rule.requires_tech_sme:
        rows.append(EligibilityRow(TECH_SME, _yes_no(startup.is_tech_sme)))
    return rows


def eligibility(startup: models.Startup, *, today: dt.date) -> list[EligibilityRow]:
    """``startup``'s admission rules under the rule in force on its admission (one query)."""
    return eligibility_of(startup, rule_in_force(startup.admitted_on or today))


# --- graduation tests -----------------------------------------------------------------------


@dataclass
class GraduationFigures:
    """What the recorded data says of one startup, as the tests read it."""

    vc_total: Decimal = Decimal("0")
    vc_undisclosed: int = 0
    #: year -> (revenue, quarters reported)
    revenue: dict[int, tuple[Decimal, int]] = field(default_factory=dict)
    #: quarters reported in the founding year from the founding quarter on
    founding_year_quarters: int = 0
    hte_applications: int = 0
    hte_valid: int = 0
    ipo: bool = False


def last_full_year(on: dt.date) -> int:
    return on.year if (on.month, on.day) == (12, 31) else on.year - 1


def graduation_figures(
    startups: Iterable[models.Startup], on: dt.date
) -> dict[int, GraduationFigures]:
    """The figures of every startup in ``startups`` on ``on``: three queries, whatever their
    number."""
    startups = list(startups)
    ids = [s.pk for s in startups]
    figures = {pk: GraduationFigures() for pk in ids}
    vc = Q(round_type__in=VC_ROUND_TYPES)
    rounds = (
        models.FundingRound.objects.filter(startup_id__in=ids, closed_on__lte=on)
        .filter(vc | Q(round_type=RoundType.IPO))
        .values("startup_id")
        .annotate(
            total=Sum("amount", filter=vc),
            undisclosed=Count("id", filter=vc & Q(amount_precision=AmountPrecision.UNDISCLOSED)),
            ipos=Count("id", filter=Q(round_type=RoundType.IPO)),
        )
        .order_by()
    )
    for row in rounds:
        figures[row["startup_id"]].vc_total = row["total"] or Decimal("0")
        figures[row["startup_id"]].vc_undisclosed = row["undisclosed"]
        figures[row["startup_id"]].ipo = row["ipos"] > 0
    founded = {s.pk: s.founded_on for s in startups}
    per_year: dict[int, dict[int, list]] = defaultdict(dict)
    kpis = (
        models.KpiReport.objects.filter(startup_id__in=ids, year__lte=last_full_year(on))
        .values_list("startup_id", "year", "quarter", "revenue")
        .order_by()
    )
    for pk, year, quarter, revenue in kpis:
        slot = per_year[pk].setdefault(year, [Decimal("0"), 0, 0])
        slot[0] += revenue
        slot[1] += 1
        founded_on = founded.get(pk)
        if founded_on and year == founded_on.year and quarter >= (founded_on.month - 1) // 3 + 1:
            slot[2] += 1
    for pk, years in per_year.items():
        figures[pk].revenue = {year: (slot[0], slot[1]) for year, slot in years.items()}
        founded_on = founded.get(pk)
        if founded_on and founded_on.year in years:
            figures[pk].founding_year_quarters = years[founded_on.year][2]
    valid = Q(status=ApplicationStatus.APPROVED) & (
        Q(valid_from__isnull=True) | Q(valid_from__lte=on)
    )
    valid &= Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    applications = (
        models.PolicyApplication.objects.filter(
            startup_id__in=ids, programme=Programme.HIGH_TECH_ENTERPRISE
        )
        .values("startup_id")
        .annotate(n=Count("id"), valid=Count("id", filter=valid))
        .order_by()
    )
    for row in applications:
        figures[row["startup_id"]].hte_applications = row["n"]
        figures[row["startup_id"]].hte_valid = row["valid"]
    return figures


def _revenue_test(
    startup: models.Startup, rule: models.IncubationRule, on: dt.date, fig: GraduationFigures
) -> str:
    span = rule.graduation_revenue_years
    last = last_full_year(on)
    if fig.revenue:
        for first in range(min(fig.revenue) - span + 1, last - span + 2):
            window = range(first, first + span)
            total = sum((fig.revenue.get(y, (Decimal("0"), 0))[0] for y in window), Decimal("0"))
            if total > rule.graduation_revenue_over:
                return MET
    founded_on = startup.founded_on
    if founded_on is None or last - founded_on.year + 1 < span:
        return UNKNOWN
    founding_quarters = 4 - (founded_on.month - 1) // 3
    if fig.founding_year_quarters < founding_quarters:
        return UNKNOWN
    for year in range(founded_on.year + 1, last + 1):
        if fig.revenue.get(year, (None, 0))[1] < 4:
            return UNKNOWN
    return CONTRADICTED


def _exited_on(startup: models.Startup, on: dt.date) -> bool:
    return (
        startup.stage.outcome == StageOutcome.EXITED
        and startup.stage_entered_on is not None
        and startup.stage_entered_on <= on
    )


def graduation_tests(
    startup: models.Startup,
    rule: models.IncubationRule | None,
    on: dt.date,
    fig: GraduationFigures,
) -> dict[str, str]:
    """basis -> ``met`` / ``contradicted`` / ``unknown`` (see the module's doc); no queries
    (``startup.stage`` is read: select it with the startup)."""
    if rule is None:
        return {basis.value: UNKNOWN for basis in GraduationBasis}
    if fig.vc_total > rule.graduation_vc_over:
        vc = MET
    else:
        vc = UNKNOWN if fig.vc_undisclosed else CONTRADICTED
    if fig.hte_valid:
        hte = MET
    else:
        hte = CONTRADICTED if fig.hte_applications else UNKNOWN
    exited = MET if fig.ipo or _exited_on(startup, on) else CONTRADICTED
    return {
        GraduationBasis.HIGH_TECH_ENTERPRISE: hte,
        GraduationBasis.VC_OVER_5M: vc,
        GraduationBasis.REVENUE_OVER_10M_2Y: _revenue_test(startup, rule, on, fig),
        GraduationBasis.ACQUIRED_OR_LISTED: exited,
    }


# --- lists ----------------------------------------------------------------------------------


def incubation_agreement_list() -> QuerySet[models.IncubationAgreement]:
    return models.IncubationAgreement.objects.select_related("startup", "rule", "created_by")


def active_incubatees() -> QuerySet[models.Startup]:
    """Incubatees still in incubation: admitted, status active (not graduated, exited or
    closed)."""
    return models.Startup.objects.filter(
        status=StartupStatus.ACTIVE, admitted_on__isnull=False
    ).select_related("stage")


@dataclass(frozen=True)
class PastDeadline:
    startup: models.Startup
    deadline: dt.date
    days_over: int


def past_deadline(today: dt.date) -> list[PastDeadline]:
    """Active incubatees whose agreement's incubation deadline is before ``today`` (one
    query), longest over first; kept in the report cache by day."""
    return report_cache.cached("past_deadline", (today,), lambda: _past_deadline(today))


def _past_deadline(today: dt.date) -> list[PastDeadline]:
    agreements = (
        models.IncubationAgreement.objects.filter(
            incubation_deadline__lt=today,
            startup__status=StartupStatus.ACTIVE,
            startup__admitted_on__isnull=False,
        )
        .select_related("startup")
        .order_by("incubation_deadline", "startup__name")
    )
    return [
        PastDeadline(a.startup, a.incubation_deadline, (today - a.incubation_deadline).days)
        for a in agreements
    ]


@dataclass(frozen=True)
class MeetsTest:
    startup: models.Startup
    bases: tuple[str, ...]

    @property
    def labels(self) -> list[str]:
        return [str(GraduationBasis(basis).label) for basis in self.bases]


def meeting_a_graduation_test(today: dt.date) -> list[MeetsTest]:
    """Active incubatees whose recorded data meets a graduation test on ``today`` (six
    queries, whatever their number): not graduated yet. Kept in the report cache by day."""
    return report_cache.cached(
        "meeting_a_graduation_test", (today,), lambda: _meeting_a_graduation_test(today)
    )


def _meeting_a_graduation_test(today: dt.date) -> list[MeetsTest]:
    rule = rule_in_force(today)
    if rule is None:
        return []
    startups = list(active_incubatees().order_by("name"))
    figures = graduation_figures(startups, today)
    found = []
    for startup in startups:
        tests = graduation_tests(startup, rule, today, figures[startup.pk])
        bases = tuple(basis for basis, verdict in tests.items() if verdict == MET)
        if bases:
            found.append(MeetsTest(startup, bases))
    return found
