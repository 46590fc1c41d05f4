"""The fund that invests in the incubator's startups, and its cash flows."""

from __future__ import annotations

from decimal import Decimal
from operator import attrgetter

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portfolio.models.choices import (
    ENDING_DISTRIBUTION_KINDS,
    CommitmentStatus,
    DistributionKind,
    FeeBasis,
    HurdleKind,
    LocalBasis,
    LpKind,
    RelocationKind,
    TechArea,
    ValuationMethod,
    Waterfall,
)
from portfolio.models.common import belongs_to, done_by, illustrative
from portfolio.models.funding import FundingRound
from portfolio.models.pipeline import MONEY, YEAR_VALIDATORS, BilingualNameMixin, Startup
from portfolio.models.querysets import CommitmentQuerySet, FundQuerySet, PortfolioQuerySet
from portfolio.models.rules import (
    between,
    check,
    non_negative,
    positive,
    positive_amount,
    unique,
)

PERCENT = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}


#: a relocation credit (返投 multiplier), e.g. 2.00
MULTIPLIER = {
    "max_digits": 4,
    "decimal_places": 2,
    "validators": [MinValueValidator(0), MaxValueValidator(10)],
}


#: the fund's 返投 credit of each kind of relocation (``Fund.relocation_multiplier``)
RELOCATION_MULTIPLIERS = {
    RelocationKind.MOVED: "relocation_moved_multiplier",
    RelocationKind.LOCAL_SUBSIDIARY: "relocation_subsidiary_multiplier",
    RelocationKind.LOCAL_INVESTMENT: "relocation_investment_multiplier",
}


def default_target_areas() -> list[str]:
    return [choice.value for choice in TechArea]


class Fund(BilingualNameMixin):
    """A fund with its government-guidance policy limits (checked as compliance rules)."""

    size = models.DecimalField(_("size (yuan)"), **MONEY)
    vintage_year = models.PositiveSmallIntegerField(_("vintage year"), validators=YEAR_VALIDATORS)
    manager = models.CharField(_("manager"), max_length=200, blank=True)
    investment_period_end = models.DateField(_("investment period ends"), null=True, blank=True)
    max_single_company_pct = models.DecimalField(
        _("max share in one company (%)"), default=20, **PERCENT
    )
    min_target_sector_pct = models.DecimalField(
        _("min share in the target sector (%)"), default=0, **PERCENT
    )
    target_tech_areas = models.JSONField(
        _("target technology fields"), default=default_target_areas, blank=True
    )
    min_local_pct = models.DecimalField(
        _("min share in local firms (%)"),
        default=0,
        help_text=_("返投比例: the share that must go to firms registered in the local region."),
        **PERCENT,
    )
    local_region = models.CharField(
        _("local region"),
        max_length=100,
        blank=True,
        help_text=_(
            "A startup counts as local when its registration starts with this, e.g. 北京市."
        ),
    )
    # LP terms (fund-accounting.md): what the management fee, the waterfall and the carry
    # follow. Superusers set them; see the fund's admin.
    management_fee_pct = models.DecimalField(_("management fee (% a year)"), default=2, **PERCENT)
    fee_basis = models.CharField(
        _("fee basis"), max_length=16, choices=FeeBasis.choices, default=FeeBasis.PAID_IN
    )
    hurdle_pct = models.DecimalField(_("hurdle (% a year)"), default=8, **PERCENT)
    hurdle_kind = models.CharField(
        _("hurdle kind"), max_length=16, choices=HurdleKind.choices, default=HurdleKind.COMPOUND
    )
    catch_up_pct = models.DecimalField(_("GP catch-up (%)"), default=100, **PERCENT)
    carry_pct = models.DecimalField(_("carried interest (%)"), default=20, **PERCENT)
    waterfall = models.CharField(
        _("waterfall"), max_length=16, choices=Waterfall.choices, default=Waterfall.EUROPEAN
    )
    # The policy pack's settings (fund-accounting.md §3; docs/fund.md, "Policy pack"):
    # superusers set them, like the terms (specs.FUND_POLICY_PACK).
    local_basis = models.CharField(
        _("返投 basis"),
        max_length=16,
        choices=LocalBasis.choices,
        default=LocalBasis.COMMITTED,
        help_text=_("The 返投 ratio divides local investment by these LPs' 认缴 or 实缴."),
    )
    local_denominator_kind = models.CharField(
        _("返投 denominator (LP kind)"),
        max_length=32,
        choices=LpKind.choices,
        default=LpKind.GOVERNMENT_GUIDANCE,
    )
    stake_cap_pct = models.DecimalField(
        _("max stake in one investee (%)"),
        default=30,
        help_text=_("The fund's ownership of any one company may not exceed this."),
        **PERCENT,
    )
    relocation_moved_multiplier = models.DecimalField(
        _("返投 credit: moved to the region (×)"), default=2, **MULTIPLIER
    )
    relocation_subsidiary_multiplier = models.DecimalField(
        _("返投 credit: local subsidiary or acquisition (×)"), default=Decimal("1.80"), **MULTIPLIER
    )
    relocation_investment_multiplier = models.DecimalField(
        _("返投 credit: invested in a local firm (×)"), default=Decimal("1.50"), **MULTIPLIER
    )
    is_illustrative = illustrative(
        _("Some of the fund's terms are invented demo settings, not from a source.")
    )
    illustrative_note = models.TextField(
        _("which terms are illustrative"),
        blank=True,
        help_text=_("Shown on the fund page, e.g. the vintage, investment period and limits."),
    )

    objects = FundQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        # The size, policy limits and terms (specs.FUND_TERMS) are the very limits a fund
        # manager's commitments are checked against: changing them needs this permission,
        # which no role holds (superusers have every permission). services.fund_update.
        permissions = [
            ("change_fund_terms", _("Can change a fund's size, policy limits and terms")),
        ]
        constraints = [
            positive("fund_size_positive", "size", message=_("A fund's size must be positive.")),
            check(
                "fund_limits_are_percentages",
                Q(
                    **between(
                        0, 100, "max_single_company_pct", "min_target_sector_pct", "min_local_pct"
                    )
                ),
                message=_("Policy limits are percentages between 0 and 100."),
            ),
            check(
                "fund_lp_terms_in_range",
                Q(
                    **between(0, 100, "management_fee_pct", "hurdle_pct"),
                    carry_pct__gte=0,
                    carry_pct__lt=100,
                    catch_up_pct__lte=100,
                )
                & (Q(catch_up_pct=0) | Q(catch_up_pct__gt=F("carry_pct"))),
                message=_(
                    "Fee, hurdle and carry are percentages; a catch-up is 0 or above the carry."
                ),
            ),
            check(
                "fund_policy_pack_in_range",
                Q(
                    **between(0, 100, "stake_cap_pct"),
                    **between(0, 10, *RELOCATION_MULTIPLIERS.values()),
                ),
                message=_(
                    "The stake cap is a percentage; relocation credits are between 0 and 10."
                ),
            ),
        ]

    def relocation_multiplier(self, kind: str) -> Decimal:
        """The 返投 credit of a relocation of ``kind`` (``RelocationKind``)."""
        return getattr(self, RELOCATION_MULTIPLIERS[kind])


