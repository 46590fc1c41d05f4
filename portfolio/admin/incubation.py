"""Admin for the incubation rules and thresholds, agreements and graduations (issue 16).

Incubator staff edit the rule and threshold tables (``services.incubation_rule_save`` /
``incubator_threshold_save``: the model's validation, and the agreements' deadlines follow a
rule's change) and record agreements (``incubation_agreement_create`` / ``_update``: the rule
and deadline are computed); a graduation is written only by the startup's "Graduate" page
(``startup_graduate``), so its admin reads. Nothing here is deleted: agreements and
graduations are history, and the rules they were judged by stay with them. Policy
applications and financing introductions are added and changed through
``services.policy_application_*`` / ``financing_introduction_*`` (a refusal shows next to its
field); the other roles read them.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portfolio import models, services
from portfolio.admin.base import (
    BaseAdmin,
    EnteredRowsMixin,
    ServiceWrites,
    ServiceWritesMixin,
    ShownOnlyMixin,
)
from portfolio.services.incubation import (
    AGREEMENT_EDITABLE,
    APPLICATION_EDITABLE,
    FIGURES_EDITABLE,
    INTRODUCTION_EDITABLE,
    RULE_EDITABLE,
    THRESHOLD_EDITABLE,
)


class NoDeleteAdmin(BaseAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


class WrittenAdmin(ServiceWritesMixin, NoDeleteAdmin):
    pass


@admin.register(models.IncubationRule)
class IncubationRuleAdmin(WrittenAdmin):
    list_display = (
        "policy_code",
        "effective_from",
        "max_age_months_at_entry",
        "deadline_months",
        "extended_deadline_months",
        "extended_fields",
        "graduation_vc_over",
        "graduation_revenue_over",
        "graduation_revenue_years",
    )
    search_fields = ("policy_code", "source")
    writes = ServiceWrites.saving(services.incubation_rule_save, "rule", RULE_EDITABLE)


@admin.register(models.IncubatorThreshold)
class IncubatorThresholdAdmin(WrittenAdmin):
    list_display = ("grade", "key", "required", "effective_from", "policy_code")
    list_filter = ("grade", "key")
    search_fields = ("policy_code", "grade", "source")
    writes = ServiceWrites.saving(
        services.incubator_threshold_save, "threshold", THRESHOLD_EDITABLE
    )


@admin.register(models.IncubatorFigures)
class IncubatorFiguresAdmin(WrittenAdmin):
    list_display = ("effective_from", "opened_on", "controlled_area_m2", "seed_fund", "source")
    search_fields = ("source",)
    writes = ServiceWrites.saving(services.incubator_figures_save, "figures", FIGURES_EDITABLE)


@admin.register(models.IncubationAgreement)
class IncubationAgreementAdmin(WrittenAdmin):
    list_display = ("startup", "signed_on", "starts_on", "ends_on", "incubation_deadline", "rule")
    list_select_related = ("startup", "rule")
    search_fields = ("startup__name", "startup__name_en", "note")
    date_hierarchy = "incubation_deadline"
    autocomplete_fields = ("startup",)
    readonly_fields = ("rule", "incubation_deadline", "created_by", "created_at")
    show_full_result_count = False
    fields = ("startup", *AGREEMENT_EDITABLE)
    add_only = ("startup",)
    writes = ServiceWrites(
        services.incubation_agreement_create,
        services.incubation_agreement_update,
        "agreement",
        AGREEMENT_EDITABLE,
    )


@admin.register(models.Graduation)
class GraduationAdmin(ShownOnlyMixin, NoDeleteAdmin):
    """Read-only: a graduation is recorded by the startup's "Graduate" page."""

    list_display = ("startup", "graduated_on", "basis_display", "rule", "recorded_by")
    list_select_related = ("startup", "rule", "recorded_by")
    list_filter = (
        "basis_high_tech_enterprise",
        "basis_vc_over_5m",
        "basis_revenue_over_10m_2y",
        "basis_acquired_or_listed",
    )
    search_fields = ("startup__name", "startup__name_en", "note")
    date_hierarchy = "graduated_on"
    show_full_result_count = False

    @admin.display(description=_("basis"))
    def basis_display(self, obj):
        return ", ".join(obj.basis)


@admin.register(models.PolicyApplication)
class PolicyApplicationAdmin(EnteredRowsMixin, WrittenAdmin):
    list_display = (
        "startup",
        "programme",
        "level",
        "status",
        "applied_on",
        "valid_from",
        "valid_to",
        "amount_granted",
        "amount_received",
        "helped_by",
    )
    list_select_related = ("startup", "helped_by")
    list_filter = ("programme", "level", "status", "is_illustrative")
    search_fields = (
        "startup__name",
        "startup__name_en",
        "programme_name",
        "policy_code",
        "certificate_number",
    )
    date_hierarchy = "applied_on"
    autocomplete_fields = ("startup",)
    add_only = ("is_illustrative",)
    writes = ServiceWrites(
        services.policy_application_create,
        services.policy_application_update,
        "application",
        APPLICATION_EDITABLE,
    )


@admin.register(models.FinancingIntroduction)
class FinancingIntroductionAdmin(EnteredRowsMixin, WrittenAdmin):
    list_display = ("introduced_on", "startup", "investor", "channel", "outcome", "funding_round")
    list_select_related = ("startup", "investor", "funding_round", "funding_round__startup")
    list_filter = ("channel", "outcome", "is_illustrative")
    search_fields = ("startup__name", "startup__name_en", "investor__name", "note")
    date_hierarchy = "introduced_on"
    autocomplete_fields = ("startup", "investor", "funding_round")
    add_only = ("is_illustrative",)
    writes = ServiceWrites(
        services.financing_introduction_create,
        services.financing_introduction_update,
        "introduction",
        INTRODUCTION_EDITABLE,
    )
