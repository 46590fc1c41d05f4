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
from portfolio.founders.forms import EvidenceForm, KpiForm
from portfolio.founders.sections import SECTIONS, kpi_status
from portfolio.models import FounderMembership, KpiSubmission, Milestone
from portfolio.selectors import kpis as kpi_selectors
from portfolio.selectors.scope import founder_membership
from portfolio.services import kpis as kpi_services
from portfolio.services.common import today
from portfolio.services.evidence import refuse_too_large

UNLINKED = "founder/home.html"  # a founder whose membership was removed: 403, says so
MAX_ID = 2**63 - 1


@founder_required
def home(request: HttpRequest, status: int = 200) -> HttpResponse:
    """``/founder/``: the founder's startup, section by section (``sections.SECTIONS``)."""
    membership = founder_membership(request.user)
    if membership is None:  # the membership was removed: the role alone shows nothing
        return render(request, UNLINKED, {"startup": None}, status=403)
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


@founder_required
def kpi_quarter(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    """``/founder/kpis/<year>/<quarter>/``: the quarter's KPI form. Nothing submitted: a new
    submission; returned: the same submission corrected and submitted again; submitted
    (awaiting review) or approved: read-only. Only a quarter that has ended; the startup is
    the founder's own (from the membership, never from the URL)."""
    membership = founder_membership(request.user)
    if membership is None:
        return render(request, UNLINKED, {"startup": None}, status=403)
    if not (2000 <= year <= 2100 and 1 <= quarter <= 4):
        raise Http404
    if kpi_services.quarter_end(year, quarter) >= today():
        raise Http404  # a quarter that has not ended has nothing to report yet
    startup = membership.startup
    submission, kpi_request = kpi_selectors.founder_quarter(startup, year, quarter)
    editable = submission is None or submission.status == KpiSubmission.Status.RETURNED
    form = None
    if editable:
        initial = KpiForm.initial_from(submission) if submission else None
        form = KpiForm(request.POST if request.method == "POST" else None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                if submission is None:
                    kpi_services.kpi_submission_create(
                        startup=startup,
                        year=year,
                        quarter=quarter,
                        figures=form.figures(),
                        by=request.user,
                    )
                else:
                    kpi_services.kpi_submission_update(
                        submission=submission, figures=form.figures(), by=request.user
                    )
            except ValidationError as refused:
                for field, errors in refused.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request, gettext("Thank you: your figures are submitted for review.")
                )
                return redirect("founder:kpi-quarter", year=year, quarter=quarter)
    elif request.method == "POST":
        messages.error(request, gettext("This quarter's figures cannot be changed now."))
        return redirect("founder:kpi-quarter", year=year, quarter=quarter)
    context = {
        "startup": startup,
        "year": year,
        "quarter": quarter,
        "submission": submission,
        "status": kpi_status(submission.status if submission else None),
        "kpi_request": kpi_request,
        "form": form,
        "figures": _shown_figures(submission) if submission and not editable else [],
    }
    return render(request, "founder/kpi_form.html", context)


def _shown_figures(submission: KpiSubmission) -> list[tuple[str, object, str]]:
    """A read-only submission's figures as the form labels them (money in 万元)."""
    initial = KpiForm.initial_from(submission)
    return [
        (field.label, initial[name], field.help_text) for name, field in KpiForm.base_fields.items()
    ]


@founder_required
def kpi_history(request: HttpRequest) -> HttpResponse:
    """``/founder/kpis/``: everything the startup submitted, each with its review."""
    membership = founder_membership(request.user)
    if membership is None:
        return render(request, UNLINKED, {"startup": None}, status=403)
    submissions = kpi_selectors.founder_kpi_history(membership.startup)
    rows = [(submission, kpi_status(submission.status)) for submission in submissions]
    return render(
        request, "founder/kpi_history.html", {"startup": membership.startup, "rows": rows}
    )


class WelcomeView(PasswordResetConfirmView):
    """``/founder/welcome/<uidb64>/<token>/``: the invitation's one-time link. A founder sets
    a password and is logged in; a link that is wrong, used or expired (or not a founder's)
    shows a page that says so."""

    template_name = "founder/welcome.html"
    title = _("Set your password")
    success_url = reverse_lazy("founder:home")
    post_reset_login = True
    post_reset_login_backend = "portfolio.session_auth.ModelBackend"

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
