"""Admin for founders' KPIs (issue 15): staff read the requests and submissions here, with
their history. Both are written through the API and the founder page (the services'
rules: who may submit, the review that writes the official report); the admin shows them
read-only, except the review: staff approve or return a submitted quarter here, through the
same service as the API."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from portfolio.admin.base import ReadOnlyAdmin, adopt
from portfolio.models import KpiRequest, KpiSubmission
from portfolio.models.kpis import SUBMITTED_FIGURES
from portfolio.services import kpis as services


class KpiRequestForm(forms.ModelForm):
    """Open a reporting round: a quarter, a due date, and the startups asked (or every
    active incubatee). Checked and written by ``services.kpis.kpi_request_open``."""

    everyone = forms.BooleanField(
        label=_("all active incubatees"),
        required=False,
        help_text=_("Ask every active incubatee; the list below is then ignored."),
    )

    class Meta:
        model = KpiRequest
        fields = ("year", "quarter", "due_on", "everyone", "startups")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "startups" in self.fields:  # the add form (a request is read-only afterwards)
            self.fields["startups"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("everyone") and not cleaned.get("startups"):
            self.add_error("startups", _("Choose the startups asked, or all active incubatees."))
        return cleaned

    def _get_validation_exclusions(self):
        # The quarter's rules (1 to 4, begun, one request each) are the service's, which
        # names the field; the model's own check would only say it above the form.
        return super()._get_validation_exclusions() | {"year", "quarter"}


@admin.register(KpiRequest)
class KpiRequestAdmin(ReadOnlyAdmin):
    """Staff open a round here (through the service); a request is not changed afterwards
    (its completeness is on its row in the API and on the pipeline dashboard)."""

    list_display = ("__str__", "year", "quarter", "due_on", "opened_by", "opened_at")
    list_select_related = ("opened_by",)
    list_filter = ("year", "quarter")
    form = KpiRequestForm
    autocomplete_fields = ("startups",)

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("portfolio.add_kpirequest")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("year", "quarter", "due_on", "everyone", "startups")
        return ("year", "quarter", "due_on", "startups", "opened_by", "opened_at")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        startups = services.ALL if data["everyone"] else list(data["startups"])
        adopt(
            obj,
            services.kpi_request_open(
                year=data["year"],
                quarter=data["quarter"],
                due_on=data["due_on"],
                startups=startups,
                by=request.user,
            ),
        )

    def save_related(self, request, form, formsets, change):
        pass  # the service set the startups asked


class KpiReviewForm(forms.ModelForm):
    """The review of a submitted quarter: approve it (the official KPI report is written) or
    return it with a comment. Checked and written by ``services.kpis.kpi_submission_review``."""

    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[
            ("", "---------"),
            (services.APPROVE, _("Approve: it becomes the official KPI report")),
            (services.RETURN, _("Return to the founder with a comment")),
        ],
    )
    comment = forms.CharField(
        label=_("review comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning: say what to correct. The founder sees it."),
    )

    class Meta:
        model = KpiSubmission
        fields = ()


REVIEW_FIELDS = ("decision", "comment")


@admin.register(KpiSubmission)
class KpiSubmissionAdmin(ReadOnlyAdmin):
    """Read-only, except the review of a submitted quarter by those who may review (the
    form below or the "approve" action), both through the service."""

    list_display = ("startup", "year", "quarter", "status", "submitted_by", "submitted_at")
    list_select_related = ("startup", "submitted_by")
    list_filter = ("status", "year", "quarter")
    search_fields = ("startup__name", "startup__name_en")
    readonly_fields = (
        "startup",
        "year",
        "quarter",
        "request",
        *SUBMITTED_FIGURES,
        "status",
        "review_comment",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "report",
    )
    form = KpiReviewForm
    actions = ("approve_submissions",)

    def may_review(self, request) -> bool:
        return request.user.has_perm("portfolio.review_kpisubmission")

    def has_review_permission(self, request) -> bool:
        return self.may_review(request)

    def has_change_permission(self, request, obj=None):
        # The change form is the review: only a submitted quarter, only for reviewers.
        if not self.may_review(request):
            return False
        return obj is None or obj.status == KpiSubmission.Status.SUBMITTED

    def get_fields(self, request, obj=None):
        reviewing = obj is not None and self.has_change_permission(request, obj)
        return (*self.readonly_fields, *(REVIEW_FIELDS if reviewing else ()))

    def save_model(self, request, obj, form, change):
        services.kpi_submission_review(
            submission=obj,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
            by=request.user,
        )

    @admin.action(description=_("Approve selected submissions"), permissions=["review"])
    def approve_submissions(self, request, queryset):
        """Through ``kpi_submission_approve_many``: all or nothing."""
        self.report_bulk(
            request,
            lambda: services.kpi_submission_approve_many(submissions=queryset, by=request.user),
            ngettext_lazy("%(n)d submission approved.", "%(n)d submissions approved.", "n"),
        )
