"""API tokens in the admin: listed and revoked by superusers, never shown, added or edited.

Keys are issued by ``manage.py api_token`` (the key is printed once); the admin shows what
the command's ``--list`` shows and revokes through the same service.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portfolio import services
from portfolio.admin.base import ShownOnlyMixin
from portfolio.models import ApiToken


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", _("active")), ("expired", _("expired")), ("revoked", _("revoked"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "revoked":
            return queryset.filter(revoked=True)
        if self.value() == "expired":
            return queryset.filter(revoked=False, expires_at__lte=now)
        if self.value() == "active":
            return queryset.filter(revoked=False).exclude(expires_at__lte=now)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(ShownOnlyMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "user",
        "name",
        "prefix",
        "scope",
        "created_at",
        "last_used_at",
        "expires_at",
        "status_display",
    )
    list_select_related = ("user",)
    list_filter = (StatusFilter, "scope")
    search_fields = ("user__username", "name", "prefix")
    readonly_fields = list_display
    fields = list_display
    actions = ("revoke_tokens",)

    @admin.display(description=_("status"))
    def status_display(self, obj):
        return {"active": _("active"), "expired": _("expired"), "revoked": _("revoked")}[
            obj.status()
        ]

    def _superuser(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)

    def has_revoke_permission(self, request):
        return self._superuser(request)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, kept: the list says who had which token until when

    @admin.action(description=_("Revoke the selected tokens"), permissions=["revoke"])
    def revoke_tokens(self, request, queryset):
        revoked = 0
        for token in queryset.filter(revoked=False):
            try:
                services.token_revoke(token=token)
            except ValidationError:
                continue  # revoked meanwhile
            revoked += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )
