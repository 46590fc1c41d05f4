"""Admin for founders (issue 15): staff invite a founder from the startup's page (a small
form: email, name, title -> ``services.founders.founder_invite``), see and retitle the
memberships, and remove one. The admin itself is closed to founders."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portfolio.admin.base import BaseAdmin, ReadOnlyInline, adopt
from portfolio.admin.forms import add_service_error
from portfolio.models import FounderMembership, Startup
from portfolio.selectors.scope import is_founder
from portfolio.services import founders as services

INVITE_PERMISSION = "portfolio.add_foundermembership"

# --- the admin is closed to founders -----------------------------------------------------------
# Founders' accounts are not staff (``founder_invite`` makes them so and ``founder_add``
# refuses staff accounts); should one be flagged staff by hand, the admin still refuses it:
# its screens list every startup.
_staff_may_enter = admin.site.has_permission


def _closed_to_founders(request) -> bool:
    return _staff_may_enter(request) and not is_founder(request.user)


admin.site.has_permission = _closed_to_founders


class FounderInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("email"), max_length=150, help_text=_("Also the founder's login name.")
    )
    name = forms.CharField(label=_("full name"), max_length=150, required=False)
    title = forms.CharField(
        label=_("job title"),
        max_length=FounderMembership._meta.get_field("title").max_length,
        required=False,
        help_text=_("E.g. 创始人兼CEO, CTO."),
    )


class FounderAccountMixin:
    """The founder's account beside the membership: its email and whether a password is
    set (an invited founder has none until they follow the invitation)."""

    @admin.display(description=_("email"), ordering="user__email")
    def email(self, obj):
        return obj.user.email

    @admin.display(description=_("password set"), boolean=True)
    def password_set(self, obj):
        return obj.user.has_usable_password()


class FounderInline(FounderAccountMixin, ReadOnlyInline):
    """A startup's founders on its page (invited with the button above the form)."""

    model = FounderMembership
    fields = ("user", "email", "title", "password_set", "created_at")
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = _("founders (accounts)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(FounderMembership)
class FounderMembershipAdmin(FounderAccountMixin, BaseAdmin):
    list_display = ("user", "email", "startup", "title", "password_set", "created_at")
    list_select_related = ("user", "startup")
    list_filter = ("startup__stage",)
    search_fields = ("user__username", "user__email", "user__first_name", "title", "startup__name")
    fields = ("user", "startup", "title", "invited_by", "created_at")
    readonly_fields = ("user", "startup", "invited_by", "created_at")

    def has_add_permission(self, request):
        return False  # founders are invited from their startup's page

    def save_model(self, request, obj, form, change):
        adopt(
            obj,
            services.founder_add(
                user=obj.user, startup=obj.startup, title=obj.title, by=request.user
            ),
        )

    # --- the invitation --------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "invite/<path:startup_id>/",
                self.admin_site.admin_view(self.invite_view),
                name="portfolio_foundermembership_invite",
            ),
            *super().get_urls(),
        ]

    def invite_view(self, request, startup_id):
        """Email, name, title -> ``founder_invite``; back to the startup's page."""
        if not request.user.has_perm(INVITE_PERMISSION):
            raise PermissionDenied
        if not startup_id.isdigit() or int(startup_id) >= 2**63:
            raise Http404(gettext("No such startup."))
        startup = get_object_or_404(Startup, pk=int(startup_id))
        form = FounderInviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                membership = services.founder_invite(
                    startup=startup,
                    by=request.user,
                    base_url=request.build_absolute_uri("/"),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                self.log_addition(request, membership, gettext("Invited by email."))
                self.message_user(
                    request,
                    gettext("An invitation was sent to %(email)s.")
                    % {"email": membership.user.email},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:portfolio_startup_change", args=[startup.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Invite a founder"),
            "opts": self.opts,
            "startup_opts": Startup._meta,
            "form": form,
            "startup": startup,
            "founders": startup.founder_memberships.select_related("user"),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/portfolio/foundermembership/invite.html", context)
