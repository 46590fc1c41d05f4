"""The fund's own investors (LPs): commitments (认缴), capital calls and their payments
(实缴), fund expenses and distributions to the LPs. The figures that follow from them
(management fees, the waterfall, NAV, capital accounts) are computed, never stored:
``portfolio.fund_accounting`` from these rows (``fund-accounting.md``)."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portfolio.models.choices import ExpenseCategory, LpKind
from portfolio.models.common import belongs_to, credit_code_field, illustrative
from portfolio.models.fund import PERCENT, CashRow, Fund
from portfolio.models.pipeline import MONEY, BilingualNameMixin
from portfolio.models.querysets import PortfolioQuerySet
from portfolio.models.rules import (
    check,
    credit_code_format,
    ends_after,
    non_negative,
    positive,
    positive_amount,
    unique,
)


class LimitedPartner(BilingualNameMixin):
    """An investor in the fund (出资人): a government guidance fund, a state platform, social
    capital, or the GP's own commitment line."""

    kind = models.CharField(_("kind"), max_length=32, choices=LpKind.choices)
    credit_code = credit_code_field()
    is_illustrative = illustrative(_("Invented for the demo: not a real investor of the fund."))
    note = models.TextField(_("note"), blank=True)

    objects = PortfolioQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("limited partner")
        verbose_name_plural = _("limited partners")
        constraints = [
            credit_code_format("lp_credit_code_format"),
        ]


