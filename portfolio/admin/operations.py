"""Admin for space leases, mentors and mentoring sessions (issue 16): incubator staff add and
change them through ``services.operations`` (a refusal shows next to its field, e.g. an
overlapping lease of a unit next to *starts on*); the other roles read."""

from __future__ import annotations

from django.contrib import admin

from portfolio import services
from portfolio.admin.base import BaseAdmin, adopt
from portfolio.admin.importing import ImportAdminMixin
from portfolio.models import Mentor, MentoringSession, SpaceLease
from portfolio.services.operations import LEASE_EDITABLE, MENTOR_EDITABLE, SESSION_EDITABLE


def _changed(form, obj, editable: tuple[str, ...]) -> dict:
    return {name: getattr(obj, name) for name in form.changed_data if name in editable}


@admin.register(SpaceLease)
class SpaceLeaseAdmin(ImportAdminMixin, BaseAdmin):
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
    fields = LEASE_EDITABLE
    readonly_fields = ("created_by", "created_at")
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        return self.fields + (("created_by", "created_at") if obj is not None else ())

    def save_model(self, request, obj, form, change):
        if change:
            written = services.space_lease_update(
                lease=obj, by=request.user, **_changed(form, obj, LEASE_EDITABLE)
            )
        else:
            written = services.space_lease_create(
                by=request.user, **{name: getattr(obj, name) for name in LEASE_EDITABLE}
            )
        adopt(obj, written)


@admin.register(Mentor)
class MentorAdmin(BaseAdmin):
    list_display = ("name", "kind", "appointed_by", "appointed_on", "until", "is_full_time")
    list_filter = ("kind", "is_full_time", "is_illustrative")
    search_fields = ("name", "appointed_by")
    fields = (*MENTOR_EDITABLE, "is_illustrative")

    def save_model(self, request, obj, form, change):
        if change:
            written = services.mentor_update(
                mentor=obj, by=request.user, **_changed(form, obj, MENTOR_EDITABLE)
            )
        else:
            written = services.mentor_create(
                by=request.user,
                is_illustrative=obj.is_illustrative,
                **{name: getattr(obj, name) for name in MENTOR_EDITABLE},
            )
        adopt(obj, written)


@admin.register(MentoringSession)
class MentoringSessionAdmin(ImportAdminMixin, BaseAdmin):
    import_kind = "mentoring-sessions"
    list_display = ("held_on", "mentor", "startup", "hours", "topic")
    list_select_related = ("mentor", "startup")
    list_filter = ("mentor__kind", "mentor")
    search_fields = ("mentor__name", "startup__name", "startup__name_en", "topic")
    autocomplete_fields = ("mentor", "startup")
    fields = SESSION_EDITABLE
    readonly_fields = ("created_by", "created_at")
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        return self.fields + (("created_by", "created_at") if obj is not None else ())

    def save_model(self, request, obj, form, change):
        if change:
            written = services.mentoring_session_update(
                session=obj, by=request.user, **_changed(form, obj, SESSION_EDITABLE)
            )
        else:
            written = services.mentoring_session_create(
                by=request.user, **{name: getattr(obj, name) for name in SESSION_EDITABLE}
            )
        adopt(obj, written)
