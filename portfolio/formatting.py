"""How figures are written, the one copy: money (元 / 万元 / 亿元 in Chinese, CNY M in
English), multiples, percentages, days and dates. Admin, dashboards, templates and charts all
format through these functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

YI = Decimal("100000000")  # 亿 = 10^8
WAN = Decimal("10000")  # 万 = 10^4
MILLION = Decimal("1000000")
ONE = Decimal(1)
THOUSAND = Decimal(1000)  # 千元, the unit of the Torch statistics return
NONE = "—"  # what an absent figure reads as


def language() -> str:
    """The active language (Chinese unless the reader chose English)."""
    return get_language() or "zh-hans"


def _in_unit(amount: Decimal | None, unit: Decimal, pattern: str, places: int = 2) -> str:
    """``amount / unit`` with thousands separators and ``places`` decimals, written into
    ``pattern`` (``"{} 万元"``); an absent amount reads as ``NONE``."""
    if amount is None:
        return NONE
    return pattern.format(f"{Decimal(amount) / unit:,.{places}f}")


def format_yuan(amount: Decimal | None) -> str:
    """Exact yuan with thousands separators: ``300,000,000.00 元``."""
    return _in_unit(amount, ONE, "{} 元")


def format_wan(amount: Decimal | None) -> str:
    """In 万元: ``3,000 万元`` (decimals only when the figure has them)."""
    whole = amount is not None and Decimal(amount) % WAN == 0
    return _in_unit(amount, WAN, "{} 万元", 0 if whole else 2)


def format_yi(amount: Decimal | None) -> str:
    """In 亿元 with two decimals: ``2.00 亿元``."""
    return _in_unit(amount, YI, "{} 亿元")


def format_cny_millions(amount: Decimal | None) -> str:
    """English style: ``CNY 200.0M``."""
    return _in_unit(amount, MILLION, "CNY {}M", 1)


def format_money(amount: Decimal | None, language: str = "zh-hans") -> str:
    """The way a reader of ``language`` thinks of an amount.

    Chinese: 亿元 from one hundred million, 万元 from ten thousand, else 元.
    English: CNY millions.
    """
    if amount is None:
        return NONE
    amount = Decimal(amount)
    if language.startswith("en"):
        if abs(amount) < MILLION:
            return _in_unit(amount, ONE, "CNY {}", 0)
        return format_cny_millions(amount)
    if abs(amount) >= YI:
        return format_yi(amount)
    if abs(amount) >= WAN:
        return format_wan(amount)
    return format_yuan(amount)


def thousand_yuan(amount: Decimal | None) -> int | None:
    """Yuan as whole 千元 (thousand yuan), rounded half up: ``round(yuan / 1000)`` as the
    Torch statistics forms want it (``1,500.00`` -> 2, ``1,499.99`` -> 1, ``-1,500`` -> -2);
    an absent amount stays absent."""
    if amount is None:
        return None
    return int((Decimal(amount) / THOUSAND).quantize(ONE, rounding=ROUND_HALF_UP))


def money(amount: Decimal | None) -> str:
    """An amount the way the reader's language counts it (see ``format_money``)."""
    return format_money(amount, language())


def multiple(value: Decimal | float | None) -> str:
    """A ratio as a multiple: 1.35x."""
    if value is None:
        return NONE
    return f"{Decimal(str(value)):.2f}x"


def percent(value: Decimal | float | None) -> str:
    """A ratio as a percentage: 0.1234 -> 12.3%."""
    if value is None:
        return NONE
    return f"{Decimal(str(value)) * 100:.1f}%"


def days(value: float | None) -> str:
    """A number of days, whole, with thousands separators."""
    return NONE if value is None else f"{value:,.0f}"


def day(value: dt.date | None) -> str:
    """A date in the active language's short format."""
    return date_format(value, "SHORT_DATE_FORMAT") if value else NONE


# --- a fund's compliance checks, as the admin's fund page and the officials' fund page show them