class LpCommitment(models.Model):
    """What one LP has committed to the fund (认缴)."""

    fund = belongs_to(Fund, _("fund"), "lp_commitments")
    limited_partner = belongs_to(LimitedPartner, _("limited partner"), "commitments")
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    committed_on = models.DateField(_("committed on"))
    pays_fees = models.BooleanField(
        _("pays the management fee"),
        default=True,
        help_text=_("Off for the GP's own commitment, which is usually exempt."),
    )

    objects = PortfolioQuerySet.as_manager()

    class Meta:
        ordering = ["fund", "committed_on", "id"]
        verbose_name = _("LP commitment")
        verbose_name_plural = _("LP commitments")
        constraints = [
            positive_amount("lp_commitment", _("A commitment must be a positive amount.")),
            unique(
                "lp_commitment_one_per_fund",
                "fund",
                "limited_partner",
                message=_("This LP already has a commitment to this fund."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.limited_partner} → {self.fund} ({self.amount})"


class CapitalCall(models.Model):
    """A call on the LPs' unfunded commitments (缴款通知), split pro rata by largest
    remainder into one item per LP; ``investments + management_fees + expenses`` is its
    amount."""

    fund = belongs_to(Fund, _("fund"), "capital_calls")
    number = models.PositiveIntegerField(_("number"), validators=[MinValueValidator(1)])
    call_date = models.DateField(_("call date"))
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    investments = models.DecimalField(_("for investments (yuan)"), default=0, **MONEY)
    management_fees = models.DecimalField(_("for management fees (yuan)"), default=0, **MONEY)
    expenses = models.DecimalField(_("for fund expenses (yuan)"), default=0, **MONEY)
    note = models.TextField(_("note"), blank=True)

    objects = PortfolioQuerySet.as_manager()

    class Meta:
        ordering = ["fund", "number"]
        verbose_name = _("capital call")
        verbose_name_plural = _("capital calls")
        constraints = [
            positive_amount("capital_call", _("A capital call must be a positive amount.")),
            non_negative(
                "capital_call_purposes_non_negative",
                "investments",
                "management_fees",
                "expenses",
                message=_("A call's purposes cannot be negative."),
            ),
            check(
                "capital_call_purposes_add_up",
                Q(amount=F("investments") + F("management_fees") + F("expenses")),
                message=_("Investments, management fees and expenses must add up to the call."),
            ),
            ends_after(
                "capital_call_due_after_call",
                "due_date",
                "call_date",
                message=_("A call cannot be due before it is made."),
                open_ended=False,
            ),
            unique(
                "capital_call_number_per_fund",
                "fund",
                "number",
                message=_("This fund already has a call with this number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund} #{self.number} ({self.call_date})"


class CapitalCallItem(models.Model):
    """One LP's part of a call: what it owes; its payments are what it has paid in (实缴)."""

    capital_call = belongs_to(CapitalCall, _("capital call"), "items")
    limited_partner = belongs_to(LimitedPartner, _("limited partner"), "call_items")
    amount = models.DecimalField(_("amount due (yuan)"), **MONEY)

    objects = PortfolioQuerySet.as_manager()

    class Meta:
        ordering = ["capital_call", "limited_partner__name"]
        verbose_name = _("capital call item")
        verbose_name_plural = _("capital call items")
        constraints = [
            non_negative(
                "call_item_amount_non_negative",
                "amount",
                message=_("An LP's part of a call cannot be negative."),
            ),
            unique(
                "call_item_one_per_lp",
                "capital_call",
                "limited_partner",
                message=_("This LP already has a part in this call."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.capital_call} {self.limited_partner} ({self.amount})"


class CapitalCallPayment(models.Model):
    """Money an LP paid against its part of a call; it counts from ``paid_on``."""

    item = belongs_to(CapitalCallItem, _("capital call item"), "payments")
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)

    objects = PortfolioQuerySet.as_manager()

    class Meta:
        ordering = ["item", "paid_on", "id"]
        verbose_name = _("capital call payment")
        verbose_name_plural = _("capital call payments")
        constraints = [
            positive_amount("call_payment", _("A payment must be a positive amount.")),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.amount} ({self.paid_on})"


class CallDefault(models.Model):
    """A late payer's default on its part of a call (违约), as the fund manager recorded it:
    when it was noticed and what was still owed then. Only the event is recorded; remedies
    (default interest, forfeiture, a forced transfer) follow the partnership agreement and
    are out of scope."""

    item = belongs_to(CapitalCallItem, _("capital call item"), "default", one=True)
    noticed_on = models.DateField(_("recorded as in default on"))
    outstanding = models.DecimalField(_("still owed then (yuan)"), **MONEY)
    note = models.TextField(_("note"), blank=True)

    objects = PortfolioQuerySet.as_manager()

    class Meta:
        ordering = ["item", "noticed_on"]
        verbose_name = _("payment default")
        verbose_name_plural = _("payment defaults")
        constraints = [
            positive(
                "call_default_outstanding_positive",
                "outstanding",
                message=_("A default is recorded only while money is owed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.noticed_on})"


class FundExpense(CashRow):
    """A partnership expense (合伙企业费用): audit, legal, custody, valuation, formation."""

    fund = belongs_to(Fund, _("fund"), "expenses")
    incurred_on = models.DateField(_("incurred on"))
    category = models.CharField(_("category"), max_length=16, choices=ExpenseCategory.choices)

    class Meta:
        ordering = ["fund", "incurred_on", "id"]
        verbose_name = _("fund expense")
        verbose_name_plural = _("fund expenses")
        constraints = [
            positive_amount("fund_expense", _("An expense must be a positive amount.")),
        ]

    def __str__(self) -> str:
        return f"{self.fund} {self.get_category_display()} {self.amount} ({self.incurred_on})"


class LpDistribution(CashRow):
    """Cash the fund paid out to its partners; the waterfall splits it tier by tier between
    the LPs and the GP (computed from the fund's terms, never typed in)."""

    fund = belongs_to(Fund, _("fund"), "lp_distributions")
    paid_on = models.DateField(_("paid on"))

    class Meta:
        ordering = ["fund", "paid_on", "id"]
        verbose_name = _("LP distribution")
        verbose_name_plural = _("LP distributions")
        constraints = [
            positive_amount("lp_distribution", _("A distribution must be a positive amount.")),
        ]


class ReallocationRule(models.Model):
    """让利: a (government) LP cedes a share of its tier-4 (split) return to other LPs, in
    cash on every distribution and, optionally, in the hypothetical liquidation behind its
    NAV (``fund-accounting.md`` §1). At most one rule a fund."""

    fund = belongs_to(Fund, _("fund"), "reallocation_rule", one=True)
    ceding = belongs_to(LimitedPartner, _("ceding LP"), "ceded_rules")
    pct = models.DecimalField(_("share of its split ceded (%)"), **PERCENT)
    applies_to_nav = models.BooleanField(_("also in the NAV"), default=True)
    beneficiaries = models.ManyToManyField(
        LimitedPartner,
        through="ReallocationBeneficiary",
        related_name="benefiting_rules",
        verbose_name=_("beneficiaries"),
    )

    class Meta:
        ordering = ["fund"]
        verbose_name = _("让利 rule")
        verbose_name_plural = _("让利 rules")
        constraints = [
            check(
                "reallocation_pct_range",
                Q(pct__gt=0, pct__lte=100),
                message=_("The ceded share is a percentage above 0."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund}: {self.ceding} {self.pct}%"


class ReallocationBeneficiary(models.Model):
    rule = belongs_to(ReallocationRule, _("让利 rule"), "shares", on_delete=models.CASCADE)
    limited_partner = belongs_to(LimitedPartner, _("limited partner"), "reallocation_shares")
    weight = models.DecimalField(_("weight"), max_digits=8, decimal_places=4, default=1)

    class Meta:
        ordering = ["rule", "id"]
        verbose_name = _("让利 beneficiary")
        verbose_name_plural = _("让利 beneficiaries")
        constraints = [
            positive(
                "reallocation_weight_positive",
                "weight",
                message=_("A beneficiary's weight must be positive."),
            ),
            unique(
                "reallocation_beneficiary_once",
                "rule",
                "limited_partner",
                message=_("This LP is already a beneficiary of the rule."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} → {self.limited_partner} ({self.weight})"


class LpDistributionAllocation(models.Model):
    """One partner's share of a distribution, tier by tier, as the waterfall gave it when the
    distribution was made (the distribution notice; reports recompute the same figures from
    the fund's events, and a test pins the two together). ``limited_partner`` is empty for
    the GP's row."""

    distribution = belongs_to(LpDistribution, _("LP distribution"), "allocations")
    limited_partner = belongs_to(
        LimitedPartner, _("limited partner"), "distribution_allocations", null=True, blank=True
    )
    return_of_capital = models.DecimalField(_("return of capital"), **MONEY)
    preferred_return = models.DecimalField(_("preferred return"), **MONEY)
    catch_up = models.DecimalField(_("GP catch-up"), **MONEY)
    split = models.DecimalField(_("carried-interest split"), **MONEY)
    reallocated = models.DecimalField(_("让利 reallocation"), default=0, **MONEY)

    objects = PortfolioQuerySet.as_manager()

    class Meta:
        ordering = ["distribution", "id"]
        verbose_name = _("distribution allocation")
        verbose_name_plural = _("distribution allocations")
        constraints = [
            check(
                "lp_allocation_tiers_non_negative",
                Q(return_of_capital__gte=0, preferred_return__gte=0)
                & Q(catch_up__gte=0, split__gte=0),
                message=_("A waterfall tier cannot be negative."),
            ),
            unique(
                "lp_allocation_once_per_partner",
                "distribution",
                "limited_partner",
                message=_("This partner already has a share of the distribution."),
            ),
            unique(
                "lp_allocation_one_gp_row",
                "distribution",
                message=_("The GP already has a share of the distribution."),
                condition=Q(limited_partner__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.distribution} {self.limited_partner or 'GP'}"

    @property
    def total(self):
        from portfolio.fund_accounting import share_total

        return share_total(self)
