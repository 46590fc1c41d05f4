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

from portfolio import services
from portfolio.admin.base import BaseAdmin, adopt
from portfolio.models import (
    FinancingIntroduction,
    Graduation,
    IncubationAgreement,
    IncubationRule,
    IncubatorFigures,
    IncubatorThreshold,
    PolicyApplication,
)
from portfolio.services.incubation import (
    AGREEMENT_EDITABLE,
    APPLICATION_EDITABLE,
    FIGURES_EDITABLE,
    INTRODUCTION_EDITABLE,
    RULE_EDITABLE,
    THRESHOLD_EDITABLE,
)


def _changed(form, obj, editable: tuple[str, ...]) -> dict:
    return {name: getattr(obj, name) for name in form.changed_data if name in editable}


class NoDeleteAdmin(BaseAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IncubationRule)
class IncubationRuleAdmin(NoDeleteAdmin):
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
    fields = RULE_EDITABLE

    def save_model(self, request, obj, form, change):
        fields = (
            _changed(form, obj, RULE_EDITABLE)
            if change
            else {name: getattr(obj, name) for name in RULE_EDITABLE}
        )
        written = services.incubation_rule_save(
            rule=obj if change else None, by=request.user, **fields
        )
        adopt(obj, written)


@admin.register(IncubatorThreshold)
class IncubatorThresholdAdmin(NoDeleteAdmin):
    list_display = ("grade", "key", "required", "effective_from", "policy_code")
    list_filter = ("grade", "key")
    search_fields = ("policy_code", "grade", "source")
    fields = THRESHOLD_EDITABLE

    def save_model(self, request, obj, form, change):
        fields = (
            _changed(form, obj, THRESHOLD_EDITABLE)
            if change
            else {name: getattr(obj, name) for name in THRESHOLD_EDITABLE}
        )
        written = services.incubator_threshold_save(
            threshold=obj if change else None, by=request.user, **fields
        )
        adopt(obj, written)


@admin.register(IncubatorFigures)
class IncubatorFiguresAdmin(NoDeleteAdmin):
    list_display = ("effective_from", "opened_on", "controlled_area_m2", "seed_fund", "source")
    search_fields = ("source",)
    fields = FIGURES_EDITABLE

    def save_model(self, request, obj, form, change):
        fields = (
            _changed(form, obj, FIGURES_EDITABLE)
            if change
            else {name: getattr(obj, name) for name in FIGURES_EDITABLE}
        )
        written = services.incubator_figures_save(
            figures=obj if change else None, by=request.user, **fields
        )
        adopt(obj, written)


@admin.register(IncubationAgreement)
class IncubationAgreementAdmin(NoDeleteAdmin):
    list_display = ("startup", "signed_on", "starts_on", "ends_on", "incubation_deadline", "rule")
    list_select_related = ("startup", "rule")
    search_fields = ("startup__name", "startup__name_en", "note")
    date_hierarchy = "incubation_deadline"
    autocomplete_fields = ("startup",)
    readonly_fields = ("rule", "incubation_deadline", "created_by", "created_at")
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("startup", *AGREEMENT_EDITABLE)
        return ("startup", *AGREEMENT_EDITABLE, *self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "startup") if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            written = services.incubation_agreement_update(
                agreement=obj, by=request.user, **_changed(form, obj, AGREEMENT_EDITABLE)
            )
        else:
            written = services.incubation_agreement_create(
                startup=obj.startup,
                by=request.user,
                **{name: getattr(obj, name) for name in AGREEMENT_EDITABLE},
            )
        adopt(obj, written)


@admin.register(Graduation)
class GraduationAdmin(NoDeleteAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PolicyApplication)
class PolicyApplicationAdmin(NoDeleteAdmin):
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
    fields = (*APPLICATION_EDITABLE, "is_illustrative")
    readonly_fields = ("created_by", "created_at")
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        return self.fields + (self.readonly_fields if obj is not None else ())

    def save_model(self, request, obj, form, change):
        if change:
            written = services.policy_application_update(
                application=obj, by=request.user, **_changed(form, obj, APPLICATION_EDITABLE)
            )
        else:
            written = services.policy_application_create(
                by=request.user,
                is_illustrative=obj.is_illustrative,
                **{name: getattr(obj, name) for name in APPLICATION_EDITABLE},
            )
        adopt(obj, written)


@admin.register(FinancingIntroduction)
class FinancingIntroductionAdmin(NoDeleteAdmin):
    list_display = ("introduced_on", "startup", "investor", "channel", "outcome", "funding_round")
    list_select_related = ("startup", "investor", "funding_round", "funding_round__startup")
    list_filter = ("channel", "outcome", "is_illustrative")
    search_fields = ("startup__name", "startup__name_en", "investor__name", "note")
    date_hierarchy = "introduced_on"
    autocomplete_fields = ("startup", "investor", "funding_round")
    fields = (*INTRODUCTION_EDITABLE, "is_illustrative")
    readonly_fields = ("created_by", "created_at")
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        return self.fields + (self.readonly_fields if obj is not None else ())

    def save_model(self, request, obj, form, change):
        if change:
            written = services.financing_introduction_update(
                introduction=obj, by=request.user, **_changed(form, obj, INTRODUCTION_EDITABLE)
            )
        else:
            written = services.financing_introduction_create(
                by=request.user,
                is_illustrative=obj.is_illustrative,
                **{name: getattr(obj, name) for name in INTRODUCTION_EDITABLE},
            )
        adopt(obj, written)
