"""The technology-transfer ledger in the API (issue 16, ``api-contract.md`` "Incubator
operations and statistics": ``/api/v1/tech-transfers/``).

Every role reads; founders read their own startup's transfers. Incubator staff add and
change them through ``services.tech_transfer_create`` / ``_update``, which write the nested
``ip_items`` all or nothing: a malformed CN application number (format, type digit or check
digit, ``incubator-ops.md`` §4) is a 400 under ``ip_items`` naming the item.
"""

from __future__ import annotations

from operator import itemgetter

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from portfolio import models, selectors, services
from portfolio.api.filters import IdFilter, StrictFilterSet, date_range
from portfolio.api.inputs import ServiceInput
from portfolio.api.schema import documented
from portfolio.api.serializers import (
    MONEY,
    TEXT,
    BriefInstitutionSerializer,
    CurrencyField,
    IdField,
    ReadRow,
    money,
)
from portfolio.api.views import (
    ApiViewSet,
    CreateMixin,
    ExportReportView,
    PartialUpdateMixin,
)
from portfolio.models.transfers import Empowerment, IpKind, TransferMode

PERCENT = {"max_digits": 5, "decimal_places": 2, "min_value": 0, "max_value": 100}


class IpItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.TechTransferIpItem
        fields = ["kind", "application_number", "title"]


class TechTransferSerializer(ReadRow):
    startup_name = serializers.CharField(source="startup.name", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    ip_items = IpItemSerializer(many=True, read_only=True)
    currency = CurrencyField()

    class Meta:
        model = models.TechTransfer
        fields = [
            "id",
            "startup",
            "startup_name",
            "institution",
            "institution_name",
            "team",
            "title",
            "mode",
            "contract_on",
            "consideration",
            "currency",
            "equity_to_institution_pct",
            "equity_to_researchers_pct",
            "empowerment",
            "co_ownership_pct",
            "use_right_years",
            "ip_items",
            "note",
            "is_illustrative",
        ]


class IpItemInputSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text=_("invention | utility_model | design | software | other")
    )
    application_number = serializers.CharField(
        required=False, allow_blank=True, help_text=_("CN application number, e.g. 201810123456.5")
    )
    title = serializers.CharField(required=False, allow_blank=True)


class TechTransferCreateSerializer(ServiceInput):
    """Input of ``POST /tech-transfers/`` (``services.tech_transfer_create``); an unknown key
    is a 400 naming it."""

    create_service = services.tech_transfer_create
    startup = IdField(queryset=models.Startup.objects.all())
    institution = IdField(queryset=models.Institution.objects.all())
    team = serializers.CharField(required=False, allow_blank=True, max_length=500)
    title = serializers.CharField(max_length=300)
    mode = serializers.ChoiceField(choices=TransferMode.choices)
    contract_on = serializers.DateField()
    consideration = serializers.DecimalField(required=False, **MONEY)
    equity_to_institution_pct = serializers.DecimalField(required=False, **PERCENT)
    equity_to_researchers_pct = serializers.DecimalField(required=False, **PERCENT)
    empowerment = serializers.ChoiceField(choices=Empowerment.choices, required=False)
    co_ownership_pct = serializers.DecimalField(required=False, allow_null=True, **PERCENT)
    use_right_years = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=99
    )
    # The items' own checks (kind, application number) are the service's, named by item.
    ip_items = serializers.ListField(
        child=serializers.JSONField(),
        required=False,
        max_length=200,
        help_text=_(
            'A list of {"kind", "application_number", "title"}; on PATCH it replaces the '
            "transfer's items."
        ),
    )
    note = serializers.CharField(**TEXT)
    is_illustrative = serializers.BooleanField(required=False)


class TechTransferUpdateSerializer(TechTransferCreateSerializer):
    """Input of ``PATCH /tech-transfers/{id}/`` (``services.tech_transfer_update``)."""

    update_service = services.tech_transfer_update
    instance_arg = "transfer"


class TechTransferFilterSet(StrictFilterSet):
    startup = IdFilter(field_name="startup_id")
    institution = IdFilter(field_name="institution_id")
    mode = filters.ChoiceFilter(choices=TransferMode.choices)
    contract_after, contract_before = date_range(
        "contract_on", _("Contracts on or after this day."), _("Contracts on or before this day.")
    )
    ip_kind = filters.ChoiceFilter(
        field_name="ip_items__kind",
        choices=IpKind.choices,
        distinct=True,
        help_text=_("Transfers covering an IP item of this kind."),
    )


