"""Founders' quarterly KPIs in the API (issue 15, ``api-contract.md`` "Founders, evidence,
tranches"): requests (staff), submissions (founders: their own startup's; staff) and their
review (staff). Each write calls ``portfolio.services.kpis``; the reads come from
``portfolio.selectors.kpis``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers

from portfolio import models, selectors
from portfolio.api.filters import IdFilter, QuarterFilter, StrictFilterSet, YearFilter
from portfolio.api.schema import documented
from portfolio.api.serializers import IdField, ReadRow, RowSerializer, WrittenBy
from portfolio.api.views import ApiViewSet, CreateMixin, PartialUpdateMixin, post_action
from portfolio.models import specs
from portfolio.models.kpis import SUBMITTED_FIGURES
from portfolio.services import kpis as services

MAX_COUNT = 2_147_483_647


def figure_fields() -> dict[str, serializers.Field]:
    """The submitted figures as write fields (money: yuan, two decimals, not negative)."""
    money = {"max_digits": 16, "decimal_places": 2, "min_value": 0}
    return {
        "revenue": serializers.DecimalField(required=False, **money),
        "rd_spend": serializers.DecimalField(required=False, **money),
        "headcount": serializers.IntegerField(required=False, min_value=0, max_value=MAX_COUNT),
        "patents_filed": serializers.IntegerField(required=False, min_value=0, max_value=MAX_COUNT),
        "patents_granted": serializers.IntegerField(
            required=False, min_value=0, max_value=MAX_COUNT
        ),
        "customers": serializers.IntegerField(required=False, min_value=0, max_value=MAX_COUNT),
        "cash": serializers.DecimalField(required=False, **money),
        "runway_months": serializers.DecimalField(
            required=False, allow_null=True, max_digits=5, decimal_places=1, min_value=0
        ),
        "taxes_paid": serializers.DecimalField(required=False, **money),
        **{
            name: serializers.IntegerField(required=False, min_value=0, max_value=MAX_COUNT)
            for name in (
                "phd_staff",
                "new_graduates_hired",
                "invention_patents_filed",
                "invention_patents_granted",
            )
        },
    }


def split_figures(data: dict) -> tuple[dict, dict]:
    figures = {name: data.pop(name) for name in SUBMITTED_FIGURES if name in data}
    return data, figures


# --- requests ---------------------------------------------------------------------------


class LateStartupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CompletenessSerializer(serializers.Serializer):
    asked = serializers.IntegerField()
    submitted = serializers.IntegerField(help_text=_("Startups asked that have submitted."))
    approved = serializers.IntegerField(help_text=_("Startups asked whose figures were approved."))
    overdue = serializers.BooleanField(
        help_text=_("The due date has passed and a startup asked has submitted nothing.")
    )
    late = LateStartupSerializer(many=True)


class KpiRequestSerializer(ReadRow):
    startups = serializers.SerializerMethodField()
    opened_by = serializers.CharField(source="opened_by.username", default=None, read_only=True)
    completeness = serializers.SerializerMethodField()

    class Meta:
        model = models.KpiRequest
        fields = [
            "id",
            "year",
            "quarter",
            "due_on",
            "startups",
            "opened_by",
            "opened_at",
            "completeness",
        ]

    def get_startups(self, request) -> list[int]:
        return [s.pk for s in request.asked]

    @extend_schema(responses=CompletenessSerializer)
    def get_completeness(self, request) -> dict:
        return CompletenessSerializer(selectors.completeness(request)).data


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "enum": ["all"]},
            {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1},
        ],
        "description": 'A list of startup ids, or "all" (the active incubatees).',
    }
)
class StartupsField(serializers.Field):
    """``"all"`` or a list of startup ids."""

    def to_internal_value(self, data):
        if data == services.ALL:
            return data
        if not isinstance(data, list) or not data or len(data) > 10_000:
            raise serializers.ValidationError(
                _('Give a list of startup ids, or "all" (the active incubatees).')
            )
        if any(
            isinstance(i, bool) or not isinstance(i, int) or not 0 < i <= MAX_COUNT for i in data
        ):
            raise serializers.ValidationError(_("Each startup is given by its id."))
        return data


class KpiRequestCreateSerializer(WrittenBy, serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    due_on = serializers.DateField()
    startups = StartupsField()

    service = services.kpi_request_open


class KpiRequestFilterSet(StrictFilterSet):
    year = YearFilter()
    quarter = QuarterFilter()


@documented(
    list=_("KPI requests, with how complete each is"),
    create=_("Ask startups for a quarter's KPIs (incubator staff)"),
)
class KpiRequestViewSet(CreateMixin, ApiViewSet):
    """Requests to startups for a quarter's KPIs; each row says who has submitted, who was
    approved and who is late."""

    queryset = selectors.kpi_request_list()
    serializer_class = KpiRequestSerializer
    write_serializer_class = KpiRequestCreateSerializer
    filterset_class = KpiRequestFilterSet
    ordering_fields = ["id", "year", "quarter", "due_on"]
    ordering = ["-year", "-quarter"]
    resource = "kpi-requests"
    founder_scope = None  # the completeness names other startups: closed to founders


# --- submissions ------------------------------------------------------------------------


class KpiSubmissionSerializer(RowSerializer):
    """A row of the submissions list (``specs.KPI_SUBMISSION``)."""

    row = specs.KPI_SUBMISSION


class KpiSubmissionCreateSerializer(serializers.Serializer):
    startup = IdField(queryset=models.Startup.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    request = IdField(queryset=models.KpiRequest.objects.all(), required=False, allow_null=True)

    def get_fields(self):
        return {**super().get_fields(), **figure_fields()}

    def create(self, validated_data):
        data, figures = split_figures(dict(validated_data))
        return services.kpi_submission_create(
            figures=figures, by=self.context["request"].user, **data
        )


class KpiSubmissionUpdateSerializer(serializers.Serializer):
    def get_fields(self):
        return figure_fields()

    def update(self, instance, validated_data):
        return services.kpi_submission_update(
            submission=instance, figures=dict(validated_data), by=self.context["request"].user
        )


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[services.APPROVE, services.RETURN])
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class KpiSubmissionFilterSet(StrictFilterSet):
    startup = IdFilter(field_name="startup_id")
    request = IdFilter(field_name="request_id")
    year = YearFilter()
    quarter = QuarterFilter()
    status = filters.ChoiceFilter(choices=models.KpiSubmission.Status.choices)


@documented(
    list=_("Founders' KPI submissions and their review"),
    create=_("Submit a quarter's KPIs (founders: their own startup; incubator staff)"),
    partial_update=_("Correct a returned submission (founders: their own)"),
)
class KpiSubmissionViewSet(CreateMixin, PartialUpdateMixin, ApiViewSet):
    """Founders' submissions of a quarter's figures; staff approve or return them."""

    queryset = selectors.kpi_submission_list()
    serializer_class = KpiSubmissionSerializer
    write_serializer_class = KpiSubmissionCreateSerializer
    update_serializer_class = KpiSubmissionUpdateSerializer
    filterset_class = KpiSubmissionFilterSet
    search_fields = ["startup__name", "startup__name_en"]
    ordering_fields = ["id", "year", "quarter", "submitted_at", "status", "startup__name"]
    ordering = ["-year", "-quarter", "startup__name", "-submitted_at"]
    resource = "kpi-submissions"
    row_spec = specs.KPI_SUBMISSION
    founder_scope = "startup"
    required_perms = {"review": ["portfolio.review_kpisubmission"]}

    @extend_schema(summary=_("Approve or return a submission (incubator staff)"))
    @post_action(
        ReviewSerializer, KpiSubmissionSerializer, pagination_class=None, filter_backends=[]
    )
    def review(self, request, pk=None):
        return self.write_action(services.kpi_submission_review, "submission")