#: the capital-account statement's rows (ILPA order): line -> label
CAPITAL_ACCOUNT_LINES = (
    ("beginning", _("Beginning NAV")),
    ("contributions", _("Contributions")),
    ("distributions", _("Distributions")),
    ("management_fees", _("Management fees")),
    ("expenses", _("Partnership expenses")),
    ("realized", _("Realized gain / (loss)")),
    ("unrealized", _("Change in unrealized gain / (loss)")),
    ("carried_interest_paid", _("Carried interest paid")),
    ("carried_interest_accrued", _("Change in accrued carried interest")),
    ("reallocated", _("让利 reallocation")),
    ("ending", _("Ending NAV, net of accrued carried interest")),
)

COMPLIANCE_LABELS = {
    "committed_within_size": _("Live commitments within the fund's size"),
    # xgettext:no-python-format
    "max_single_company_pct": _("Largest holding, % of the fund's size (at most)"),
    # xgettext:no-python-format
    "min_target_sector_pct": _("Target sector, % of committed (at least)"),
    # xgettext:no-python-format
    "min_local_pct": _("Local firms (返投), % of committed (at least)"),
    "investment_period_end": _("Last commitment within the investment period"),
}


@dataclass(frozen=True)
class ComplianceRow:
    rule: str
    label: str
    limit: str  # with its direction: "≤ 20.00%", "≥ 50.00%"
    actual: str
    ok: bool
    result: str  # "met" or "breached"


def _check_figure(rule: str, value: Any) -> str:
    if value is None:
        return NONE
    if isinstance(value, dt.date):
        return day(value)
    if rule == "committed_within_size":
        return money(value)
    return f"{value}%"


def compliance_rows(checks) -> list[ComplianceRow]:
    """``selectors.ComplianceCheck``s written out: the rule's label, the limit with its
    direction (``min_*`` rules are floors, the others ceilings, bar the investment period's
    last day), the actual figure and whether the limit is met."""
    rows = []
    for check in checks:
        limit = _check_figure(check.rule, check.limit)
        if check.rule.startswith("min_"):
            limit = "≥ " + limit
        elif check.rule != "investment_period_end":
            limit = "≤ " + limit
        rows.append(
            ComplianceRow(
                rule=check.rule,
                label=str(COMPLIANCE_LABELS.get(check.rule, check.rule)),
                limit=limit,
                actual=_check_figure(check.rule, check.actual),
                ok=check.ok,
                result=str(_("met") if check.ok else _("breached")),
            )
        )
    return rows


# --- the guidance-fund policy pack (docs/fund.md, "Policy pack"): labels of its groups -----

#: the 初创科技型企业 test's criteria, in the order the pack lists them
STARTUP_TECH_CRITERIA = (
    ("max_headcount", _("Headcount (average of the 4 quarters before)")),
    ("max_assets", _("Total assets (not recorded)")),
    ("max_revenue", _("Revenue (the 4 quarters before)")),
    ("max_age_months", _("Age at investment (months)")),
    ("not_listed", _("Not listed by then or within 24 months")),
)
#: a criterion's or a holding's outcome
TEST_STATUS = {"met": _("met"), "failed": _("failed"), "unknown": _("unknown")}
#: 投早投小's bands (the keys of selectors.fund_policy.AGE_BANDS / HEADCOUNT_BANDS)
POLICY_BANDS = {
    "under_3_years": _("under 3 years"),
    "3_to_5_years": _("3 to 5 years"),
    "over_5_years": _("over 5 years"),
    "up_to_50": _("up to 50 people"),
    "51_to_300": _("51 to 300 people"),
    "over_300": _("over 300 people"),
    "unknown": _("unknown"),
}


def band_label(key: str) -> str:
    """A 投早投小 group's label: a band, a TRL (``trl_5``) or the key itself (a stage's
    label comes with it)."""
    if key.startswith("trl_"):
        return f"TRL {key[4:]}"
    return str(POLICY_BANDS.get(key, key))