@documented(
    list=_("The technology-transfer ledger (成果转化台账)"),
    create=_("Record a technology transfer with its IP items (incubator staff)"),
    create_description=_(
        "400 under `ip_items` naming the item when an application number is malformed "
        "(format, type digit or check digit), `equity_to_researchers_pct` when the equity "
        "shares add up to more than 100%. A refusal writes nothing."
    ),
    partial_update=_("Change a technology transfer (incubator staff)"),
)
class TechTransferViewSet(CreateMixin, PartialUpdateMixin, ApiViewSet):
    """Research results passing from institutions to startups: mode, consideration, equity
    to the institution and the researchers, 赋权, and the IP items covered."""

    queryset = selectors.tech_transfer_list()
    serializer_class = TechTransferSerializer
    filterset_class = TechTransferFilterSet
    search_fields = ["title", "team", "startup__name", "institution__name", "note"]
    ordering_fields = ["id", "contract_on", "consideration", "mode", "startup__name"]
    ordering = ["-contract_on", "-id"]
    resource = "tech-transfers"
    founder_scope = "startup"
    create_serializer_class = TechTransferCreateSerializer
    update_serializer_class = TechTransferUpdateSerializer


# --- the per-institution funnel ---------------------------------------------------------------


class FunnelQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class FunnelModesSerializer(serializers.Serializer):
    """Contracts by mode (cumulative to the year's end)."""

    def get_fields(self):
        # a count per ``TransferMode``, in its order (the selector's ``by_mode``)
        return {mode: serializers.IntegerField() for mode in TransferMode.values}


class FunnelRowSerializer(serializers.Serializer):
    institution = BriefInstitutionSerializer()
    contracts = serializers.IntegerField(help_text=_("Contracts dated up to 31 December."))
    contracts_in_year = serializers.IntegerField(help_text=_("Contracts dated in the year."))
    by_mode = FunnelModesSerializer()
    patents = serializers.IntegerField(help_text=_("Patents (by application number) covered."))
    invention_patents = serializers.IntegerField()
    spin_offs = serializers.IntegerField(
        help_text=_(
            "Startups of the institution that received a licence or a valuation-for-equity "
            "contract from it."
        )
    )
    admitted = serializers.IntegerField(help_text=_("Spin-offs admitted by the year's end."))
    crossed_valley = serializers.IntegerField(
        help_text=_("Admitted spin-offs that crossed the valley by the year's end.")
    )
    graduated = serializers.IntegerField(
        help_text=_("Admitted spin-offs that graduated by the year's end.")
    )
    revenue = money(help_text=_("The spin-offs' revenue in the year (yuan)."))
    jobs = serializers.IntegerField(
        help_text=_("The spin-offs' last reported headcount of the year, summed.")
    )
    reporting = serializers.IntegerField(
        help_text=_("Spin-offs with a KPI report in the year (the others add nothing).")
    )
    financing = money(
        help_text=_("The spin-offs' rounds closed in the year, exact and approximate (yuan)."),
    )
    undisclosed_rounds = serializers.IntegerField(
        help_text=_("Rounds closed in the year without a disclosed amount (not in financing).")
    )


class FunnelSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    institutions = FunnelRowSerializer(many=True)


class TransferFunnelView(ExportReportView):
    """The technology-transfer funnel per source institution (``selectors.transfer_funnel``;
    definitions in ``docs/operations.md``). Closed to founders: it sums every startup's
    figures. ``?format=csv|xlsx``: one row per institution."""

    def permission_model(self):
        return models.TechTransfer

    @extend_schema(
        summary=_("Technology-transfer funnel per institution"),
        description=_(
            "Per source institution, up to 31 December of `year`: transfer contracts (and "
            "by mode), the patents they cover, spin-offs, how many were admitted, crossed the "
            "valley and graduated, and the spin-offs' revenue, jobs and financing in the year. "
            "400 naming `year` when it is missing or outside 2000-2100."
        ),
        parameters=[FunnelQuerySerializer],
        responses={200: FunnelSerializer},
    )
    def get(self, request):
        year = self.query(FunnelQuerySerializer)["year"]
        rows = selectors.transfer_funnel(year)
        return self.answer(
            FunnelSerializer({"year": year, "institutions": rows}).data,
            FunnelRowSerializer,
            itemgetter("institutions"),
            resource=f"transfer-funnel-{year}",
        )
