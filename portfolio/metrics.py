"""Fund metrics: pure functions, no database.

Conventions (ILPA-style, gross of fees since the fund pays into companies directly):
paid-in is what was disbursed, realized is what came back (distributions), unrealized is the
latest fair value of what is still held.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pyxirr

RATIO_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class CashFlow:
    """A dated cash flow seen from the fund: negative paid out, positive received."""

    on: dt.date
    amount: Decimal


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """``numerator / denominator`` to 4 decimal places, or None when undefined."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATIO_PLACES, ROUND_HALF_UP)


def available(*, size: Decimal, committed: Decimal) -> Decimal:
    """What a fund can still commit: its size less its live commitments (negative when a
    fund is over-committed). The one definition; the service's capacity check, the admin
    and the report use it."""
    return size - committed


def moic(*, invested: Decimal, realized: Decimal, unrealized: Decimal) -> Decimal | None:
    """Multiple on invested capital: (realized + unrealized) / invested."""
    return ratio(realized + unrealized, invested)


def tvpi(*, paid_in: Decimal, distributed: Decimal, residual: Decimal) -> Decimal | None:
    """Total value to paid-in: (distributions + residual value) / paid-in."""
    return ratio(distributed + residual, paid_in)


def dpi(*, paid_in: Decimal, distributed: Decimal) -> Decimal | None:
    """Distributions to paid-in."""
    return ratio(distributed, paid_in)


def rvpi(*, paid_in: Decimal, residual: Decimal) -> Decimal | None:
    """Residual value to paid-in."""
    return ratio(residual, paid_in)


def irr(flows: Iterable[CashFlow]) -> Decimal | None:
    """Annualized internal rate of return (XIRR, actual/365) of dated cash flows.

    None when undefined: no flows, no money out or no money back, or no solution.
    """
    flows = [flow for flow in flows if flow.amount]
    if not any(f.amount < 0 for f in flows) or not any(f.amount > 0 for f in flows):
        return None
    try:
        value = pyxirr.xirr([f.on for f in flows], [float(f.amount) for f in flows])
    except (pyxirr.InvalidPaymentsError, ValueError):
        return None
    if value is None or not math.isfinite(value):
        return None
    return Decimal(str(value)).quantize(RATIO_PLACES, ROUND_HALF_UP)


def fund_cash_flows(
    *,
    disbursements: Iterable[tuple[dt.date, Decimal]],
    distributions: Iterable[tuple[dt.date, Decimal]],
    residual: Decimal,
    as_of: dt.date,
) -> list[CashFlow]:
    """The fund's flows for IRR: payments out, cash back, and the residual value at ``as_of``."""
    flows = [CashFlow(on, -amount) for on, amount in disbursements if on <= as_of]
    flows += [CashFlow(on, amount) for on, amount in distributions if on <= as_of]
    if residual:
        flows.append(CashFlow(as_of, residual))
    return sorted(flows, key=lambda flow: flow.on)


@dataclass(frozen=True)
class FundFigures:
    """A fund's headline numbers as of a date."""

    size: Decimal
    committed: Decimal
    disbursed: Decimal
    realized: Decimal
    unrealized: Decimal
    irr: Decimal | None = None

    @property
    def available(self) -> Decimal:
        return available(size=self.size, committed=self.committed)

    @property
    def undisbursed(self) -> Decimal:
        return self.committed - self.disbursed

    @property
    def moic(self) -> Decimal | None:
        return moic(invested=self.disbursed, realized=self.realized, unrealized=self.unrealized)

    # The gross figures (domain.md, "Money and numbers"): the portfolio's, on the cash the
    # fund paid into companies and got back from them, before fees and carry. The LP (net)
    # TVPI/DPI/RVPI are another layer; the names below keep the two apart.

    @property
    def gross_moic(self) -> Decimal | None:
        """Gross multiple: (realized + unrealized) / disbursed."""
        return self.moic

    @property
    def gross_dpi(self) -> Decimal | None:
        """Gross realized multiple: realized / disbursed."""
        return dpi(paid_in=self.disbursed, distributed=self.realized)

    @property
    def gross_rvpi(self) -> Decimal | None:
        """Gross unrealized multiple: unrealized (fair value) / disbursed."""
        return rvpi(paid_in=self.disbursed, residual=self.unrealized)

    @property
    def gross_irr(self) -> Decimal | None:
        """Gross IRR: XIRR of the fund<->company cash flows with the fair value at the end."""
        return self.irr

    # Deprecated names of the gross figures (the API's old keys, kept for one release): the
    # same figures under their old names, so each is defined once, above.

    @property
    def tvpi(self) -> Decimal | None:
        return self.gross_moic

    @property
    def dpi(self) -> Decimal | None:
        return self.gross_dpi

    @property
    def rvpi(self) -> Decimal | None:
        return self.gross_rvpi
