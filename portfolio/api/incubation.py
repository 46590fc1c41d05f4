"""Incubation agreements in the API (issue 16, ``api-contract.md`` "Incubator operations and
statistics"; ``docs/operations.md``, "Incubation agreements, eligibility and graduation").

Every role reads; founders read their own startup's agreement. Incubator staff record and
change agreements through ``services.incubation_agreement_create`` / ``_update``: the rule in
force on ``starts_on`` and the ``incubation_deadline`` it gives are computed, never sent.
The startup's eligibility and its graduation live on ``/startups/{id}/`` (the detail's
``eligibility``, ``POST /startups/{id}/graduate/``).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import serializers

from portfolio import models, selectors, services
from portfolio.api.filters import IdFilter, StrictFilterSet, date_range
from portfolio.api.inputs import ServiceInput
from portfolio.api.schema import documented
from portfolio.api.serializers import MONEY, TEXT, IdField, StartupRecord
from portfolio.api.views import ApiViewSet, CreateMixin, PartialUpdateMixin
from portfolio.models.incubation import (
    ApplicationStatus,
    IntroChannel,
    IntroOutcome,
    PolicyLevel,
    Programme,
)
from portfolio.services.incubation import APPLICATION_EDITABLE


class IncubationAgreementSerializer(StartupRecord):
    rule = serializers.CharField(source="rule.policy_code", read_only=True)
    rule_effective_from = serializers.DateField(source="rule.effective_from", read_only=True)

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


class IncubationAgreementCreateSerializer(ServiceInput):
    """Input of ``POST /incubation-agreements/`` (``services.incubation_agreement_create``)."""

    create_service = services.incubation_agreement_create

    startup = IdField(queryset=models.Startup.objects.all())
    signed_on = serializers.DateField()
    starts_on = serializers.DateField(
        help_text=_("The incubation deadline counts from this day, under the rule then in force.")
    )
    ends_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(**TEXT)


class IncubationAgreementUpdateSerializer(ServiceInput):
    """Input of ``PATCH /incubation-agreements/{id}/``: the dates and the note (the startup
    stays)."""

    update_service = services.incubation_agreement_update
    instance_arg = "agreement"

    signed_on = serializers.DateField(required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(**TEXT)


class IncubationAgreementFilterSet(StrictFilterSet):
    startup = IdFilter(field_name="startup_id")
    starts_after, starts_before = date_range("starts_on")
    deadline_after, deadline_before = date_range(
        "incubation_deadline",
        _("Agreements whose incubation deadline is on or after."),
        _("Agreements whose incubation deadline is on or before."),
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
    partial_update=_("Change an agreement's dates or note (incubator staff)"),
)
class IncubationAgreementViewSet(CreateMixin, PartialUpdateMixin, ApiViewSet):
    """Incubatees' incubation agreements (孵化协议) and the deadline the rule table gives."""

    queryset = selectors.incubation_agreement_list()
    serializer_class = IncubationAgreementSerializer
    write_serializer_class = IncubationAgreementCreateSerializer
    update_serializer_class = IncubationAgreementUpdateSerializer
    filterset_class = IncubationAgreementFilterSet
    search_fields = ["startup__name", "startup__name_en", "note"]
    ordering_fields = ["id", "starts_on", "signed_on", "incubation_deadline", "startup__name"]
    ordering = ["incubation_deadline", "id"]
    resource = "incubation-agreements"
    founder_scope = "startup"


# --- policy applications --------------------------------------------------------------------


class PolicyApplicationSerializer(StartupRecord):
    helped_by = serializers.CharField(source="helped_by.username", default=None, read_only=True)

    class Meta:
        model = models.PolicyApplication
        # what the service edits (``APPLICATION_EDITABLE``), the startup first with its name
        fields = [
            "id",
            "startup",
            "startup_name",
            *(name for name in APPLICATION_EDITABLE if name not in ("startup", "note")),
            "is_illustrative",
            "note",
            "created_by",
            "created_at",
        ]


class PolicyApplicationCreateSerializer(ServiceInput):
    """Input of ``POST /policy-applications/`` (``services.policy_application_create``)."""

    create_service = services.policy_application_create

    startup = IdField(queryset=models.Startup.objects.all())
    programme = serializers.ChoiceField(choices=Programme.choices)
    programme_name = serializers.CharField(**(TEXT | {"max_length": 200}))
    policy_code = serializers.CharField(**(TEXT | {"max_length": 100}))
    level = serializers.ChoiceField(choices=PolicyLevel.choices)
    applied_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Required once the status is not draft.")
    )
    status = serializers.ChoiceField(choices=ApplicationStatus.choices, required=False)
    certificate_number = serializers.CharField(**(TEXT | {"max_length": 100}))
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_to = serializers.DateField(required=False, allow_null=True)
    amount_granted = serializers.DecimalField(
        required=False, help_text=_("Yuan; only on an approved application."), **MONEY
    )
    amount_received = serializers.DecimalField(
        required=False, help_text=_("Yuan; at most the amount granted."), **MONEY
    )
    note = serializers.CharField(**TEXT)


class PolicyApplicationUpdateSerializer(PolicyApplicationCreateSerializer):
    update_service = services.policy_application_update
    instance_arg = "application"


