"""Survival figures of stays (``survival.md``): the Kaplan-Meier curve, its median and
quartiles, from ``(days, ended)`` stays. Pure: no Django, no database.

A stay that has not ended by the report date is *censored*: it counts as at risk up to its
length and never as an event, so the startups stuck longest are kept in instead of dropping
out (the median of completed stays alone comes out low).

"S falls to 0.5" is decided exactly (two stays, one ended: S = 1/2, reached): S is carried
as a float, and whenever it comes within ``NEAR`` of a level the product so far is taken
again in exact fractions (a product of thousands of fractions kept exact all along grows
numbers of thousands of digits: 1 s for the benchmark's valley). Figures leave as
``Decimal`` to four places.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

PLACES = Decimal("0.0001")
NEAR = 1e-9  # a float this close to a level is decided in exact fractions
LEVELS = {"p25": Fraction(3, 4), "median": Fraction(1, 2), "p75": Fraction(1, 4)}


@dataclass(frozen=True)
class CurvePoint:
    """``survival``: the share still in after ``day`` days (S(t), four places); ``at_risk``
    and ``events`` at that day."""

    day: int
    at_risk: int
    events: int
    survival: Decimal


@dataclass(frozen=True)
class Survival:
    """What the reports show of a set of stays."""

    stays: int
    events: int
    censored: int
    longest: int | None  # the longest stay (days), for "more than N days"
    median: int | None  # the smallest event time with S <= 0.5; None when not reached
    p25: int | None  # S <= 0.75: a quarter had left by then
    p75: int | None  # S <= 0.25
    curve: tuple[CurvePoint, ...]


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(PLACES, rounding=ROUND_HALF_UP)


def _reached(survival: float, level: Fraction, factors: list[tuple[int, int]]) -> bool:
    """Whether S has fallen to ``level`` or below: by the float when it is clearly on one
    side, else by the exact product of ``factors`` ((n - d, n) each)."""
    if abs(survival - float(level)) > NEAR:
        return survival < float(level)
    exact = Fraction(1)
    for kept, at_risk in factors:
        exact *= Fraction(kept, at_risk)
    return exact <= level


def kaplan_meier_counts(counts: Mapping[tuple[int, bool], int]) -> Survival:
    """The survival figures of stays given as ``{(days, ended): how many}``.

    For the distinct event times ``t1 < t2 < ...``: ``n_i`` = stays of length ``>= t_i`` (a
    stay censored at exactly ``t_i`` is still at risk then), ``d_i`` = events at ``t_i``,
    ``S(t) = product over t_i <= t of (1 - d_i / n_i)``. A quantile is the smallest event
    time at which ``S`` falls to its level or below, ``None`` when it never does."""
    lengths: Counter[int] = Counter()
    events: Counter[int] = Counter()
    for (days, ended), n in counts.items():
        if n <= 0:
            continue
        days = int(days)
        if days < 0:
            raise ValueError(f"a stay cannot last {days} days")
        lengths[days] += n
        if ended:
            events[days] += n
    total = sum(lengths.values())
    at_risk = total
    survival = 1.0
    factors: list[tuple[int, int]] = []
    curve: list[CurvePoint] = []
    quantiles: dict[str, int | None] = dict.fromkeys(LEVELS)
    for day in sorted(lengths):
        ended_here = events.get(day, 0)
        if ended_here:
            survival *= (at_risk - ended_here) / at_risk
            factors.append((at_risk - ended_here, at_risk))
            curve.append(CurvePoint(day, at_risk, ended_here, _decimal(survival)))
            for name, level in LEVELS.items():
                if quantiles[name] is None and _reached(survival, level, factors):
                    quantiles[name] = day
        at_risk -= lengths[day]
    event_count = sum(events.values())
    return Survival(
        stays=total,
        events=event_count,
        censored=total - event_count,
        longest=max(lengths) if lengths else None,
        median=quantiles["median"],
        p25=quantiles["p25"],
        p75=quantiles["p75"],
        curve=tuple(curve),
    )


def kaplan_meier(stays: Iterable[tuple[int, bool]]) -> Survival:
    """The survival figures of ``(days, ended)`` stays (see ``kaplan_meier_counts``)."""
    return kaplan_meier_counts(Counter((int(days), bool(ended)) for days, ended in stays))
