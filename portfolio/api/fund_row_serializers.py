"""Serializers and filters of the fund's money rows toward companies in the API
(``api-contract.md``, "The fund's investors"): disbursements, valuation marks and company
distributions. Rows, write inputs (each ``create`` calls its service in
``services.fund``, the admin's too) and one FilterSet per model."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import serializers

from portfolio import models, selectors, services
from portfolio.api.filters import IdFilter, StrictFilterSet, date_range
from portfolio.api.serializers import (
    BriefFundSerializer,
    BriefStartupSerializer,
    CurrencyField,
    FundRow,
    FundRowInput,
    IdField,
    ReadRow,
    money,
    note_field,
)
from portfolio.models.choices import (
    ENDING_DISTRIBUTION_KINDS,
    DistributionKind,
    ValuationMethod,
)

#: an optional input: absent or null is None
OPTIONAL = {"required": False, "allow_null": True, "default": None}


def renamed(error: DjangoValidationError, names: dict[str, str]) -> DjangoValidationError:
    """A service's refusal with its field names as the API calls them (``funding_round`` is
    ``round`` here)."""
    if not hasattr(error, "error_dict"):
        return error
    return DjangoValidationError(
        {names.get(field, field): errors for field, errors in error.error_dict.items()}
    )


# --- disbursements ------------------------------------------------------------------------


class DisbursementSerializer(ReadRow):
    commitment = serializers.IntegerField(source="commitment_id", read_only=True)
    fund = BriefFundSerializer(source="commitment.fund", read_only=True)
    startup = BriefStartupSerializer(source="commitment.startup", read_only=True)
    round = serializers.IntegerField(
        source="funding_round_id",
        read_only=True,
        allow_null=True,
        help_text=_("The funding round the payment went into (id), if any."),
    )
    tranche = serializers.IntegerField(
        source="tranche_id",
        read_only=True,
        allow_null=True,
        help_text=_("The tranche this payment paid (id), if any."),
    )
    currency = CurrencyField()

    class Meta:
        model = models.Disbursement
        fields = [
            "id",
            "commitment",
            "fund",
            "startup",
            "paid_on",
            "amount",
            "currency",
            "round",
            "tranche",
            "ownership_pct",
            "note",
        ]


class DisbursementCreateSerializer(serializers.Serializer):
    """Input of ``POST /disbursements/``, checked by ``services.disbursement_record``."""

    commitment = IdField(queryset=models.Commitment.objects.all())
    paid_on = serializers.DateField()
    amount = money(min_value=0)
    round = IdField(
        queryset=models.FundingRound.objects.all(),
        **OPTIONAL,
        help_text=_("A funding round of the commitment's startup (id)."),
    )
    tranche = IdField(
        queryset=models.Tranche.objects.all(),
        **OPTIONAL,
        help_text=_(
            "A tranche of the same commitment (id); paid only once its milestone is verified, "
            "never more than it has left."
        ),
    )
    ownership_pct = serializers.DecimalField(
        max_digits=7,
        decimal_places=4,
        min_value=0,
        max_value=100,
        **OPTIONAL,
        help_text=_(
            "The share of the company this payment bought, after the round (%); empty: "
            "derived from the round's post-money by the policy pack."
        ),
    )
    note = note_field()

    def create(self, validated_data):
        funding_round = validated_data.pop("round", None)
        try:
            return services.disbursement_record(
                by=self.context["request"].user, funding_round=funding_round, **validated_data
            )
        except DjangoValidationError as error:
            raise renamed(error, {"funding_round": "round"}) from None


class DisbursementFilterSet(StrictFilterSet):
    fund = IdFilter(field_name="commitment__fund_id")
    startup = IdFilter(field_name="commitment__startup_id")
    commitment = IdFilter(field_name="commitment_id")
    round = IdFilter(field_name="funding_round_id")
    after, before = date_range("paid_on")


# --- valuation marks ----------------------------------------------------------------------


class ValuationMarkSerializer(FundRow):
    startup = BriefStartupSerializer(read_only=True)

    class Meta:
        model = models.ValuationMark
        fields = ["id", "fund", "startup", "as_of", "fair_value", "currency", "method", "note"]


class ValuationMarkCreateSerializer(FundRowInput):
    """Input of ``POST /valuation-marks/``, checked by ``services.valuation_mark``."""

    startup = IdField(queryset=models.Startup.objects.all())
    as_of = serializers.DateField()
    fair_value = money(min_value=0)
    method = serializers.ChoiceField(choices=ValuationMethod.choices)
    note = note_field()

    service = services.valuation_mark


class HoldingRowFilterSet(StrictFilterSet):
    """The filters of a row of one holding (a fund's stake in a startup)."""

    fund = IdFilter(field_name="fund_id")
    startup = IdFilter(field_name="startup_id")


class ValuationMarkFilterSet(HoldingRowFilterSet):
    method = filters.ChoiceFilter(choices=ValuationMethod.choices)
    after, before = date_range("as_of")


# --- distributions from companies ---------------------------------------------------------


class DistributionSerializer(FundRow):
    startup = BriefStartupSerializer(read_only=True)
    ends_holding = serializers.SerializerMethodField(
        help_text=_("An exit or a write-off: the holding is worth 0 from this date.")
    )

    class Meta:
        model = models.Distribution
        fields = [
            "id",
            "fund",
            "startup",
            "paid_on",
            "amount",
            "currency",
            "kind",
            "ends_holding",
            "note",
        ]

    def get_ends_holding(self, distribution) -> bool:
        return distribution.kind in ENDING_DISTRIBUTION_KINDS


class DistributionCreateSerializer(FundRowInput):
    """Input of ``POST /distributions/``, checked by ``services.distribution_record``."""

    startup = IdField(queryset=models.Startup.objects.all())
    paid_on = serializers.DateField()
    amount = money(min_value=0, help_text=_("Positive; a write-off may be 0."))
    kind = serializers.ChoiceField(choices=DistributionKind.choices)
    note = note_field()

    service = services.distribution_record


class DistributionFilterSet(HoldingRowFilterSet):
    kind = filters.ChoiceFilter(choices=DistributionKind.choices)
    after, before = date_range("paid_on")


class TrancheMilestoneSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    verified_on = serializers.DateField(read_only=True, allow_null=True)


class TrancheSerializer(serializers.ModelSerializer):
    """A tranche read through ``selectors.tranche_list`` (``paid`` annotated)."""

    commitment = serializers.IntegerField(source="commitment_id", read_only=True)
    milestone = TrancheMilestoneSerializer(read_only=True, allow_null=True)
    paid = money(
        read_only=True,
        help_text=_("What its disbursements have paid (yuan)."),
    )
    status = serializers.SerializerMethodField(
        help_text=_(
            "paid; blocked (its milestone is not verified); overdue (past due_by, not paid "
            "in full, not blocked); ready."
        )
    )

    class Meta:
        model = models.Tranche
        fields = ["id", "commitment", "amount", "milestone", "due_by", "paid", "status", "note"]

    def get_status(self, tranche) -> str:
        return selectors.tranche_status(tranche)


class TrancheCreateSerializer(serializers.Serializer):
    """Input of ``POST /commitments/{id}/tranches/``, checked by ``services.tranche_create``."""

    amount = money(min_value=0)
    milestone = IdField(
        queryset=models.Milestone.objects.all(),
        **OPTIONAL,
        help_text=_("A milestone of the commitment's startup (id): paid once it is verified."),
    )
    due_by = serializers.DateField()
    note = note_field()
