"""Survival figures of stays (``survival.md``): the Kaplan-Meier curve, its median and
quartiles, from ``(days, ended)`` stays. Pure: no Django, no database.

A stay that has not ended by the report date is *censored*: it counts as at risk up to its
length and never as an event, so the startups stuck longest are kept in instead of dropping
out (the median of completed stays alone comes out low).

The survival products are exact fractions, so "S falls to 0.5" is decided without rounding
(two stays, one ended: S = 1/2 exactly); figures leave as ``Decimal`` to four places.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

PLACES = Decimal("0.0001")


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


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        PLACES, rounding=ROUND_HALF_UP
    )


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
    survival = Fraction(1)
    curve: list[CurvePoint] = []
    quantiles: dict[Fraction, int | None] = {
        Fraction(3, 4): None,
        Fraction(1, 2): None,
        Fraction(1, 4): None,
    }
    for day in sorted(lengths):
        ended_here = events.get(day, 0)
        if ended_here:
            survival *= 1 - Fraction(ended_here, at_risk)
            curve.append(CurvePoint(day, at_risk, ended_here, _decimal(survival)))
            for level, reached in quantiles.items():
                if reached is None and survival <= level:
                    quantiles[level] = day
        at_risk -= lengths[day]
    event_count = sum(events.values())
    return Survival(
        stays=total,
        events=event_count,
        censored=total - event_count,
        longest=max(lengths) if lengths else None,
        median=quantiles[Fraction(1, 2)],
        p25=quantiles[Fraction(3, 4)],
        p75=quantiles[Fraction(1, 4)],
        curve=tuple(curve),
    )


def kaplan_meier(stays: Iterable[tuple[int, bool]]) -> Survival:
    """The survival figures of ``(days, ended)`` stays (see ``kaplan_meier_counts``)."""
    return kaplan_meier_counts(Counter((int(days), bool(ended)) for days, ended in stays))
