"""Admin for the policy pack's dated rules: the 初创科技型企业 thresholds (superusers edit,
every role reads; saved through ``services.startup_tech_threshold_save``, which keeps the
periods from overlapping)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portfolio import services
from portfolio.admin.base import BaseAdmin, adopt
from portfolio.formatting import money
from portfolio.models import StartupTechThreshold
from portfolio.models.policy import THRESHOLD_LIMITS


@admin.register(StartupTechThreshold)
class StartupTechThresholdAdmin(BaseAdmin):
    list_display = (
        "source",
        "effective_from",
        "effective_to",
        "max_headcount",
        "max_assets_display",
        "max_revenue_display",
        "max_age_months",
    )
    search_fields = ("source", "note")
    fields = ("source", "effective_from", "effective_to", *THRESHOLD_LIMITS, "note")

    def save_model(self, request, obj, form, change):
        adopt(obj, services.startup_tech_threshold_save(threshold=obj, by=request.user))

    @admin.display(description=_("max total assets"), ordering="max_assets")
    def max_assets_display(self, obj):
        return money(obj.max_assets)

    @admin.display(description=_("max annual revenue"), ordering="max_revenue")
    def max_revenue_display(self, obj):
        return money(obj.max_revenue)
