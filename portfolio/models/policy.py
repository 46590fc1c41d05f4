"""Rules of the guidance-fund policy pack that change by date: the 初创科技型企业 thresholds
(财税〔2018〕55号 and the notices after it), one row per period, edited in the admin."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portfolio.models.pipeline import MONEY
from portfolio.models.rules import check, ends_after

#: a threshold period's limits, in the pack's order (``formatting.STARTUP_TECH_CRITERIA``):
#: the fields the API's row and the admin's form list between the period and the source
THRESHOLD_LIMITS = ("max_headcount", "max_assets", "max_revenue", "max_age_months")


class StartupTechThreshold(models.Model):
    """The 初创科技型企业 (start-up tech firm) test in force for investments made from
    ``effective_from`` to ``effective_to`` (inclusive; open-ended when empty). An investment
    is judged by the row in force on its date (``services.policy``: periods never overlap)."""

    effective_from = models.DateField(_("in force from"), unique=True)
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    max_headcount = models.PositiveIntegerField(_("max headcount"))
    max_assets = models.DecimalField(_("max total assets (yuan)"), **MONEY)
    max_revenue = models.DecimalField(_("max annual revenue (yuan)"), **MONEY)
    max_age_months = models.PositiveSmallIntegerField(_("max age (months)"), default=60)
    source = models.CharField(_("source"), max_length=200)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["effective_from"]
        verbose_name = _("start-up tech firm threshold")
        verbose_name_plural = _("start-up tech firm thresholds")
        constraints = [
            ends_after(
                "threshold_period_ordered",
                "effective_to",
                "effective_from",
                message=_("A period cannot end before it starts."),
            ),
            check(
                "threshold_limits_positive",
                Q(max_headcount__gt=0, max_assets__gt=0, max_revenue__gt=0)
                & Q(max_age_months__gt=0),
                message=_("Every threshold is a positive number."),
            ),
        ]

    def __str__(self) -> str:
        end = self.effective_to.isoformat() if self.effective_to else "…"
        return f"{self.source} ({self.effective_from.isoformat()} – {end})"

    def in_force(self, on) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)
