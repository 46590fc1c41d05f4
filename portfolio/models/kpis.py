"""Founders' quarterly KPIs (issue 15): staff open a request for a quarter, founders submit
their own startup's figures, staff review them; approval writes the official
:class:`~portfolio.models.KpiReport` (``portfolio.services.kpis``). A founder never writes
the official report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portfolio.models.common import belongs_to, done_by
from portfolio.models.pipeline import (
    QUARTER_VALIDATORS,
    YEAR_VALIDATORS,
    KpiFigures,
    KpiReport,
    Startup,
    of_which_within_totals,
)
from portfolio.models.rules import between, check, unique

MSG_QUARTER_YEAR = _("Quarter must be 1 to 4, year 2000 to 2100.")


def quarter_valid(name: str) -> models.CheckConstraint:
    """The database's "quarter 1-4 of a year 2000-2100" of a request or a submission."""
    return check(
        name,
        Q(**between(1, 4, "quarter"), **between(2000, 2100, "year")),
        message=MSG_QUARTER_YEAR,
    )


#: the figures a founder submits (the KPI report's, without its labels)
SUBMITTED_FIGURES = (
    "revenue",
    "rd_spend",
    "headcount",
    "patents_filed",
    "patents_granted",
    "customers",
    "cash",
    "runway_months",
    # the statistics return's and the impact page's figures (issue 16)
    "taxes_paid",
    "phd_staff",
    "new_graduates_hired",
    "invention_patents_filed",
    "invention_patents_granted",
)


class KpiRequest(models.Model):
    """Staff ask startups for one quarter's KPIs by a date."""

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=QUARTER_VALIDATORS)
    due_on = models.DateField(_("due on"))
    startups = models.ManyToManyField(
        Startup, verbose_name=_("startups asked"), related_name="kpi_requests"
    )
    opened_by = done_by(_("opened by"))
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "-quarter"]
        verbose_name = _("KPI request")
        verbose_name_plural = _("KPI requests")
        constraints = [
            unique(
                "kpi_request_one_per_quarter",
                "year",
                "quarter",
                message=_("There is already a request for this quarter."),
            ),
            quarter_valid("kpi_request_quarter_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter}"


class KpiSubmission(KpiFigures):
    """One founder submission of a quarter's figures and its review."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")

    startup = belongs_to(Startup, _("startup"), "kpi_submissions")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=QUARTER_VALIDATORS)
    request = belongs_to(
        KpiRequest, _("request"), "submissions", on_delete=models.SET_NULL, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    submitted_by = done_by(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewed_by = done_by(_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    report = belongs_to(
        KpiReport,
        _("official report"),
        "submissions",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-year", "-quarter", "startup", "-submitted_at"]
        verbose_name = _("KPI submission")
        verbose_name_plural = _("KPI submissions")
        permissions = [("review_kpisubmission", _("Approve or return founders' KPI submissions"))]
        constraints = [
            unique(
                "kpi_submission_one_open",
                "startup",
                "year",
                "quarter",
                message=_("This startup already has an open submission for this quarter."),
                condition=Q(status__in=["submitted", "returned"]),
            ),
            quarter_valid("kpi_submission_quarter_valid"),
            check(
                "kpi_submission_non_negative",
                Q(revenue__gte=0, rd_spend__gte=0, cash__gte=0, taxes_paid__gte=0)
                & (Q(runway_months__isnull=True) | Q(runway_months__gte=0)),
                message=_("Money and runway cannot be negative."),
            ),
            of_which_within_totals("kpi_submission_of_which_within_totals"),
            check(
                "kpi_submission_status_valid",
                Q(status__in=["submitted", "approved", "returned"]),
                message=_("Unknown status."),
            ),
            check(
                "kpi_submission_reviewed_when_decided",
                ~Q(status__in=["approved", "returned"]) | Q(reviewed_at__isnull=False),
                message=_("An approved or returned submission has a review."),
            ),
        ]
        # The list's order starts newest quarter first (as the KPI reports')
        indexes = [models.Index(fields=["-year", "-quarter"], name="kpi_submission_list_idx")]

    def __str__(self) -> str:
        return f"{self.startup} {self.year} Q{self.quarter} ({self.get_status_display()})"


class KpiReminder(models.Model):
    """A reminder mailed to a founder about a request (``manage.py send_kpi_reminders``):
    each kind at most once per request and founder, which the unique constraint holds even
    when two runs overlap. A log of mails sent, not portfolio data: it keeps no history."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("due in 7 days")
        DUE_TODAY = "due_today", _("due today")
        OVERDUE = "overdue", _("overdue")

    request = belongs_to(KpiRequest, _("request"), "reminders", on_delete=models.CASCADE)
    founder = belongs_to(
        settings.AUTH_USER_MODEL, _("founder"), "kpi_reminders", on_delete=models.CASCADE
    )
    startup = belongs_to(Startup, _("startup"), "kpi_reminders")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("KPI reminder")
        verbose_name_plural = _("KPI reminders")
        constraints = [
            unique(
                "kpi_reminder_once",
                "request",
                "founder",
                "kind",
                message=_("This reminder was sent already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.founder} {self.kind}"
