"""Admin for founders' KPIs (issue 15): staff read the requests and submissions here, with
their history. Both are written through the API and the founder page (the services'
rules: who may submit, the review that writes the official report), so the admin shows
them read-only."""

from __future__ import annotations

from django.contrib import admin

from portfolio.admin.base import BaseAdmin
from portfolio.models import KpiRequest, KpiSubmission


class ReadOnlyAdmin(BaseAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(KpiRequest)
class KpiRequestAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "year", "quarter", "due_on", "opened_by", "opened_at")
    list_select_related = ("opened_by",)
    list_filter = ("year", "quarter")
    fields = ("year", "quarter", "due_on", "startups", "opened_by", "opened_at")
    readonly_fields = fields


@admin.register(KpiSubmission)
class KpiSubmissionAdmin(ReadOnlyAdmin):
    list_display = ("startup", "year", "quarter", "status", "submitted_by", "submitted_at")
    list_select_related = ("startup", "submitted_by")
    list_filter = ("status", "year", "quarter")
    search_fields = ("startup__name", "startup__name_en")
    fields = (
        "startup",
        "year",
        "quarter",
        "request",
        "revenue",
        "rd_spend",
        "headcount",
        "patents_filed",
        "patents_granted",
        "customers",
        "cash",
        "runway_months",
        "status",
        "review_comment",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "report",
    )
    readonly_fields = fields
