"""Serializers and filters of the fund's investors (LPs) in the API (``api-contract.md``,
"The fund's investors"): rows, write inputs (each ``create`` calls its service), and the
LP report's and capital accounts' shapes."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portfolio import fund_accounting as fa
from portfolio import models
from portfolio.api.filters import IdFilter, StrictFilterSet, date_range
from portfolio.api.serializers import (
    BriefFundSerializer,
    FundReportSerializer,
    FundRow,
    FundRowInput,
    IdField,
    ReadRow,
    WrittenBy,
    brief,
    money,
    note_field,
    ratio,
)
from portfolio.models.choices import ExpenseCategory, LpKind
from portfolio.selectors import lp_report as lp_selectors
from portfolio.services import lps as services

BriefLimitedPartnerSerializer = brief(models.LimitedPartner)


# --- serializers --------------------------------------------------------------------------


class LimitedPartnerSerializer(ReadRow):
    class Meta:
        model = models.LimitedPartner
        fields = ["id", "name", "name_en", "kind", "credit_code", "is_illustrative", "note"]


class LimitedPartnerCreateSerializer(WrittenBy, serializers.Serializer):
    name = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=LpKind.choices)
    credit_code = serializers.CharField(
        max_length=18, required=False, allow_blank=True, allow_null=True, default=None
    )
    is_illustrative = serializers.BooleanField(required=False, default=False)
    note = note_field()

    service = services.limited_partner_create


class LpCommitmentSerializer(FundRow):
    limited_partner = BriefLimitedPartnerSerializer(read_only=True)

    class Meta:
        model = models.LpCommitment
        fields = [
            "id",
            "fund",
            "limited_partner",
            "amount",
            "currency",
            "committed_on",
            "pays_fees",
        ]


class LpCommitmentCreateSerializer(FundRowInput):
    limited_partner = IdField(queryset=models.LimitedPartner.objects.all())
    amount = money(min_value=0)
    committed_on = serializers.DateField()
    pays_fees = serializers.BooleanField(required=False, allow_null=True, default=None)

    service = services.lp_commitment_create


class CallItemSerializer(serializers.Serializer):
    limited_partner = BriefLimitedPartnerSerializer()
    amount = money()
    paid = money()
    paid_on = serializers.DateField(allow_null=True)
    overdue = serializers.SerializerMethodField(
        help_text=_("Past the call's due date with part of the amount still unpaid.")
    )

    def get_overdue(self, item) -> bool:
        return item.paid < item.amount and item.capital_call.due_date < timezone.localdate()


class CapitalCallSerializer(FundRow):
    items = CallItemSerializer(many=True, read_only=True)

    class Meta:
        model = models.CapitalCall
        fields = [
            "id",
            "fund",
            "number",
            "call_date",
            "due_date",
            "amount",
            "currency",
            "investments",
            "management_fees",
            "expenses",
            "note",
            "items",
        ]


class CapitalCallCreateSerializer(FundRowInput):
    call_date = serializers.DateField()
    due_date = serializers.DateField()
    amount = money(min_value=0)
    investments = money(min_value=0, required=False, allow_null=True, default=None)
    management_fees = money(min_value=0, required=False, default=0)
    expenses = money(min_value=0, required=False, default=0)
    note = note_field()

    service = services.capital_call_create


class PaymentSerializer(serializers.Serializer):
    limited_partner = IdField(queryset=models.LimitedPartner.objects.all())
    paid_on = serializers.DateField()
    amount = money(min_value=0)


class FundExpenseSerializer(FundRow):
    class Meta:
        model = models.FundExpense
        fields = ["id", "fund", "incurred_on", "amount", "currency", "category", "note"]


class FundExpenseCreateSerializer(FundRowInput):
    incurred_on = serializers.DateField()
    amount = money(min_value=0)
    category = serializers.ChoiceField(choices=ExpenseCategory.choices)
    note = note_field()

    service = services.fund_expense_record


class TiersSerializer(serializers.Serializer):
    party = serializers.ChoiceField(choices=["lp", "gp"])
    limited_partner = BriefLimitedPartnerSerializer(allow_null=True)
    return_of_capital = money()
    preferred_return = money()
    catch_up = money()
    split = money()
    reallocated = money(help_text=_("让利: received (+) or ceded (-) under the fund's rule."))
    total = money()


class LpDistributionSerializer(FundRow):
    allocations = serializers.SerializerMethodField()

    class Meta:
        model = models.LpDistribution
        fields = ["id", "fund", "paid_on", "amount", "currency", "note", "allocations"]

    @extend_schema_field(TiersSerializer(many=True))
    def get_allocations(self, obj) -> list[dict]:
        """The notice's rows (prefetched): each LP, then the GP."""
        return allocation_rows(obj.allocations.all())


