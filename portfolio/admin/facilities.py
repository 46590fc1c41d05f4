"""Admin for the shared facilities (issue 16): incubator staff add facilities and book them
for startups; the other roles read. A booking is written through
``services.facility_booking_create`` / ``_update`` (an overlap is refused next to
``starts_at``); a facility has no rule beyond the model's, which the form runs."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portfolio import services
from portfolio.admin.base import BaseAdmin, ServiceWrites
from portfolio.admin.importing import ImportedEntriesAdmin
from portfolio.models import Facility, FacilityBooking
from portfolio.services.facilities import EDITABLE


@admin.register(Facility)
class FacilityAdmin(BaseAdmin):
    list_display = ("name", "kind", "owner", "booking_unit", "is_illustrative")
    list_filter = ("kind", "booking_unit", "is_illustrative")
    search_fields = ("name", "owner")
    fields = ("name", "kind", "owner", "booking_unit", "required_training", "is_illustrative")


@admin.register(FacilityBooking)
class FacilityBookingAdmin(ImportedEntriesAdmin):
    import_kind = "bookings"
    list_display = (
        "facility",
        "startup",
        "starts_at",
        "ends_at",
        "units",
        "unit",
        "helium_litres",
        "created_by",
    )
    list_select_related = ("facility", "startup", "created_by")
    list_filter = ("facility__kind", "facility")
    search_fields = ("facility__name", "startup__name", "startup__name_en", "note")
    autocomplete_fields = ("facility", "startup")
    writes = ServiceWrites(
        services.facility_booking_create, services.facility_booking_update, "booking", EDITABLE
    )

    @admin.display(description=_("booking unit"), ordering="facility__booking_unit")
    def unit(self, obj):
        return obj.facility.get_booking_unit_display()
