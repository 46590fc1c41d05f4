"""Admin of the fund's investors (LPs): fund managers record commitments, calls, payments,
expenses and distributions through the services; the 让利 rule is a fund term (superusers)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portfolio import models
from portfolio.admin.base import (
    AmountMixin,
    BaseAdmin,
    MoneyAdmin,
    ReadOnlyInline,
    ShownOnlyMixin,
    adopt,
)
from portfolio.admin.fund import NoteOnlyAfterwardsMixin
from portfolio.formatting import money
from portfolio.services import lps


class FundCashFlowAdmin(AmountMixin, NoteOnlyAfterwardsMixin, MoneyAdmin):
    """A cash flow of the fund itself (a call, an expense, a distribution to the LPs): recorded
    by its ``create_service``, filtered and searched by its fund (and note), the fund picked
    by autocomplete; the rows written with it (``inlines``) shown once it exists."""

    list_filter = ("fund",)
    list_select_related = ("fund",)
    search_fields = ("fund__name", "note")
    autocomplete_fields = ("fund",)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()


class OfCallItemAdmin(NoteOnlyAfterwardsMixin, MoneyAdmin):
    """A row about one LP's part of a call (a payment, a default): filtered by the call's
    fund, the part picked by autocomplete."""

    list_filter = ("item__capital_call__fund",)
    list_select_related = ("item__capital_call__fund", "item__limited_partner")
    autocomplete_fields = ("item",)


@admin.register(models.LimitedPartner)
class LimitedPartnerAdmin(NoteOnlyAfterwardsMixin, BaseAdmin):
    create_service = staticmethod(lps.limited_partner_create)
    fields = ("name", "name_en", "kind", "credit_code", "is_illustrative", "note")
    editable_after = ("name", "name_en", "credit_code", "is_illustrative", "note")
    list_display = ("name", "name_en", "kind", "is_illustrative")
    list_filter = ("kind", "is_illustrative")
    search_fields = ("name", "name_en", "credit_code")


@admin.register(models.LpCommitment)
class LpCommitmentAdmin(AmountMixin, NoteOnlyAfterwardsMixin, MoneyAdmin):
    create_service = staticmethod(lps.lp_commitment_create)
    fields = ("fund", "limited_partner", "amount", "committed_on", "pays_fees")
    editable_after = ()
    list_display = ("limited_partner", "fund", "amount_display", "committed_on", "pays_fees")
    list_filter = ("fund", "limited_partner__kind")
    list_select_related = ("fund", "limited_partner")
    search_fields = ("limited_partner__name", "limited_partner__name_en")
    autocomplete_fields = ("fund", "limited_partner")


class CallItemInline(ReadOnlyInline):
    model = models.CapitalCallItem
    fields = ("limited_partner", "amount")


@admin.register(models.CapitalCall)
class CapitalCallAdmin(FundCashFlowAdmin):
    create_service = staticmethod(lps.capital_call_create)
    fields = (
        "fund",
        "call_date",
        "due_date",
        "amount",
        "investments",
        "management_fees",
        "expenses",
        "note",
    )
    list_display = ("fund", "number", "call_date", "due_date", "amount_display")
    date_hierarchy = "call_date"
    inlines = (CallItemInline,)


@admin.register(models.CapitalCallItem)
class CapitalCallItemAdmin(ShownOnlyMixin, AmountMixin, MoneyAdmin):
    """Items are written with their call (pro rata); shown here for search and history."""

    list_display = ("capital_call", "limited_partner", "amount_display")
    list_filter = ("capital_call__fund",)
    list_select_related = ("capital_call__fund", "limited_partner")
    search_fields = ("limited_partner__name", "limited_partner__name_en")
    readonly_fields = ("capital_call", "limited_partner", "amount")


@admin.register(models.CapitalCallPayment)
class CapitalCallPaymentAdmin(AmountMixin, OfCallItemAdmin):
    fields = ("item", "paid_on", "amount")
    editable_after = ()
    list_display = ("item", "paid_on", "amount_display")
    search_fields = ("item__limited_partner__name", "item__limited_partner__name_en")
    date_hierarchy = "paid_on"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        adopt(
            obj,
            lps.capital_call_payment_record(
                capital_call=data["item"].capital_call,
                limited_partner=data["item"].limited_partner,
                paid_on=data["paid_on"],
                amount=data["amount"],
                by=request.user,
            ),
        )


@admin.register(models.CallDefault)
class CallDefaultAdmin(OfCallItemAdmin):
    """A late payer's default, recorded by ``call_default_record`` (after the due date, with
    money still owed); only the note changes afterwards."""

    create_service = staticmethod(lps.call_default_record)
    fields = ("item", "noticed_on", "note")
    list_display = ("item", "noticed_on", "outstanding_display")
    search_fields = ("item__limited_partner__name", "item__limited_partner__name_en", "note")
    date_hierarchy = "noticed_on"

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else (*self.fields, "outstanding")

    @admin.display(description=_("still owed then"), ordering="outstanding")
    def outstanding_display(self, obj):
        return money(obj.outstanding)


@admin.register(models.FundExpense)
class FundExpenseAdmin(FundCashFlowAdmin):
    create_service = staticmethod(lps.fund_expense_record)
    fields = ("fund", "incurred_on", "amount", "category", "note")
    list_display = ("fund", "incurred_on", "category", "amount_display")
    list_filter = ("fund", "category")
    date_hierarchy = "incurred_on"


class AllocationInline(ReadOnlyInline):
    model = models.LpDistributionAllocation
    fields = (
        "limited_partner",
        "return_of_capital",
        "preferred_return",
        "catch_up",
        "split",
        "reallocated",
    )
    show_change_link = False


@admin.register(models.LpDistributionAllocation)
class LpDistributionAllocationAdmin(ShownOnlyMixin, MoneyAdmin):
    """A distribution's notice, tier by tier: written by the waterfall, never by hand."""

    list_display = ("distribution", "limited_partner", "return_of_capital", "split")
    list_filter = ("distribution__fund",)
    list_select_related = ("distribution__fund", "limited_partner")
    readonly_fields = AllocationInline.fields


@admin.register(models.LpDistribution)
class LpDistributionAdmin(FundCashFlowAdmin):
    create_service = staticmethod(lps.lp_distribution_record)
    fields = ("fund", "paid_on", "amount", "note")
    list_display = ("fund", "paid_on", "amount_display")
    date_hierarchy = "paid_on"
    inlines = (AllocationInline,)


class BeneficiaryInline(ReadOnlyInline):
    model = models.ReallocationBeneficiary
    fields = ("limited_partner", "weight")
    show_change_link = False


@admin.register(models.ReallocationRule)
class ReallocationRuleAdmin(ShownOnlyMixin, BaseAdmin):
    """Shown to everyone who may see the fund; set through ``reallocation_rule_set`` (the
    API or a superuser's shell), a term of the fund like its fee and carry."""

    list_display = ("fund", "ceding", "pct", "applies_to_nav")
    list_select_related = ("fund", "ceding")
    search_fields = ("fund__name", "ceding__name")
    readonly_fields = ("fund", "ceding", "pct", "applies_to_nav")
    inlines = (BeneficiaryInline,)


@admin.register(models.ReallocationBeneficiary)
class ReallocationBeneficiaryAdmin(ShownOnlyMixin, BaseAdmin):
    list_display = ("rule", "limited_partner", "weight")
    list_select_related = ("rule__fund", "rule__ceding", "limited_partner")
    readonly_fields = ("rule", "limited_partner", "weight")