class LpDistributionCreateSerializer(FundRowInput):
    paid_on = serializers.DateField()
    amount = money(min_value=0)
    note = note_field()

    service = services.lp_distribution_record


def allocation_rows(allocations) -> list[dict]:
    rows = []
    for allocation in allocations:
        lp = allocation.limited_partner
        rows.append(
            {
                "party": "gp" if lp is None else "lp",
                "limited_partner": None if lp is None else {"id": lp.pk, "name": lp.name},
                **{tier: getattr(allocation, tier) for tier in (*fa.TIERS, "reallocated")},
                "total": allocation.total,
            }
        )
    return TiersSerializer(rows, many=True).data


class FeeLineSerializer(serializers.Serializer):
    quarter_end = serializers.DateField()
    days = serializers.IntegerField()
    base = money()
    amount = money()
    allocations = serializers.SerializerMethodField()

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "limited_partner": {
                        "type": "object",
                        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                    },
                    "amount": {"type": "string", "format": "decimal"},
                },
            },
        }
    )
    def get_allocations(self, line) -> list[dict]:
        names = self.context["names"]
        return [
            {
                "limited_partner": {"id": key, "name": names[key].name},
                "amount": f"{amount:.2f}",
            }
            for key, amount in line.allocations.items()
        ]


class FeeQuerySerializer(serializers.Serializer):
    fund = IdField(queryset=models.Fund.objects.all())
    through = serializers.DateField(required=False, help_text=_("Last date; default today."))


class LpFiguresSerializer(serializers.Serializer):
    limited_partner = BriefLimitedPartnerSerializer(allow_null=True)
    committed = money(source="figures.committed")
    paid_in = money(source="figures.paid_in")
    unfunded = money(source="figures.unfunded")
    distributed = money(source="figures.distributed")
    nav = money(source="figures.nav")
    tvpi = ratio(source="figures.tvpi")
    dpi = ratio(source="figures.dpi")
    rvpi = ratio(source="figures.rvpi")
    irr = ratio()


class LpReportSerializer(serializers.Serializer):
    fund = BriefFundSerializer()
    as_of = serializers.DateField()
    lps = LpFiguresSerializer(many=True)
    net = LpFiguresSerializer()
    gp = serializers.SerializerMethodField()
    gross = FundReportSerializer(help_text=_("The fund's own figures as of the same date."))

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "carried_interest_paid": {"type": "string", "format": "decimal"},
                "carried_interest_accrued": {"type": "string", "format": "decimal"},
            },
        }
    )
    def get_gp(self, report) -> dict:
        return {
            "carried_interest_paid": f"{report.carried_interest_paid:.2f}",
            "carried_interest_accrued": f"{report.carried_interest_accrued:.2f}",
        }


def statement_lines_schema():
    return {
        "type": "object",
        "properties": {
            line: {"type": "string", "format": "decimal"} for line in lp_selectors.STATEMENT_LINES
        },
    }


class CapitalAccountSerializer(serializers.Serializer):
    limited_partner = BriefLimitedPartnerSerializer(allow_null=True, required=False)
    period = serializers.SerializerMethodField()
    since_inception = serializers.SerializerMethodField()

    @extend_schema_field(statement_lines_schema())
    def get_period(self, account) -> dict:
        return {line: f"{value:.2f}" for line, value in account.period.items()}

    @extend_schema_field(statement_lines_schema())
    def get_since_inception(self, account) -> dict:
        return {line: f"{value:.2f}" for line, value in account.since_inception.items()}


class CapitalAccountsQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text=_("First day; default 1 January."))
    end = serializers.DateField(required=False, help_text=_("Last day; default today."))

    def validate(self, attrs):
        end = attrs.get("end") or timezone.localdate()  # today in Asia/Shanghai
        start = attrs.get("start") or dt.date(end.year, 1, 1)
        if start > end:
            raise serializers.ValidationError({"start": [_("The start is after the end.")]})
        return {"start": start, "end": end}


class AsOfSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text=_("Report date; default today."))


# --- filters ----------------------------------------------------------------------------------


class LimitedPartnerFilterSet(StrictFilterSet):
    kind = filters.ChoiceFilter(choices=LpKind.choices)


class LpCommitmentFilterSet(StrictFilterSet):
    fund = IdFilter(field_name="fund_id")
    limited_partner = IdFilter(field_name="limited_partner_id")


class CapitalCallFilterSet(StrictFilterSet):
    fund = IdFilter(field_name="fund_id")
    after, before = date_range("call_date")


class FundFilter(StrictFilterSet):
    fund = IdFilter(field_name="fund_id")