class PolicyApplicationFilterSet(StrictFilterSet):
    startup = IdFilter(field_name="startup_id")
    programme = filters.ChoiceFilter(choices=Programme.choices)
    level = filters.ChoiceFilter(choices=PolicyLevel.choices)
    status = filters.ChoiceFilter(choices=ApplicationStatus.choices)
    applied_after, applied_before = date_range("applied_on")
    valid_on = filters.DateFilter(
        method="filter_valid_on",
        help_text=_("Approved applications whose certificate is valid on this day."),
    )

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(status=ApplicationStatus.APPROVED).filter(
            (Q(valid_from__isnull=True) | Q(valid_from__lte=value))
            & (Q(valid_to__isnull=True) | Q(valid_to__gte=value))
        )


@documented(
    list=_("Startups' applications to programmes (certifications and grants)"),
    create=_("Record a policy application (incubator staff)"),
    create_description=_(
        "400 naming `applied_on` when a submitted, approved or rejected application has no "
        "application day (or one in the future), `amount_granted`, `certificate_number`, "
        "`valid_from` or `valid_to` when set on an application that is not approved, "
        "`valid_to` before `valid_from`, `amount_received` above `amount_granted`. A refusal "
        "writes nothing."
    ),
    partial_update=_("Change a policy application, e.g. its outcome (incubator staff)"),
)
class PolicyApplicationViewSet(CreateMixin, PartialUpdateMixin, ApiViewSet):
    """Applications to 高新技术企业, 专精特新 and other programmes and grants: level,
    status, certificate and validity, amounts granted and received (yuan)."""

    queryset = selectors.policy_application_list()
    serializer_class = PolicyApplicationSerializer
    filterset_class = PolicyApplicationFilterSet
    search_fields = [
        "startup__name",
        "startup__name_en",
        "programme_name",
        "policy_code",
        "certificate_number",
    ]
    ordering_fields = ["id", "applied_on", "valid_to", "amount_granted", "startup__name"]
    ordering = ["-applied_on", "-id"]
    resource = "policy-applications"
    founder_scope = "startup"
    create_serializer_class = PolicyApplicationCreateSerializer
    update_serializer_class = PolicyApplicationUpdateSerializer


# --- financing introductions ----------------------------------------------------------------


class FinancingIntroductionSerializer(StartupRecord):
    investor_name = serializers.CharField(source="investor.name", read_only=True)
    funding_round_closed_on = serializers.DateField(
        source="funding_round.closed_on", default=None, read_only=True
    )

    class Meta:
        model = models.FinancingIntroduction
        fields = [
            "id",
            "startup",
            "startup_name",
            "investor",
            "investor_name",
            "introduced_on",
            "channel",
            "outcome",
            "funding_round",
            "funding_round_closed_on",
            "is_illustrative",
            "note",
            "created_by",
            "created_at",
        ]


class FinancingIntroductionCreateSerializer(ServiceInput):
    """Input of ``POST /financing-introductions/``
    (``services.financing_introduction_create``)."""

    create_service = services.financing_introduction_create

    startup = IdField(queryset=models.Startup.objects.all())
    investor = IdField(queryset=models.Investor.objects.all())
    introduced_on = serializers.DateField()
    channel = serializers.ChoiceField(choices=IntroChannel.choices)
    outcome = serializers.ChoiceField(choices=IntroOutcome.choices, required=False)
    funding_round = IdField(
        queryset=models.FundingRound.objects.all(),
        required=False,
        allow_null=True,
        help_text=_(
            "The round the introduction led to (outcome `invested`): one of the startup's "
            "rounds, closed on or after the introduction, with the investor in it."
        ),
    )
    note = serializers.CharField(**TEXT)


class FinancingIntroductionUpdateSerializer(FinancingIntroductionCreateSerializer):
    update_service = services.financing_introduction_update
    instance_arg = "introduction"


class FinancingIntroductionFilterSet(StrictFilterSet):
    startup = IdFilter(field_name="startup_id")
    investor = IdFilter(field_name="investor_id")
    channel = filters.ChoiceFilter(choices=IntroChannel.choices)
    outcome = filters.ChoiceFilter(choices=IntroOutcome.choices)
    introduced_after, introduced_before = date_range("introduced_on")


@documented(
    list=_("The incubator's introductions of startups to investors"),
    create=_("Record a financing introduction (incubator staff)"),
    create_description=_(
        "400 naming `introduced_on` when it is in the future or the startup was already "
        "introduced to the investor that day, `funding_round` when the outcome is not "
        "`invested`, the round is another startup's, closed before the introduction, or the "
        "investor is not among its investors. A refusal writes nothing."
    ),
    partial_update=_("Change an introduction, e.g. its outcome (incubator staff)"),
)
class FinancingIntroductionViewSet(CreateMixin, PartialUpdateMixin, ApiViewSet):
    """Startups introduced to investors by the incubator: channel, outcome and the round it
    led to."""

    queryset = selectors.financing_introduction_list()
    serializer_class = FinancingIntroductionSerializer
    filterset_class = FinancingIntroductionFilterSet
    search_fields = ["startup__name", "startup__name_en", "investor__name", "note"]
    ordering_fields = ["id", "introduced_on", "startup__name", "investor__name"]
    ordering = ["-introduced_on", "-id"]
    resource = "financing-introductions"
    founder_scope = "startup"
    create_serializer_class = FinancingIntroductionCreateSerializer
    update_serializer_class = FinancingIntroductionUpdateSerializer
