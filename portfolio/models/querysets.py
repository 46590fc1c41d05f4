"""Chainable reads: ``Stage.objects.pipeline().valley()``."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import DateField, DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce


class PortfolioQuerySet(models.QuerySet):
    """What every model's queryset shares: a faster ``dates()`` on SQLite."""

    def dates(self, field_name, kind, order="ASC"):
        """Django's ``dates()``, line for line, with ``expressions.DateStart`` in place of
        ``Trunc``: SQLite truncates a date by text instead of calling Python once a row.

        Kept for measured speed: the admin's date hierarchies (the only hook they offer is
        this method) list a changelist's years through it, and the funding-rounds
        changelist on the benchmark set went 206 -> 58 ms (docs/benchmark-notes.md);
        Django's own took 830 ms against 180 for the years of 100k rounds in a re-run.
        ``selectors.cohort_years`` reads its years the same way. ``tests/test_functions.py``
        checks it gives what Django's gives, for every kind and order."""
        if kind not in ("year", "month", "week", "day"):
            raise ValueError("'kind' must be one of 'year', 'month', 'week', or 'day'.")
        if order not in ("ASC", "DESC"):
            raise ValueError("'order' must be either 'ASC' or 'DESC'.")
        from portfolio.models.expressions import DateStart

        return (
            self.annotate(
                datefield=DateStart(field_name, kind, output_field=DateField()),
                plain_field=F(field_name),
            )
            .values_list("datefield", flat=True)
            .distinct()
            .filter(plain_field__isnull=False)
            .order_by(("-" if order == "DESC" else "") + "datefield")
        )


class StageQuerySet(PortfolioQuerySet):
    def pipeline(self) -> StageQuerySet:
        """The ordinary stages, without the terminal outcomes."""
        return self.filter(outcome="")

    def valley(self) -> StageQuerySet:
        return self.filter(in_valley=True)


class StartupQuerySet(PortfolioQuerySet):
    def in_valley(self) -> StartupQuerySet:
        return self.filter(stage__in_valley=True)

    def crossed_valley(self) -> StartupQuerySet:
        return self.filter(crossed_valley_on__isnull=False)

    def with_funding_totals(self) -> StartupQuerySet:
        """Annotate ``total_raised`` (disclosed amounts, yuan) and ``last_round_on``.

        Subqueries rather than joins, so the row count is not multiplied by rounds.
        """
        from portfolio.models import FundingRound

        rounds = FundingRound.objects.filter(startup=OuterRef("pk")).order_by()
        money = DecimalField(max_digits=18, decimal_places=2)
        total = rounds.values("startup").annotate(total=Sum("amount")).values("total")
        last = rounds.order_by("-closed_on").values("closed_on")[:1]
        return self.annotate(
            total_raised=Coalesce(
                Subquery(total, output_field=money), Value(Decimal("0.00")), output_field=money
            ),
            last_round_on=Subquery(last),
        )
