"""A fund's report as of a date: holdings, totals, cash flows, gross multiples and compliance."""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from portfolio import metrics
from portfolio.models import (
    Commitment,
    Disbursement,
    Distribution,
    Fund,
    Stage,
    Startup,
    ValuationMark,
)
from portfolio.models.choices import CommitmentStatus, DistributionKind
from portfolio.selectors import report_cache

ZERO = Decimal("0.00")


def _cents(value) -> Decimal:
    """Yuan with two decimals (SQLite returns sums without their scale)."""
    return Decimal(value).quantize(Decimal("0.01"))


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
    #: for the compliance checks: the latest approval, what of the committed counts towards
    #: the fund's local share (each commitment by the region the startup was registered in
    #: when the fund committed, ``Commitment.registered_region``), and whether the company
    #: counts towards the target-sector share (decided in SQL, as in the totals)
    last_approved: dt.date | None = None
    local_committed: Decimal = ZERO
    target: bool = False
    #: invented demo data: the startup or one of the fund's commitments to it is illustrative
    is_illustrative: bool = False

    @property
    def local(self) -> bool:
        """Counts (in part) towards the local share."""
        return self.local_committed > 0

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

    @property
    def is_illustrative(self) -> bool:
        """Some of the fund's terms are invented demo settings (``Fund.illustrative_note``)."""
        return self.fund.is_illustrative

    def __getattr__(self, name: str):
        # size, committed, available, moic, ... read through to the figures. Not dunders,
        # nor the figures themselves: unpickling (the report cache) looks up __setstate__
        # before the fields are set.
        if name.startswith("__") or name == "figures":
            raise AttributeError(name)
        return getattr(self.figures, name)


# The fund's holdings are one grouped query over its live commitments, written in SQL:
# the ORM groups by every correlated subquery it selects and builds this query in more time
# than the database takes to run it (bar P5, docs/benchmark-notes.md). The SQL is the same
# on SQLite and PostgreSQL; dates and amounts come back through ``_date`` and ``_decimal``.
# The copy buys speed for two figures defined on the querysets: *committed* (the live
# commitments, ``Commitment.objects.live(as_of)``) and *disbursed*; tests/test_reports.py
# (test_report_sql_gives_committed_and_disbursed_as_defined_on_the_querysets) pins them.
HOLDINGS_SQL = """
SELECT c.startup_id AS startup_id,
       SUM(c.amount) AS committed,
       MAX(c.approved_on) AS last_approved,
       SUM({local}) AS local_committed,
       {target} AS is_target,
       MAX(CASE WHEN c.is_illustrative OR s.is_illustrative THEN 1 ELSE 0 END)
         AS is_illustrative,
       (SELECT SUM(d.amount) FROM {disbursement} d
          JOIN {commitment} dc ON dc.id = d.commitment_id
         WHERE dc.fund_id = c.fund_id AND dc.startup_id = c.startup_id
           AND d.paid_on <= %(as_of)s) AS disbursed,
       (SELECT SUM(x.amount) FROM {distribution} x
         WHERE x.fund_id = c.fund_id AND x.startup_id = c.startup_id
           AND x.paid_on <= %(as_of)s) AS realized,
       CASE WHEN EXISTS (SELECT 1 FROM {distribution} e
                          WHERE e.fund_id = c.fund_id AND e.startup_id = c.startup_id
                            AND e.kind IN (%(exit)s, %(write_off)s)
                            AND e.paid_on <= %(as_of)s)
            THEN 0
            ELSE (SELECT m.fair_value FROM {valuationmark} m
                   WHERE m.fund_id = c.fund_id AND m.startup_id = c.startup_id
                     AND m.as_of <= %(as_of)s
                   ORDER BY m.as_of DESC LIMIT 1)
       END AS mark
  FROM {commitment} c JOIN {startup} s ON s.id = c.startup_id
 WHERE c.fund_id = %(fund)s AND c.status = %(approved)s AND c.approved_on <= %(as_of)s
 GROUP BY c.fund_id, c.startup_id, s.tech_area
"""
# An exit or a write-off on or before the date ends the holding: its fair value is 0 from
# that date, whatever its marks said (services.distribution_record keeps later marks out).
# Served by commitment_holding_idx (fund, startup, status), distribution_holding_idx and
# the (fund, startup, as_of) unique index of the marks.

TOTALS_SQL = """
SELECT SUM(h.committed), SUM(h.disbursed), SUM(h.realized),
       SUM(COALESCE(h.mark, h.disbursed, 0)), MAX(h.committed), COUNT(*), MAX(h.last_approved),
       SUM(h.local_committed),
       SUM(CASE WHEN h.is_target = 1 THEN h.committed END)
  FROM ({holdings}) h
"""

