"""Admin for the technology-transfer ledger (issue 16): incubator staff record a transfer
with its IP items (an inline); the other roles read. The transfer and its items are written
together through ``services.tech_transfer_create`` / ``_update`` (all or nothing); a
malformed application number is refused next to the item's field."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portfolio import services
from portfolio.admin.base import BaseAdmin, adopt
from portfolio.models import TechTransfer, TechTransferIpItem
from portfolio.services.transfers import EDITABLE


class IpItemInline(admin.TabularInline):
    """The IP items, written with their transfer through its service."""

    model = TechTransferIpItem
    extra = 1
    fields = ("kind", "application_number", "title")
    verbose_name = _("IP item")
    verbose_name_plural = _("IP items")


@admin.register(TechTransfer)
class TechTransferAdmin(BaseAdmin):
    inlines = (IpItemInline,)
    list_display = (
        "title",
        "startup",
        "institution",
        "mode",
        "contract_on",
        "consideration",
        "equity_to_institution_pct",
        "equity_to_researchers_pct",
        "is_illustrative",
    )
    list_select_related = ("startup", "institution")
    list_filter = ("mode", "empowerment", "is_illustrative", "institution")
    search_fields = ("title", "team", "startup__name", "institution__name", "note")
    autocomplete_fields = ("startup", "institution")
    fields = (
        "startup",
        "institution",
        *(name for name in EDITABLE if name not in ("startup", "institution")),
    )
    date_hierarchy = "contract_on"

    def save_model(self, request, obj, form, change):
        # The transfer is written with its IP items in save_related, through a service.
        pass

    def save_related(self, request, form, formsets, change):
        items = []
        for formset in formsets:
            for item in formset.forms:
                data = getattr(item, "cleaned_data", None)
                if data and data.get("kind") and not data.get("DELETE"):
                    items.append(
                        {
                            "kind": data["kind"],
                            "application_number": data.get("application_number") or "",
                            "title": data.get("title") or "",
                        }
                    )
        data = form.cleaned_data
        if change:
            changed = {name: data.get(name) for name in form.changed_data if name in EDITABLE}
            written = services.tech_transfer_update(
                transfer=form.instance, ip_items=items, by=request.user, **changed
            )
        else:
            written = services.tech_transfer_create(
                ip_items=items,
                by=request.user,
                **{name: data.get(name) for name in EDITABLE if name in data},
            )
        adopt(form.instance, written)
        saved = list(written.ip_items.all())
        for formset in formsets:  # the service wrote the items; the admin logs these
            formset.new_objects, formset.changed_objects, formset.deleted_objects = saved, [], []


@admin.register(TechTransferIpItem)
class TechTransferIpItemAdmin(BaseAdmin):
    """IP items are written with their transfer (its page's inline, through the service);
    this list is for finding them by application number. An item edited here alone is
    checked by the model's validation (the application number's format and check digit)."""

    list_display = ("transfer", "kind", "application_number", "title")
    list_select_related = ("transfer__startup",)
    list_filter = ("kind",)
    search_fields = ("application_number", "title", "transfer__title", "transfer__startup__name")
    fields = ("transfer", "kind", "application_number", "title")
