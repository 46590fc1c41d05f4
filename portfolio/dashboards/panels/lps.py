"""The LP pages' rows: the capital-account statement in the active language."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from portfolio.formatting import CAPITAL_ACCOUNT_LINES
from portfolio.selectors.lp_report import CapitalAccount


@dataclass(frozen=True)
class StatementLine:
    line: str
    label: str
    period: Decimal
    since_inception: Decimal
    total: bool  # the opening and closing balances, set apart on the page


def statement_lines(account: CapitalAccount) -> list[StatementLine]:
    """The statement's rows in ILPA order; lines that are zero in both columns are kept
    (a statement shows every line, so a reader sees what did not move)."""
    return [
        StatementLine(
            line,
            str(label),
            account.period[line],
            account.since_inception[line],
            line in ("beginning", "ending"),
        )
        for line, label in CAPITAL_ACCOUNT_LINES
    ]
