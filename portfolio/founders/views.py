"""The founders' pages: thin views over ``sections`` and ``selectors.scope``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portfolio import services
from portfolio.evidence_uploads import upload_too_large
from portfolio.founders.access import founder_required
from portfolio.founders.forms import EvidenceForm
from portfolio.founders.sections import SECTIONS
from portfolio.models import FounderMembership, Milestone
from portfolio.selectors.scope import founder_membership
from portfolio.services.evidence import refuse_too_large

MAX_ID = 2**63 - 1


@founder_required
def home(request: HttpRequest, status: int = 200) -> HttpResponse:
    """``/founder/``: the founder's startup, section by section (``sections.SECTIONS``)."""
    membership = founder_membership(request.user)
    if membership is None:  # the membership was removed: the role alone shows nothing
        return render(request, "founder/home.html", {"startup": None}, status=403)
    startup = membership.startup
    sections = [(section.template, section.data(request, startup)) for section in SECTIONS]
    context = {"startup": startup, "membership": membership, "sections": sections}
    return render(request, "founder/home.html", context, status=status)


@require_POST
@founder_required
def evidence_upload(request: HttpRequest, milestone_id: int) -> HttpResponse:
    """``/founder/milestones/<id>/evidence/``: add a file to one of the founder's own
    milestones (any other milestone is a 404) through ``services.evidence_add``. A refused
    file shows the home page again with the message under that milestone (400)."""
    membership = founder_membership(request.user)
    milestone = None
    if membership is not None and milestone_id <= MAX_ID:
        milestone = Milestone.objects.filter(pk=milestone_id, startup=membership.startup).first()
    if milestone is None:
        raise Http404
    form = EvidenceForm(request.POST, request.FILES)
    errors = None
    try:
        if upload_too_large(request):  # dropped while read (portfolio.evidence_uploads)
            refuse_too_large()
        if not form.is_valid():
            errors = form.errors.get("file") or form.non_field_errors()
        else:
            services.evidence_add(
                milestone=milestone, uploaded_file=form.cleaned_data["file"], by=request.user
            )
    except ValidationError as error:
        errors = error.messages
    if errors:
        request.evidence_refused = (milestone.pk, errors)
        return home(request, status=400)
    messages.success(
        request, gettext("The file was added to “%(title)s”.") % {"title": milestone.title}
    )
    return redirect(f"{reverse('founder:home')}#milestone-{milestone.pk}")


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
