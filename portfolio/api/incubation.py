"""Incubation agreements in the API (issue 16, ``api-contract.md`` "Incubator operations and
statistics"; ``docs/operations.md``, "Incubation agreements, eligibility and graduation").

Every role reads; founders read their own startup's agreement. Incubator staff record and
change agreements through ``services.incubation_agreement_create`` / ``_update``: the rule in
force on ``starts_on`` and the ``incubation_deadline`` it gives are computed, never sent.
The startup's eligibility and its graduation live on ``/startups/{id}/`` (the detail's
``eligibility``, ``POST /startups/{id}/graduate/``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from portfolio import models, selectors, services
from portfolio.api.filters import IdFilter, StrictFilterSet
from portfolio.api.inputs import ServiceInput
from portfolio.api.operations import TEXT
from portfolio.api.schema import documented
from portfolio.api.serializers import IdField
from portfolio.api.views import ApiViewSet, CreateMixin, PartialUpdateMixin


class IncubationAgreementSerializer(serializers.ModelSerializer):
    startup_name = serializers.CharField(source="startup.name", read_only=True)
    rule = serializers.CharField(source="rule.policy_code", read_only=True)
    rule_effective_from = serializers.DateField(source="rule.effective_from", read_only=True)
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)

    class Meta:
        model = models.IncubationAgreement
        fields = [
            "id",
            "startup",
            "startup_name",
            "signed_on",
            "starts_on",
            "ends_on",
            "rule",
            "rule_effective_from",
            "incubation_deadline",
            "note",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class IncubationAgreementCreateSerializer(ServiceInput):
    """Input of ``POST /incubation-agreements/`` (``services.incubation_agreement_create``)."""

    startup = IdField(queryset=models.Startup.objects.all())
    signed_on = serializers.DateField()
    starts_on = serializers.DateField(
        help_text=_("The incubation deadline counts from this day, under the rule then in force.")
    )
    ends_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(**TEXT)

    def create(self, validated_data):
        return services.incubation_agreement_create(
            by=self.context["request"].user, **validated_data
        )


class IncubationAgreementUpdateSerializer(ServiceInput):
    """Input of ``PATCH /incubation-agreements/{id}/``: the dates and the note (the startup
    stays)."""

    signed_on = serializers.DateField(required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(**TEXT)

    def update(self, instance, validated_data):
        return services.incubation_agreement_update(
            agreement=instance, by=self.context["request"].user, **validated_data
        )


class IncubationAgreementFilterSet(StrictFilterSet):
    startup = IdFilter(field_name="startup_id")
    starts_after = filters.DateFilter(field_name="starts_on", lookup_expr="gte")
    starts_before = filters.DateFilter(field_name="starts_on", lookup_expr="lte")
    deadline_after = filters.DateFilter(
        field_name="incubation_deadline",
        lookup_expr="gte",
        help_text=_("Agreements whose incubation deadline is on or after."),
    )
    deadline_before = filters.DateFilter(
        field_name="incubation_deadline",
        lookup_expr="lte",
        help_text=_("Agreements whose incubation deadline is on or before."),
    )


@documented(
    list=_("Incubation agreements with their incubation deadline"),
    create=_("Record an incubation agreement (incubator staff)"),
    create_description=_(
        "The deadline is starts_on plus the incubation period of the rule in force on "
        "starts_on (the longer period when the startup's technology field is listed in the "
        "rule). 400 naming `startup` when it already has one, `starts_on` when no rule is in "
        "force, `ends_on` before `starts_on`, `signed_on` in the future."
    ),
    partial_update=extend_schema(
        summary=_("Change an agreement's dates or note (incubator staff)"),
        request=IncubationAgreementUpdateSerializer,
        responses={200: IncubationAgreementSerializer},
    ),
)
class IncubationAgreementViewSet(CreateMixin, PartialUpdateMixin, ApiViewSet):
    """Incubatees' incubation agreements (孵化协议) and the deadline the rule table gives."""

    queryset = selectors.incubation_agreement_list()
    serializer_class = IncubationAgreementSerializer
    write_serializer_class = IncubationAgreementCreateSerializer
    filterset_class = IncubationAgreementFilterSet
    search_fields = ["startup__name", "startup__name_en", "note"]
    ordering_fields = ["id", "starts_on", "signed_on", "incubation_deadline", "startup__name"]
    ordering = ["incubation_deadline", "id"]
    resource = "incubation-agreements"
    founder_scope = "startup"

    def get_serializer_class(self):
        if self.action == "partial_update":
            return IncubationAgreementUpdateSerializer
        return super().get_serializer_class()
