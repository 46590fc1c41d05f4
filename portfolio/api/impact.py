"""The impact report for district officials (issue 16): ``GET /api/v1/reports/impact/?year=``
(``selectors.impact_report``; definitions in ``docs/operations.md``, "The impact page").
``?format=csv|xlsx``: one line per figure, then one per threshold."""

from __future__ import annotations

import typing
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from portfolio import selectors
from portfolio.api.serializers import CurrencyField, money, population_param
from portfolio.api.views import ExportReportView

RATIO = {"max_digits": 12, "decimal_places": 4, "allow_null": True}
STATUSES = ("met", "not_yet", "no_data")


class ImpactQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    population = population_param(
        _(
            "Whose figures: incubator (startups admitted by 31 December of the year, the "
            "default), tracked (companies followed but not admitted) or all. The thresholds "
            "always compare the incubator's own figures, whatever this says."
        )
    )


class ImpactThresholdSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text=_("The figure the threshold is about."))
    grade = serializers.CharField(help_text=_("e.g. national, specialised"))
    policy_code = serializers.CharField()
    effective_from = serializers.DateField()
    required = serializers.DecimalField(max_digits=16, decimal_places=2)
    actual = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        allow_null=True,
        help_text=_("The incubator's figure on 31 December; null when it is not recorded."),
    )
    status = serializers.ChoiceField(choices=STATUSES)
    missing = serializers.CharField(
        help_text=_("What the database lacks when the status is no_data (else empty).")
    )


#: the help text of each figure of the report (``selectors.ImpactReport``)
FIGURE_HELP = {
    "startups": _("Startups in the population."),
    "reporting": _("Startups with a KPI report in the year (the others add nothing)."),
    "jobs": _("Each startup's headcount in its last KPI report of the year, summed."),
    "new_graduates_hired": _("Fresh graduates hired: the year's quarterly KPI reports summed."),
    "phds": _("Staff with a PhD in each startup's last KPI report of the year, summed."),
    "revenue": _("The year's quarterly KPI reports summed (yuan)."),
    "taxes": _("Taxes and fees paid (实际上缴税费): the year's reports summed."),
    "invention_patents_filed": _(
        "Invention patents filed in the year: each startup's last cumulative count of the "
        "year minus that of the year before."
    ),
    "invention_patents_granted": _(
        "Invention patents granted in the year, counted like the filings."
    ),
    "financing": _("Rounds closed in the year, exact and approximate amounts (yuan)."),
    "financing_approximate": _("Of the financing, approximate amounts."),
    "undisclosed_rounds": _("Rounds closed in the year without an amount (not in financing)."),
    "financed_startups": _("Startups with a round closed in the year."),
    "fund_invested": _("The funds' disbursements to the startups paid in the year."),
    "fund_share_of_financing": _("fund_invested / financing; null when there is no financing."),
    "leverage": _("financing / fund_invested; null when the funds paid nothing."),
    "high_tech_enterprises": _(
        "Startups with an approved 高新技术企业 application whose certificate is valid on "
        "some day of the year."
    ),
    "high_tech_enterprises_new": _("Of those, certificates valid from a day in the year."),
    "specialised_smes": _(
        "Startups with an approved 专精特新 (or 小巨人) certificate valid in the year."
    ),
    "graduations": _("Graduations dated in the year."),
    "listings": _("Startups with an IPO round in the year."),
    "moved_into_district": _("Startups whose registered address moved into Haidian in the year."),
    "incubatees_at_year_end": _(
        "Incubatees in incubation on 31 December (the thresholds' incubatees)."
    ),
}


def figure_field(hint, help_text) -> serializers.Field:
    """A figure of ``ImpactReport`` by its type: an ``int`` a count, a ``Decimal`` yuan, and
    one that may be None a ratio."""
    kinds = typing.get_args(hint) or (hint,)
    if type(None) in kinds:
        return serializers.DecimalField(**RATIO, help_text=help_text)
    if Decimal in kinds:
        return money(help_text=help_text)
    return serializers.IntegerField(help_text=help_text)


#: the report's figures, in its order (the export's too)
FIGURES = [
    name
    for name in typing.get_type_hints(selectors.ImpactReport)
    if name not in ("year", "population", "thresholds")
]


class ImpactSerializer(serializers.Serializer):
    def get_fields(self):
        # every figure of the selector's ``ImpactReport``, in its order, after the year,
        # the population and the currency
        hints = typing.get_type_hints(selectors.ImpactReport)
        return {
            "year": serializers.IntegerField(),
            "population": serializers.CharField(),
            "currency": CurrencyField(),
            **{name: figure_field(hints[name], FIGURE_HELP[name]) for name in FIGURES},
            "thresholds": ImpactThresholdSerializer(many=True),
        }


class ImpactLineSerializer(serializers.Serializer):
    """One line of the export: a figure (``section`` "figure") or a threshold."""

    section = serializers.CharField()
    name = serializers.CharField()
    grade = serializers.CharField()
    policy_code = serializers.CharField()
    value = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    required = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    status = serializers.CharField()


def export_lines(data: dict) -> list[dict]:
    figures = [
        {
            "section": "figure",
            "name": name,
            "grade": "",
            "policy_code": "",
            "value": data[name],
            "required": None,
            "status": "",
        }
        for name in FIGURES
    ]
    thresholds = [
        {
            "section": "threshold",
            "name": row["rule"],
            "grade": row["grade"],
            "policy_code": row["policy_code"],
            "value": row["actual"],
            "required": row["required"],
            "status": row["status"],
        }
        for row in data["thresholds"]
    ]
    return figures + thresholds


class ImpactReportView(ExportReportView):
    """The impact figures of a year and the national-level incubator's thresholds beside the
    incubator's own figures. Closed to founders: it sums every startup's figures."""

    @extend_schema(
        summary=_("Impact report for district officials"),
        description=_(
            "Jobs (with new graduates and PhDs), revenue, taxes, invention patents filed and "
            "granted, financing and the funds' share of it, 高新技术企业 and 专精特新 counts, "
            "graduations, listings and moves into Haidian in `year`, for `population`; and "
            "each threshold of the rule table in force on 31 December with the incubator's "
            "figure and `met`, `not_yet` or `no_data`. 400 naming `year` when it is missing "
            "or outside 2000-2100."
        ),
        parameters=[ImpactQuerySerializer],
        responses={200: ImpactSerializer},
    )
    def get(self, request):
        report = selectors.impact_report(**self.query(ImpactQuerySerializer))
        return self.answer(
            ImpactSerializer(report).data,
            ImpactLineSerializer,
            export_lines,
            resource=f"impact-{report.year}-{report.population}",
        )
