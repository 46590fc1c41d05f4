"""The fund page's policy pack (``selectors.fund_policy``): its figures as rows the template
shows beside the compliance checks. Pure presentation, in the active language."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from portfolio.dashboards.panels.common import PageFigure
from portfolio.formatting import TEST_STATUS, band_label, day, money, multiple, percent
from portfolio.models.choices import LocalBasis, LpKind
from portfolio.selectors.fund_policy import PolicyPack


@dataclass(frozen=True)
class Figure(PageFigure):
    note: str
    ok: bool | None = None  # None: no limit to meet


@dataclass(frozen=True)
class Group:
    title: str
    rows: list[tuple[str, str, str]]  # label, invested, share


def policy_figures(pack: PolicyPack) -> list[Figure]:
    lev, local, idle = pack.leverage, pack.local_investment, pack.idle_money
    return [
        Figure(
            "policy-leverage",
            _("Leverage (fund / government)"),
            multiple(lev.fund_over_government),
            _("LP commitments %(all)s over government LPs' %(gov)s")
            % {"all": money(lev.committed), "gov": money(lev.government_committed)},
        ),
        Figure(
            "policy-social-leverage",
            _("Social capital per government yuan"),
            multiple(lev.social_over_government),
            _("(LP commitments − government) / government"),
        ),
        Figure(
            "policy-local-ratio",
            _("返投 ratio"),
            multiple(local.ratio),
            _("Local investment %(local)s over %(kind)s %(basis)s %(denominator)s")
            % {
                "local": money(local.local_invested),
                "kind": LpKind(local.denominator).label,
                "basis": LocalBasis(local.basis).label,
                "denominator": money(local.denominator_amount),
            },
        ),
        Figure(
            "policy-idle-days",
            _("Days before the first investment"),
            "—" if idle.days is None else str(idle.days),
            _("From the first government contribution (%(first)s) to %(investment)s")
            % {
                "first": day(idle.first_contribution_on),
                "investment": day(idle.first_investment_on)
                if idle.first_investment_on
                else _("the report date (nothing invested yet)"),
            },
            ok=None if idle.days is None else not idle.alert,
        ),
    ]


def early_small_groups(pack: PolicyPack) -> list[Group]:
    early = pack.early_small
    return [
        Group(
            title,
            [(s.label or band_label(s.key), money(s.invested), percent(s.share)) for s in shares],
        )
        for title, shares in (
            (_("Stage at investment"), early.by_stage),
            (_("Company age at investment"), early.by_age),
            (_("Headcount at investment"), early.by_headcount),
        )
    ]


def status_label(status: str) -> str:
    return str(TEST_STATUS[status])


@dataclass(frozen=True)
class HoldingRow:
    startup_id: int
    name: str
    cells: list[str]
    ok: bool | None


def _pct_text(value) -> str:
    return "—" if value is None else f"{value:.2f}%"


def stake_cap_rows(rows) -> list[HoldingRow]:
    """The stake-cap table's rows (``PolicyPack.stake_caps``, those the page shows)."""
    return [
        HoldingRow(
            row.startup.pk,
            row.startup.display_name,
            [_pct_text(row.ownership_pct), "≤ " + _pct_text(row.cap_pct)],
            row.ok,
        )
        for row in rows
    ]


def startup_tech_rows(rows) -> list[HoldingRow]:
    """The start-up tech firms' rows (``PolicyPack.startup_tech``, those the page shows)."""
    return [
        HoldingRow(
            row.startup.pk,
            row.startup.display_name,
            [
                day(row.first_investment_on),
                status_label(row.status),
                str(row.months_held),
                _("yes") if row.holding_clock_met else _("not yet"),
            ],
            {"met": True, "failed": False}.get(row.status),
        )
        for row in rows
    ]