ROWS_SQL = """
SELECT h.startup_id, s.name, s.name_en, st.slug, s.tech_area, h.committed, h.disbursed,
       h.realized, h.mark, h.last_approved, h.local_committed, h.is_target, h.is_illustrative
  FROM ({holdings}) h
  JOIN {startup} s ON s.id = h.startup_id
  LEFT JOIN {stage} st ON st.id = s.stage_id
 ORDER BY s.name, h.startup_id
"""

FLOWS_SQL = """
SELECT d.paid_on, SUM(d.amount), 1
  FROM {disbursement} d JOIN {commitment} c ON c.id = d.commitment_id
 WHERE c.fund_id = %(fund)s AND d.paid_on <= %(as_of)s
 GROUP BY d.paid_on
UNION ALL
SELECT x.paid_on, SUM(x.amount), 0
  FROM {distribution} x
 WHERE x.fund_id = %(fund)s AND x.paid_on <= %(as_of)s
 GROUP BY x.paid_on
"""

TABLES = {
    "commitment": Commitment._meta.db_table,
    "disbursement": Disbursement._meta.db_table,
    "distribution": Distribution._meta.db_table,
    "valuationmark": ValuationMark._meta.db_table,
    "startup": Startup._meta.db_table,
    "stage": Stage._meta.db_table,
}
_DECIMAL_OF_FLOAT = decimal.Context(prec=15).create_decimal_from_float


def _decimal(value) -> Decimal | None:
    """A money value from a raw cursor in yuan and cents (SQLite gives int or float, as
    Django's own SQLite converter reads them: fifteen significant digits)."""
    if value is None:
        return None
    if isinstance(value, float):
        value = _DECIMAL_OF_FLOAT(value)
    return _cents(value)


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)  # SQLite keeps dates as ISO text


