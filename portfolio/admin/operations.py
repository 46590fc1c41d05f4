"""Admin for space leases, mentors and mentoring sessions (issue 16): incubator staff add and
change them through ``services.operations`` (a refusal shows next to its field, e.g. an
overlapping lease of a unit next to *starts on*); the other roles read."""

from __future__ import annotations

from django.contrib import admin

from portfolio import services
from portfolio.admin.base import BaseAdmin, ServiceWrites, ServiceWritesMixin
from portfolio.admin.importing import ImportedEntriesAdmin
from portfolio.models import Mentor, MentoringSession, SpaceLease
from portfolio.services.operations import LEASE_EDITABLE, MENTOR_EDITABLE, SESSION_EDITABLE


@admin.register(SpaceLease)
class SpaceLeaseAdmin(ImportedEntriesAdmin):
    import_kind = "leases"
    list_display = (
        "unit",
        "startup",
        "kind",
        "area_m2",
        "starts_on",
        "ends_on",
        "list_rent",
        "actual_rent",
        "subsidy",
        "is_public_service_area",
    )
    list_select_related = ("startup",)
    list_filter = ("kind", "is_public_service_area")
    search_fields = ("unit", "startup__name", "startup__name_en", "subsidy_source")
    autocomplete_fields = ("startup",)
    writes = ServiceWrites(
        services.space_lease_create, services.space_lease_update, "lease", LEASE_EDITABLE
    )


@admin.register(Mentor)
class MentorAdmin(ServiceWritesMixin, BaseAdmin):
    list_display = ("name", "kind", "appointed_by", "appointed_on", "until", "is_full_time")
    list_filter = ("kind", "is_full_time", "is_illustrative")
    search_fields = ("name", "appointed_by")
    add_only = ("is_illustrative",)
    writes = ServiceWrites(
        services.mentor_create, services.mentor_update, "mentor", MENTOR_EDITABLE
    )


@admin.register(MentoringSession)
class MentoringSessionAdmin(ImportedEntriesAdmin):
    import_kind = "mentoring-sessions"
    list_display = ("held_on", "mentor", "startup", "hours", "topic")
    list_select_related = ("mentor", "startup")
    list_filter = ("mentor__kind", "mentor")
    search_fields = ("mentor__name", "startup__name", "startup__name_en", "topic")
    autocomplete_fields = ("mentor", "startup")
    writes = ServiceWrites(
        services.mentoring_session_create,
        services.mentoring_session_update,
        "session",
        SESSION_EDITABLE,
    )
