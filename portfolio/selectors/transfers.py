"""Reads of the technology-transfer ledger (issue 16, ``incubator-ops.md`` §4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet

from portfolio import models
from portfolio.models.transfers import PATENT_KINDS, IpKind, TransferMode


def tech_transfer_list() -> QuerySet[models.TechTransfer]:
    """Transfers with their startup and institution joined and their IP items prefetched:
    two queries whatever the number of rows."""
    return models.TechTransfer.objects.select_related("startup", "institution").prefetch_related(
        "ip_items"
    )


# --- the per-institution funnel (incubator-ops.md §4, "Funnel per institution and year") ---

#: the modes that make the receiving startup a spin-off of the institution (the brief: "a
#: licence or 作价投资 record")
SPIN_OFF_MODES = (TransferMode.LICENCE, TransferMode.EQUITY)


@dataclass
class FunnelRow:
    """One institution's funnel up to the end of ``year`` (counts are cumulative: every
    contract dated on or before 31 December), with its spin-offs' money of the year."""

    institution: models.Institution
    contracts: int = 0
    contracts_in_year: int = 0
    by_mode: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TransferMode.values, 0))
    patents: int = 0
    invention_patents: int = 0
    spin_offs: int = 0
    admitted: int = 0
    crossed_valley: int = 0
    graduated: int = 0
    revenue: Decimal = Decimal("0.00")
    jobs: int = 0
    reporting: int = 0
    financing: Decimal = Decimal("0.00")
    undisclosed_rounds: int = 0
    startup_ids: set[int] = field(default_factory=set)


def transfer_funnel(year: int) -> list[FunnelRow]:
    """Per source institution: its transfer contracts (all, in ``year``, by mode), the patents
    they cover, the spin-offs (startups of the institution that received a licence or a
    valuation-for-equity contract from it), how many of those were admitted, crossed the
    valley and graduated by the year's end, and the spin-offs' revenue (the year's quarterly
    KPI reports summed), jobs (each one's last reported headcount of the year) and financing
    (rounds closed in the year: exact and approximate amounts; undisclosed ones counted).

    Six queries whatever the number of institutions, contracts and startups."""
    end = dt.date(year, 12, 31)
    transfers = list(
        models.TechTransfer.objects.filter(contract_on__lte=end).values_list(
            "institution_id", "startup_id", "mode", "contract_on"
        )
    )
    institutions = models.Institution.objects.in_bulk(
        {institution for institution, *_rest in transfers}
    )
    rows: dict[int, FunnelRow] = {}
    spin_off_of: dict[int, set[int]] = {}
    for institution, startup, mode, contract_on in transfers:
        row = rows.setdefault(institution, FunnelRow(institution=institutions[institution]))
        row.contracts += 1
        row.contracts_in_year += contract_on.year == year
        row.by_mode[mode] += 1
        if mode in SPIN_OFF_MODES:
            spin_off_of.setdefault(startup, set()).add(institution)
    items = (
        models.TechTransferIpItem.objects.filter(
            transfer__contract_on__lte=end, kind__in=PATENT_KINDS
        )
        .values("transfer__institution_id", "kind")
        .annotate(n=Count("id"))
    )
    for item in items:
        row = rows[item["transfer__institution_id"]]
        row.patents += item["n"]
        if item["kind"] == IpKind.INVENTION:
            row.invention_patents += item["n"]
    startups = models.Startup.objects.filter(pk__in=spin_off_of).values(
        "pk", "institution_id", "admitted_on", "crossed_valley_on", "graduation__graduated_on"
    )
    for startup in startups:
        # a spin-off of the institution it came from, when that institution also licensed
        # or contributed the result
        institution = startup["institution_id"]
        if institution not in spin_off_of[startup["pk"]]:
            continue
        row = rows[institution]
        row.spin_offs += 1
        row.startup_ids.add(startup["pk"])
        if startup["admitted_on"] and startup["admitted_on"] <= end:
            row.admitted += 1
            crossed = startup["crossed_valley_on"]
            row.crossed_valley += bool(crossed and crossed <= end)
            graduated = startup["graduation__graduated_on"]
            row.graduated += bool(graduated and graduated <= end)
    owner = {pk: row for row in rows.values() for pk in row.startup_ids}
    last_headcount: dict[int, tuple[int, int]] = {}
    for report in models.KpiReport.objects.filter(startup_id__in=owner, year=year).values(
        "startup_id", "quarter", "revenue", "headcount"
    ):
        owner[report["startup_id"]].revenue += report["revenue"]
        seen = last_headcount.get(report["startup_id"])
        if seen is None or report["quarter"] > seen[0]:
            last_headcount[report["startup_id"]] = (report["quarter"], report["headcount"])
    for pk, (_quarter, headcount) in last_headcount.items():
        owner[pk].jobs += headcount
        owner[pk].reporting += 1
    for funding_round in models.FundingRound.objects.filter(
        startup_id__in=owner, closed_on__gte=dt.date(year, 1, 1), closed_on__lte=end
    ).values("startup_id", "amount"):
        row = owner[funding_round["startup_id"]]
        if funding_round["amount"] is None:
            row.undisclosed_rounds += 1
        else:
            row.financing += funding_round["amount"]
    return sorted(rows.values(), key=lambda row: (-row.contracts, row.institution.name))