def _like_prefix(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


def _holdings_sql(fund: Fund, as_of: dt.date) -> tuple[str, dict]:
    """The holdings query and its parameters: one row per company the fund committed to
    by ``as_of``: committed, latest approval, local committed, target flag, illustrative
    flag, disbursed, realized, mark.

    ``local_committed``: the commitments made while the startup was registered in the
    fund's local region (``Commitment.registered_region``, a prefix, as Django's
    ``startswith``), not where it is registered now; ``is_target``: in one of the fund's
    target sectors."""
    params = {
        "fund": fund.pk,
        "as_of": connection.ops.adapt_datefield_value(as_of),
        "approved": CommitmentStatus.APPROVED.value,
        "exit": DistributionKind.EXIT.value,
        "write_off": DistributionKind.WRITE_OFF.value,
    }
    local, target = "0", "0"
    if fund.local_region:
        local = "CASE WHEN c.registered_region LIKE %(local)s ESCAPE '\\' THEN c.amount ELSE 0 END"
        params["local"] = _like_prefix(fund.local_region)
    if fund.target_tech_areas:
        names = [f"area{i}" for i in range(len(fund.target_tech_areas))]
        places = ", ".join(f"%({name})s" for name in names)
        target = f"CASE WHEN s.tech_area IN ({places}) THEN 1 ELSE 0 END"
        params.update(zip(names, fund.target_tech_areas, strict=True))
    return HOLDINGS_SQL.format(local=local, target=target, **TABLES), params


def fund_holdings(fund: Fund, as_of: dt.date | None = None) -> list[Holding]:
    """One row per company the fund committed to by ``as_of``, by name, in one query.

    The fair value is the latest mark on or before ``as_of``; a holding not yet marked is
    carried at cost (what was disbursed); a holding ended by an exit or a write-off on or
    before ``as_of`` is worth 0. Kept in the report cache by fund and date.
    """
    as_of = as_of or timezone.localdate()
    return report_cache.cached("fund_holdings", (fund, as_of), lambda: _fund_holdings(fund, as_of))


def _fund_holdings(fund: Fund, as_of: dt.date) -> list[Holding]:
    holdings, params = _holdings_sql(fund, as_of)
    with connection.cursor() as cursor:
        cursor.execute(ROWS_SQL.format(holdings=holdings, **TABLES), params)
        rows = cursor.fetchall()
    result = []
    for (
        pk,
        name,
        name_en,
        stage_slug,
        tech_area,
        committed,
        disbursed,
        realized,
        mark,
        last_approved,
        local_committed,
        is_target,
        is_illustrative,
    ) in rows:
        disbursed = _decimal(disbursed) or ZERO
        result.append(
            Holding(
                startup_id=pk,
                name=name,
                name_en=name_en,
                stage_slug=stage_slug,
                tech_area=tech_area,
                committed=_decimal(committed) or ZERO,
                disbursed=disbursed,
                realized=_decimal(realized) or ZERO,
                fair_value=disbursed if mark is None else _decimal(mark),
                last_approved=_date(last_approved),
                local_committed=_decimal(local_committed) or ZERO,
                target=bool(is_target),
                is_illustrative=bool(is_illustrative),
            )
        )
    return result


@dataclass(frozen=True)
class HoldingTotals:
    committed: Decimal
    disbursed: Decimal
    realized: Decimal
    unrealized: Decimal
    largest: Decimal
    companies: int
    #: committed to local companies and to the target sectors; the latest approval
    local: Decimal = ZERO
    target: Decimal = ZERO
    last_approved: dt.date | None = None

    @classmethod
    def of(cls, holdings: list[Holding]) -> HoldingTotals:
        """The totals of ``TOTALS_SQL`` summed over rows a caller already fetched (the
        dashboard: one query fewer); test_fund_totals_in_sql_equal_the_sum_of_holdings pins
        the two."""
        return cls(
            committed=sum((h.committed for h in holdings), ZERO),
            disbursed=sum((h.disbursed for h in holdings), ZERO),
            realized=sum((h.realized for h in holdings), ZERO),
            unrealized=sum((h.fair_value for h in holdings), ZERO),
            largest=max((h.committed for h in holdings), default=ZERO),
            companies=len(holdings),
            local=sum((h.local_committed for h in holdings), ZERO),
            target=sum((h.committed for h in holdings if h.target), ZERO),
            last_approved=max((h.last_approved for h in holdings if h.last_approved), default=None),
        )


def fund_totals(fund: Fund, as_of: dt.date) -> HoldingTotals:
    """The sums over the fund's holdings, the compliance shares included, in one aggregate
    query (no row per company)."""
    holdings, params = _holdings_sql(fund, as_of)
    with connection.cursor() as cursor:
        cursor.execute(TOTALS_SQL.format(holdings=holdings), params)
        (
            committed,
            disbursed,
            realized,
            unrealized,
            largest,
            companies,
            last_approved,
            local,
            target,
        ) = cursor.fetchone()
    return HoldingTotals(
        committed=_decimal(committed) or ZERO,
        disbursed=_decimal(disbursed) or ZERO,
        realized=_decimal(realized) or ZERO,
        unrealized=_decimal(unrealized) or ZERO,
        largest=_decimal(largest) or ZERO,
        companies=companies,
        local=_decimal(local) or ZERO,
        target=_decimal(target) or ZERO,
        last_approved=_date(last_approved),
    )


def fund_flows(fund: Fund, as_of: dt.date) -> tuple[list, list]:
    """The fund's payments out and cash back by date up to ``as_of``, in one query:
    ``([(paid_on, total), ...] disbursed, [...] distributed)``."""
    params = {"fund": fund.pk, "as_of": connection.ops.adapt_datefield_value(as_of)}
    disbursements, distributions = [], []
    with connection.cursor() as cursor:
        cursor.execute(FLOWS_SQL.format(**TABLES), params)
        for paid_on, total, out in cursor.fetchall():
            flow = (_date(paid_on), _decimal(total))
            (disbursements if out else distributions).append(flow)
    return disbursements, distributions


def fund_report(
    fund: Fund, as_of: dt.date | None = None, *, holdings: list[Holding] | None = None
) -> FundReport:
    """The fund's figures, performance and compliance checks as of a date.

    Queries: the holdings' totals and compliance shares (1; none when the caller already
    has the ``holdings``), the cash flows out and in (1). Kept in the report cache by fund
    and date (the totals are the same from the holdings or from SQL: tests/test_reports.py).
    """
    as_of = as_of or timezone.localdate()
    return report_cache.with_fund(
        "fund_report", fund, (as_of,), lambda: _fund_report(fund, as_of, holdings)
    )


def _fund_report(fund: Fund, as_of: dt.date, holdings: list[Holding] | None) -> FundReport:
    totals = fund_totals(fund, as_of) if holdings is None else HoldingTotals.of(holdings)
    disbursements, distributions = fund_flows(fund, as_of)
    flows = metrics.fund_cash_flows(
        disbursements=disbursements,
        distributions=distributions,
        residual=totals.unrealized,
        as_of=as_of,
    )
    figures = metrics.FundFigures(
        size=fund.size,
        committed=totals.committed,
        disbursed=totals.disbursed,
        realized=totals.realized,
        unrealized=totals.unrealized,
        irr=metrics.irr(flows),
    )
    compliance = compliance_checks(
        fund,
        committed=totals.committed,
        largest=totals.largest,
        target=totals.target,
        local=totals.local,
        last_approved=totals.last_approved,
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