class Commitment(models.Model):
    """The fund's approved investment in a startup: a decision, not yet cash."""

    fund = belongs_to(Fund, _("fund"), "commitments")
    startup = belongs_to(Startup, _("startup"), "commitments")
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    approved_on = models.DateField(_("approved on"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.APPROVED,
    )
    note = models.TextField(_("note"), blank=True)
    registered_region = models.CharField(
        _("startup registered in (at commitment)"),
        max_length=100,
        blank=True,
        editable=False,
        help_text=_(
            "Where the startup was registered when the fund committed: the local share "
            "(返投比例) counts the commitment by this, not by where the company is now."
        ),
    )
    is_illustrative = illustrative(
        _("An invented demo investment: its payments, marks and proceeds are illustrative too.")
    )
    # 返投 relocation credit (fund-accounting.md §3): a company from outside the local region
    # that moved in, or set up or invested in a local firm, after the fund committed.
    relocation_kind = models.CharField(
        _("relocation"), max_length=32, choices=RelocationKind.choices, blank=True
    )
    relocated_on = models.DateField(_("relocated on"), null=True, blank=True)
    created_by = done_by(_("created by"), "commitments")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["fund", "approved_on", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            positive_amount("commitment", _("A commitment must be a positive amount.")),
            check(
                "commitment_relocation_dated",
                Q(relocation_kind="", relocated_on__isnull=True)
                | (~Q(relocation_kind="") & Q(relocated_on__isnull=False)),
                message=_("A relocation has both a kind and a date."),
            ),
        ]
        indexes = [
            # The capacity check sums live commitments of one fund.
            models.Index(fields=["fund", "status"], name="commitment_fund_status_idx"),
            # Fund reports and holdings sum a fund's commitments per company.
            models.Index(fields=["fund", "startup", "status"], name="commitment_holding_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.fund} → {self.startup} ({self.amount})"


class CashRow(models.Model):
    """A sum of yuan paid, or due, on a day: a commitment's tranches and disbursements, a
    holding's distributions, the fund's expenses and its distributions to the LPs. Each row
    names its parent, its day and its rule on the amount (``rules.positive_amount``; a
    write-off may be 0). ``__str__`` reads "whose amount (day)": whose by the path ``WHOSE``,
    the day by the field ``DAY`` (by default the fund and ``paid_on``)."""

    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    note = models.TextField(_("note"), blank=True)

    objects = PortfolioQuerySet.as_manager()

    WHOSE = "fund"
    DAY = "paid_on"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{attrgetter(self.WHOSE)(self)} {self.amount} ({getattr(self, self.DAY)})"


class Tranche(CashRow):
    """A planned part of a commitment, paid by disbursements once its milestone (if any) is
    verified. The tranches of a commitment never add up to more than the commitment
    (``services.tranche_create``, under the fund's lock)."""

    commitment = belongs_to(Commitment, _("commitment"), "tranches")
    milestone = belongs_to(
        "portfolio.Milestone",
        _("milestone condition"),
        "tranches",
        null=True,
        blank=True,
        help_text=_("Paid only once this milestone of the same startup is verified."),
    )
    due_by = models.DateField(_("due by"))

    WHOSE = "commitment.startup"
    DAY = "due_by"

    class Meta:
        ordering = ["commitment", "due_by", "id"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [
            positive_amount("tranche", _("A tranche must be a positive amount.")),
        ]


class Disbursement(CashRow):
    """Cash actually paid against a commitment, usually into a funding round."""

    commitment = belongs_to(Commitment, _("commitment"), "disbursements")
    funding_round = belongs_to(
        FundingRound, _("funding round"), "disbursements", null=True, blank=True
    )
    tranche = belongs_to(Tranche, _("tranche"), "disbursements", null=True, blank=True)
    paid_on = models.DateField(_("paid on"))
    ownership_pct = models.DecimalField(
        _("stake bought (%)"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "The share of the company this payment bought, after the round. Empty: derived "
            "from the round, amount / (pre-money valuation + round amount)."
        ),
    )

    WHOSE = "commitment.startup"

    class Meta:
        ordering = ["commitment", "paid_on", "id"]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        constraints = [
            positive_amount("disbursement", _("A disbursement must be a positive amount.")),
            check(
                "disbursement_ownership_pct_range",
                Q(ownership_pct__isnull=True) | Q(ownership_pct__gt=0, ownership_pct__lte=100),
                message=_("A stake is more than 0 and at most 100 %."),
            ),
        ]


class ValuationMark(models.Model):
    """The fair value of the fund's holding in a startup at a date."""

    fund = belongs_to(Fund, _("fund"), "valuation_marks")
    startup = belongs_to(Startup, _("startup"), "valuation_marks")
    as_of = models.DateField(_("as of"))
    fair_value = models.DecimalField(_("fair value (yuan)"), **MONEY)
    method = models.CharField(
        _("valuation method"),
        max_length=16,
        choices=ValuationMethod.choices,
        # marks recorded before the method was kept say "other" (migration 0013)
        default=ValuationMethod.OTHER,
    )
    note = models.TextField(_("note"), blank=True)

    objects = PortfolioQuerySet.as_manager()

    class Meta:
        ordering = ["fund", "startup", "as_of"]
        get_latest_by = "as_of"
        verbose_name = _("valuation mark")
        verbose_name_plural = _("valuation marks")
        constraints = [
            unique(
                "valuation_one_per_day",
                "fund",
                "startup",
                "as_of",
                message=_("This holding already has a mark on this date."),
            ),
            non_negative(
                "valuation_non_negative",
                "fair_value",
                message=_("A fair value cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.startup} {self.fair_value} ({self.as_of})"


class Distribution(CashRow):
    """Cash returned to the fund by a holding (exit proceeds, dividends)."""

    fund = belongs_to(Fund, _("fund"), "distributions")
    startup = belongs_to(Startup, _("startup"), "distributions")
    paid_on = models.DateField(_("paid on"))
    kind = models.CharField(
        _("kind"), max_length=16, choices=DistributionKind.choices, default=DistributionKind.EXIT
    )

    WHOSE = "startup"

    class Meta:
        ordering = ["fund", "paid_on", "id"]
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        indexes = [
            # Fund reports sum a fund's distributions per company up to a date.
            models.Index(fields=["fund", "startup", "paid_on"], name="distribution_holding_idx"),
        ]
        constraints = [
            check(
                "distribution_amount_positive",
                Q(amount__gt=0) | Q(kind=DistributionKind.WRITE_OFF, amount=0),
                message=_("A distribution must be a positive amount (a write-off may be 0)."),
            ),
            # An exit or a write-off ends the holding: once (services.distribution_record).
            unique(
                "distribution_one_end_per_holding",
                "fund",
                "startup",
                message=_("This holding has already ended (exit or write-off)."),
                condition=Q(kind__in=ENDING_DISTRIBUTION_KINDS),
            ),
        ]
