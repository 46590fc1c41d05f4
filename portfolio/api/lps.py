"""Viewsets of the fund's investors (LPs): limited partners, their commitments, capital calls
and payments, fund expenses, and distributions with their waterfall (``api-contract.md``,
"The fund's investors"). Reads are plain querysets, the waterfall comes from
``selectors.lp_report``; writes go through ``services.lps``."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status

from portfolio import models
from portfolio.api.lp_serializers import (
    CapitalCallCreateSerializer,
    CapitalCallFilterSet,
    CapitalCallSerializer,
    FundExpenseCreateSerializer,
    FundExpenseSerializer,
    FundFilter,
    LimitedPartnerCreateSerializer,
    LimitedPartnerFilterSet,
    LimitedPartnerSerializer,
    LpCommitmentCreateSerializer,
    LpCommitmentFilterSet,
    LpCommitmentSerializer,
    LpDistributionCreateSerializer,
    LpDistributionSerializer,
    PaymentSerializer,
)
from portfolio.api.schema import documented
from portfolio.api.views import ApiViewSet, CreateMixin, FundRowsViewSet, post_action
from portfolio.selectors import lp_report as lp_selectors
from portfolio.services import lps as services

# --- views ----------------------------------------------------------------------------------


@documented(
    list=_("The fund's investors (LPs)"),
    create=_("Add a limited partner (fund managers)"),
)
class LimitedPartnerViewSet(CreateMixin, ApiViewSet):
    queryset = models.LimitedPartner.objects.all()
    serializer_class = LimitedPartnerSerializer
    write_serializer_class = LimitedPartnerCreateSerializer
    filterset_class = LimitedPartnerFilterSet
    search_fields = ["name", "name_en", "credit_code"]
    ordering_fields = ["id", "name", "kind"]
    ordering = ["name"]
    resource = "limited-partners"


@documented(
    list=_("LP commitments (认缴)"),
    create=_("Record an LP's commitment (fund managers)"),
)
class LpCommitmentViewSet(FundRowsViewSet):
    queryset = models.LpCommitment.objects.select_related("fund", "limited_partner")
    serializer_class = LpCommitmentSerializer
    write_serializer_class = LpCommitmentCreateSerializer
    filterset_class = LpCommitmentFilterSet
    search_fields = ["limited_partner__name", "limited_partner__name_en"]
    dated_by = "committed_on"
    resource = "lp-commitments"


@documented(
    list=_("Capital calls with each LP's part and payments"),
    create=_("Call capital from the LPs, pro rata (fund managers)"),
    create_description=_(
        "Split by largest remainder; 400 with `callable` (a decimal string) when the "
        "call is more than the unfunded commitments."
    ),
)
class CapitalCallViewSet(CreateMixin, ApiViewSet):
    queryset = models.CapitalCall.objects.select_related("fund").prefetch_related(
        Prefetch("items", queryset=lp_selectors.call_items())
    )
    serializer_class = CapitalCallSerializer
    write_serializer_class = CapitalCallCreateSerializer
    filterset_class = CapitalCallFilterSet
    search_fields = ["fund__name", "note"]
    ordering_fields = ["id", "call_date", "amount", "number"]
    ordering = ["fund__name", "number"]
    resource = "capital-calls"
    required_perms = {"payments": ["portfolio.add_capitalcallpayment"]}

    @extend_schema(summary=_("Record an LP's payment of its part of a call (fund managers)"))
    @post_action(
        PaymentSerializer,
        CapitalCallSerializer,
        code=status.HTTP_201_CREATED,
        pagination_class=None,
        filter_backends=[],
    )
    def payments(self, request, pk=None):
        return self.write_action(services.capital_call_payment_record, "capital_call")


@documented(
    list=_("Fund expenses (audit, legal, custody, ...)"),
    create=_("Record a fund expense (fund managers)"),
)
class FundExpenseViewSet(FundRowsViewSet):
    queryset = models.FundExpense.objects.select_related("fund")
    serializer_class = FundExpenseSerializer
    write_serializer_class = FundExpenseCreateSerializer
    filterset_class = FundFilter
    search_fields = ["note"]
    dated_by = "incurred_on"
    resource = "fund-expenses"


@documented(
    list=_("Distributions to the partners, tier by tier"),
    create=_("Distribute cash to the partners (fund managers)"),
    create_description=_(
        "Split by the fund's European waterfall; 400 naming `amount` when the fund has "
        "less cash on that date."
    ),
)
class LpDistributionViewSet(FundRowsViewSet):
    queryset = models.LpDistribution.objects.select_related("fund").prefetch_related(
        Prefetch(
            "allocations",
            queryset=models.LpDistributionAllocation.objects.select_related("limited_partner"),
        )
    )
    serializer_class = LpDistributionSerializer
    write_serializer_class = LpDistributionCreateSerializer
    filterset_class = FundFilter
    search_fields = ["note"]
    resource = "lp-distributions"
