"""The founders' forms: they collect input; the rules are the services'. The quarterly KPI
form (the KPI report's figures, ``models.kpis.SUBMITTED_FIGURES``, money entered in 万元 and
turned into exact yuan) and a milestone's evidence file."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portfolio.evidence_field import EvidenceFileField
from portfolio.formatting import WAN
from portfolio.models import KpiSubmission
from portfolio.models.kpis import SUBMITTED_FIGURES
from portfolio.services import messages as msg

#: the figures entered in 万元 (stored in yuan)
MONEY_FIGURES = ("revenue", "rd_spend", "cash", "taxes_paid")
#: the largest count a PositiveIntegerField holds on every database
MAX_COUNT = 2_147_483_647


def _money(label, help_text) -> forms.DecimalField:
    # yuan is DecimalField(16, 2): in 万元 that is 10 digits before the point and 6 after,
    # so every amount entered is an exact number of fen.
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_digits=16,
        decimal_places=6,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )


def _count(label, help_text) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=MAX_COUNT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class KpiForm(forms.Form):
    """One quarter's figures; :meth:`figures` gives them as the service takes them."""

    revenue = _money(
        _("Revenue (10,000 yuan)"), _("Operating revenue in the quarter, in 万元 (10,000 yuan).")
    )
    rd_spend = _money(
        _("R&D spend (10,000 yuan)"),
        _("Research and development spending in the quarter, in 万元."),
    )
    headcount = _count(_("Headcount (people)"), _("Employees at the end of the quarter."))
    patents_filed = _count(
        _("Patents filed"), _("Patent applications filed so far (all kinds, cumulative).")
    )
    patents_granted = _count(_("Patents granted"), _("Patents granted so far (cumulative)."))
    customers = _count(
        _("Customers / installed units"), _("Paying customers or systems installed so far.")
    )
    cash = _money(
        _("Cash (10,000 yuan)"), _("Cash in the bank at the end of the quarter, in 万元.")
    )
    runway_months = forms.DecimalField(
        label=_("Runway (months)"),
        help_text=_("How many months the cash lasts at the current spending; may be left empty."),
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
    )
    taxes_paid = _money(
        _("Taxes paid (10,000 yuan)"),
        _("Taxes and fees actually paid in the quarter (实际上缴税费), in 万元."),
    )
    phd_staff = _count(_("Staff with a PhD"), _("Of the headcount, at the end of the quarter."))
    new_graduates_hired = _count(
        _("New graduates hired"), _("Fresh university graduates hired in the quarter.")
    )
    invention_patents_filed = _count(
        _("Invention patents filed"), _("Of the patents filed so far, invention patents.")
    )
    invention_patents_granted = _count(
        _("Invention patents granted"), _("Of the patents granted so far, invention patents.")
    )

    def figures(self) -> dict[str, Any]:
        """The cleaned figures, money in exact yuan."""
        figures = {name: self.cleaned_data[name] for name in SUBMITTED_FIGURES}
        for name in MONEY_FIGURES:
            figures[name] = (figures[name] * WAN).quantize(Decimal("0.01"))
        return figures

    @staticmethod
    def initial_from(submission: KpiSubmission) -> dict[str, Any]:
        """A submission's figures as the form shows them (money back in 万元)."""
        initial = {name: getattr(submission, name) for name in SUBMITTED_FIGURES}
        for name in MONEY_FIGURES:
            initial[name] = to_wan(initial[name])
        return initial


def to_wan(yuan: Decimal) -> Decimal:
    """Yuan in 万元, without trailing zeros (1,234,500.00 元 -> 123.45)."""
    value = (Decimal(yuan) / WAN).normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


assert set(SUBMITTED_FIGURES) == set(KpiForm.base_fields)  # one definition of the figures


class EvidenceForm(forms.Form):
    """One evidence file for a milestone; its field runs the service's checks (type by
    content, size, empty), so the page shows the same message as the API's 400."""

    file = EvidenceFileField(
        label=_("Evidence file"),
        error_messages={"required": msg.EVIDENCE_MISSING_FILE},
    )
