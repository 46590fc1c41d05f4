"""Money raised by startups: investors, rounds and who took part."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portfolio.models.choices import AmountPrecision, InvestorKind, RoundType
from portfolio.models.common import belongs_to, illustrative
from portfolio.models.pipeline import MONEY, BilingualNameMixin, Startup
from portfolio.models.querysets import PortfolioQuerySet
from portfolio.models.rules import check, non_negative, positive, unique


class Investor(BilingualNameMixin):
    kind = models.CharField(_("kind"), max_length=32, choices=InvestorKind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("investor")
        verbose_name_plural = _("investors")


class FundingRound(models.Model):
    """A startup's round. Chinese announcements often give no exact figure, so the amount
    carries its precision; an undisclosed round has no amount."""

    startup = belongs_to(Startup, _("startup"), "funding_rounds")
    round_type = models.CharField(_("round type"), max_length=16, choices=RoundType.choices)
    closed_on = models.DateField(_("closed on"))
    amount = models.DecimalField(_("amount (yuan)"), null=True, blank=True, **MONEY)
    amount_precision = models.CharField(
        _("amount precision"),
        max_length=16,
        choices=AmountPrecision.choices,
        default=AmountPrecision.EXACT,
    )
    announced_as = models.CharField(
        _("announced as"),
        max_length=100,
        blank=True,
        help_text=_("The figure as announced, e.g. 数千万元 or 近亿元."),
    )
    pre_money_valuation = models.DecimalField(
        _("pre-money valuation (yuan)"), null=True, blank=True, **MONEY
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY", editable=False)
    lead_investor = belongs_to(Investor, _("lead investor"), "led_rounds", null=True, blank=True)
    investors = models.ManyToManyField(
        Investor,
        verbose_name=_("investors"),
        through="Participation",
        related_name="funding_rounds",
    )
    note = models.TextField(_("note / source"), blank=True)
    is_illustrative = illustrative(
        _(
            "Invented demo data, or a round whose date, amount or investors are not all "
            "from a source (the note says which)."
        )
    )

    objects = PortfolioQuerySet.as_manager()

    class Meta:
        ordering = ["-closed_on", "id"]
        verbose_name = _("funding round")
        verbose_name_plural = _("funding rounds")
        constraints = [
            check(
                "round_amount_positive_unless_undisclosed",
                (Q(amount_precision=AmountPrecision.UNDISCLOSED) & Q(amount__isnull=True))
                | (
                    ~Q(amount_precision=AmountPrecision.UNDISCLOSED)
                    & Q(amount__isnull=False, amount__gt=0)
                ),
                message=_(
                    "A round's amount must be positive, or empty when the round is undisclosed."
                ),
            ),
            non_negative(
                "round_valuation_non_negative",
                "pre_money_valuation",
                message=_("A valuation cannot be negative."),
                nullable=True,
            ),
            check(
                "round_currency_cny",
                Q(currency="CNY"),
                message=_("Amounts are recorded in yuan (CNY)."),
            ),
        ]
        indexes = [
            # The rounds' default order (newest first: API list and export, admin changelist)
            # read off the index, no sort of the table; and the close-date filters.
            models.Index(fields=ordering, name="round_list_idx"),
            # Startup detail; the list's total_raised and last_round_on subqueries read this
            # index alone, the amount included (on SQLite a 10-row startups page's query
            # 64 → 55 µs, bar P7).
            models.Index(
                fields=["startup", "closed_on", "amount"], name="round_startup_closed_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.startup} {self.get_round_type_display()} ({self.closed_on})"

    def clean(self) -> None:
        super().clean()
        if self.amount_precision == AmountPrecision.UNDISCLOSED:
            if self.amount is not None:
                raise ValidationError(
                    {"amount": _("Leave the amount empty for an undisclosed round.")}
                )
        elif self.amount is None or self.amount <= 0:
            raise ValidationError(
                {"amount": _("The amount must be positive unless the round is undisclosed.")}
            )


class Participation(models.Model):
    """An investor's part in a round; part of the round, so it goes when the round goes."""

    funding_round = belongs_to(
        FundingRound, _("funding round"), "participations", on_delete=models.CASCADE
    )
    investor = belongs_to(Investor, _("investor"), "participations")
    amount = models.DecimalField(_("amount (yuan)"), null=True, blank=True, **MONEY)

    class Meta:
        ordering = ["funding_round", "id"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            unique(
                "participation_unique_investor",
                "funding_round",
                "investor",
                message=_("This investor is already listed in this round."),
            ),
            positive(
                "participation_amount_positive",
                "amount",
                message=_("A participant's amount must be positive."),
                nullable=True,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.investor} in {self.funding_round}"
