"""Chainable reads: ``Stage.objects.pipeline().valley()``."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import DateField, DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from portfolio.models.choices import CommitmentStatus, Population

MONEY = DecimalField(max_digits=18, decimal_places=2)  # a sum of yuan amounts
ZERO = Decimal("0.00")


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

    def total(self, field: str = "amount") -> Decimal:
        """The sum of ``field`` (yuan) over these rows, 0.00 when there are none (one query)."""
        return self.aggregate(total=Sum(field))["total"] or ZERO

    def total_per(self, fk: str, field: str = "amount"):
        """The same sum for each outer row that ``fk`` points to, as an annotation: a
        correlated subquery (no join, so the outer rows are not multiplied), 0.00 for none."""
        per_row = (
            self.filter(**{fk: OuterRef("pk")})
            .order_by()
            .values(fk)
            .annotate(total=Sum(field))
            .values("total")
        )
        return Coalesce(Subquery(per_row, output_field=MONEY), Value(ZERO), output_field=MONEY)


class StageQuerySet(PortfolioQuerySet):
    def pipeline(self) -> StageQuerySet:
        """The ordinary stages, without the terminal outcomes."""
        return self.filter(outcome="")

    def valley(self) -> StageQuerySet:
        return self.filter(in_valley=True)


class StartupQuerySet(PortfolioQuerySet):
    def incubatees(self) -> StartupQuerySet:
        """Admitted startups: the incubator's own figures are about them."""
        return self.filter(admitted_on__isnull=False)

    def tracked(self) -> StartupQuerySet:
        """Real companies followed but never admitted."""
        return self.filter(admitted_on__isnull=True)

    def in_population(self, population: str) -> StartupQuerySet:
        """``Population.INCUBATOR``, ``TRACKED`` or ``ALL`` (every startup)."""
        if population == Population.INCUBATOR:
            return self.incubatees()
        if population == Population.TRACKED:
            return self.tracked()
        return self.all()

    def in_valley(self) -> StartupQuerySet:
        return self.filter(stage__in_valley=True)

    def crossed_valley(self) -> StartupQuerySet:
        return self.filter(crossed_valley_on__isnull=False)

    def with_funding_totals(self) -> StartupQuerySet:
        """Annotate ``total_raised`` (disclosed amounts, yuan) and ``last_round_on``.

        Subqueries rather than joins, so the row count is not multiplied by rounds.
        """
        from portfolio.models import FundingRound

        last = FundingRound.objects.filter(startup=OuterRef("pk")).order_by("-closed_on")
        return self.annotate(
            total_raised=FundingRound.objects.total_per("startup"),
            last_round_on=Subquery(last.values("closed_on")[:1]),
        )


# --- the fund's figures: each defined once, here ---------------------------------------------
# ``selectors.fund_report`` repeats "committed" and "disbursed" in SQL text for the report's
# speed (bar P5); tests/test_reports.py pins that copy to these definitions.


class CommitmentQuerySet(PortfolioQuerySet):
    def live(self, as_of=None) -> CommitmentQuerySet:
        """The commitments that make up the fund's *committed* capital: approved (not
        cancelled), and approved by ``as_of`` when a date is given."""
        live = self.filter(status=CommitmentStatus.APPROVED)
        return live if as_of is None else live.filter(approved_on__lte=as_of)


class FundQuerySet(PortfolioQuerySet):
    def with_capital(self) -> FundQuerySet:
        """Annotate ``committed`` (the sum of live commitments) and ``disbursed`` (cash paid
        against them), one subquery each; ``metrics.available`` gives what is left."""
        from portfolio.models import Commitment, Disbursement

        return self.annotate(
            committed=Commitment.objects.live().total_per("fund"),
            disbursed=Disbursement.objects.total_per("commitment__fund"),
        )
