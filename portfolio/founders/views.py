"""The founders' pages: thin views over ``sections`` and ``selectors.scope``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portfolio.founders.access import founder_required
from portfolio.founders.sections import SECTIONS
from portfolio.models import FounderMembership
from portfolio.selectors.scope import founder_membership


@founder_required
def home(request: HttpRequest) -> HttpResponse:
    """``/founder/``: the founder's startup, section by section (``sections.SECTIONS``)."""
    membership = founder_membership(request.user)
    if membership is None:  # the membership was removed: the role alone shows nothing
        return render(request, "founder/home.html", {"startup": None}, status=403)
    startup = membership.startup
    sections = [(section.template, section.data(request, startup)) for section in SECTIONS]
    context = {"startup": startup, "membership": membership, "sections": sections}
    return render(request, "founder/home.html", context)


class WelcomeView(PasswordResetConfirmView):
    """``/founder/welcome/<uidb64>/<token>/``: the invitation's one-time link. A founder sets
    a password and is logged in; a link that is wrong, used or expired (or not a founder's)
    shows a page that says so."""

    template_name = "founder/welcome.html"
    title = _("Set your password")
    success_url = reverse_lazy("founder:home")
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or not user.is_active:
            return None
        if not FounderMembership.objects.filter(user=user).exists():
            return None  # only a founder's account is opened through this page
        return user

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, gettext("Your password is set. Welcome!"))
        return response
